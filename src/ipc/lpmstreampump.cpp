#include "lpmstreampump_p.h"

#include "lpmlogging_p.h"

#include <QtCore/qfiledevice.h>
#include <QtCore/qprocess.h>
#include <QtNetwork/qabstractsocket.h>

#include <unistd.h>

namespace {
constexpr qint64 ChunkBytes = 256 * 1024;
// Bytes waiting to be written before the pump stops reading the source.
constexpr qint64 HighWaterBytes = 1024 * 1024;
} // namespace

LpmStreamPump::LpmStreamPump(QIODevice *source, int descriptor, QObject *parent)
    : QObject(parent), m_source(source)
{
    if (!m_sink.setSocketDescriptor(descriptor, QLocalSocket::ConnectedState, QIODevice::WriteOnly))
        ::close(descriptor);
    connect(&m_sink, &QLocalSocket::bytesWritten, this, &LpmStreamPump::pump);
    connect(&m_sink, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError) {
        finish(false, QStringLiteral("the reading side went away"));
    });
    if (source) {
        m_initialError = source->errorString();
        connect(source, &QIODevice::readyRead, this, &LpmStreamPump::pump);
        connect(source, &QIODevice::readChannelFinished, this, [this] {
            m_sourceClosedChannel = true;
            pump();
        });
        connect(source, &QObject::destroyed, this, &LpmStreamPump::pump);
    }
}

LpmStreamPump::~LpmStreamPump()
{
    abort();
}

void LpmStreamPump::start()
{
    QMetaObject::invokeMethod(this, &LpmStreamPump::pump, Qt::QueuedConnection);
}

void LpmStreamPump::abort()
{
    m_done = true;
    m_sink.disconnect(this);
    m_sink.abort();
}

bool LpmStreamPump::sourceHasEnded() const
{
    if (!m_source->isSequential())
        return m_source->atEnd();
    return m_sourceClosedChannel || !m_source->isOpen()
            || (qobject_cast<QAbstractSocket *>(m_source.data())
                && static_cast<QAbstractSocket *>(m_source.data())->state()
                        == QAbstractSocket::UnconnectedState)
            || (qobject_cast<QProcess *>(m_source.data())
                && static_cast<QProcess *>(m_source.data())->state() == QProcess::NotRunning);
}

// Why the source stopped, if it did not simply end.
QString LpmStreamPump::sourceFailure() const
{
    if (auto *socket = qobject_cast<QAbstractSocket *>(m_source.data())) {
        const auto error = socket->error();
        if (error != QAbstractSocket::UnknownSocketError
            && error != QAbstractSocket::RemoteHostClosedError)
            return socket->errorString();
        return {};
    }
    if (auto *process = qobject_cast<QProcess *>(m_source.data())) {
        if (process->state() == QProcess::NotRunning && process->exitStatus() == QProcess::CrashExit)
            return QStringLiteral("the source process crashed");
        return {};
    }
    if (auto *file = qobject_cast<QFileDevice *>(m_source.data())) {
        if (file->error() != QFileDevice::NoError)
            return file->errorString();
    }
    return {};
}

void LpmStreamPump::pump()
{
    if (m_done || m_pumping)
        return;
    if (!m_source) {
        finish(false, QStringLiteral("the source device was deleted"));
        return;
    }
    m_pumping = true; // write() may emit bytesWritten synchronously on some devices
    m_chunk.resize(ChunkBytes);
    while (!m_done && m_sink.bytesToWrite() < HighWaterBytes) {
        const qint64 n = m_source->read(m_chunk.data(), ChunkBytes);
        if (n > 0) {
            m_sink.write(m_chunk.constData(), n);
            m_copied += n;
            continue;
        }
        if (n == 0 && !sourceHasEnded())
            break; // wait for readyRead
        // The source has ended (read() returns -1 at the end of a sequential device):
        // cleanly, unless it says otherwise.
        QString failure = sourceFailure();
        if (failure.isEmpty() && m_source->errorString() != m_initialError)
            failure = m_source->errorString();
        finish(failure.isEmpty(), failure);
        break;
    }
    m_pumping = false;
}

void LpmStreamPump::finish(bool ok, const QString &error)
{
    if (m_done)
        return;
    m_done = true;
    qCDebug(lcLpmIpc) << "stream pump done:" << ok << error << m_copied << "bytes";
    if (!ok || m_sink.state() != QLocalSocket::ConnectedState) {
        m_sink.abort();
        Q_EMIT finished(ok, error);
        return;
    }
    // Clean: finished() only once what is still buffered has been written and the
    // descriptor closed, so the pump may be deleted then without losing a byte.
    m_sink.disconnect(this);
    connect(&m_sink, &QLocalSocket::disconnected, this, [this] { Q_EMIT finished(true, {}); });
    connect(&m_sink, &QLocalSocket::errorOccurred, this, [this] {
        Q_EMIT finished(false, QStringLiteral("the reading side went away"));
    }, Qt::SingleShotConnection);
    m_sink.disconnectFromServer();
}
