#include "lpmstreampump_p.h"

#include "lpmlogging_p.h"

#include <QtCore/qfiledevice.h>
#include <QtCore/qprocess.h>
#include <QtNetwork/qabstractsocket.h>

#include <QtCore/qsocketnotifier.h>

#include <cerrno>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
// The most read from the source at once. A pump starts smaller when its source has
// less at hand, so that a thousand small streams do not hold 256 KiB each.
constexpr qint64 ChunkBytes = 256 * 1024;
constexpr qint64 FirstChunkBytes = 16 * 1024;
} // namespace

LpmStreamPump::LpmStreamPump(QIODevice *source, int descriptor, QObject *parent)
    : QObject(parent), m_source(source), m_sink(descriptor)
{
    ::fcntl(m_sink, F_SETFL, ::fcntl(m_sink, F_GETFL) | O_NONBLOCK);
    m_writable = new QSocketNotifier(m_sink, QSocketNotifier::Write, this);
    m_writable->setEnabled(false);
    connect(m_writable, &QSocketNotifier::activated, this, &LpmStreamPump::pump);
    m_chunk.resize(qBound<qint64>(FirstChunkBytes, source ? source->bytesAvailable() : 0, ChunkBytes));
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
    closeSink();
}

void LpmStreamPump::closeSink()
{
    delete m_writable;
    m_writable = nullptr;
    if (m_sink >= 0)
        ::close(m_sink);
    m_sink = -1;
}

bool LpmStreamPump::finishBlocking(const QDeadlineTimer &deadline)
{
    while (!m_done && !deadline.hasExpired()) {
        pump();
        if (m_done)
            break;
        const int waitMs = int(qMin<qint64>(deadline.remainingTime(), 1000));
        if (m_chunkWritten < m_chunkSize) { // the reader has to catch up
            struct pollfd writable = { m_sink, POLLOUT, 0 };
            ::poll(&writable, 1, waitMs);
        } else if (m_source && !m_source->waitForReadyRead(waitMs) && !sourceHasEnded()) {
            break; // a source that only delivers through the event loop
        }
    }
    return m_done;
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

bool LpmStreamPump::flushChunk()
{
    while (m_chunkWritten < m_chunkSize) {
        // send(): a closed reader is an error here, not a SIGPIPE for the whole process.
        const ssize_t n = ::send(m_sink, m_chunk.constData() + m_chunkWritten,
                                 size_t(m_chunkSize - m_chunkWritten), MSG_NOSIGNAL);
        if (n > 0) {
            m_chunkWritten += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            m_writable->setEnabled(true); // resume when the reader has drained some
            return false;
        }
        finish(false, QStringLiteral("the reading side went away"));
        return false;
    }
    m_writable->setEnabled(false);
    m_chunkSize = m_chunkWritten = 0;
    return true;
}

void LpmStreamPump::pump()
{
    if (m_done || m_pumping)
        return;
    m_pumping = true; // reading the source may emit readyRead synchronously
    while (!m_done && flushChunk()) {
        if (!m_source) {
            finish(false, QStringLiteral("the source device was deleted"));
            break;
        }
        const qint64 n = m_source->read(m_chunk.data(), m_chunk.size());
        if (n > 0) {
            if (n == m_chunk.size() && m_chunk.size() < ChunkBytes)
                m_chunk.resize(ChunkBytes); // more is coming: take it in larger steps
            m_chunkSize = n;
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
    }
    m_pumping = false;
}

void LpmStreamPump::finish(bool ok, const QString &error)
{
    if (m_done)
        return;
    m_done = true;
    qCDebug(lcLpmIpc) << "stream pump done:" << ok << error << m_copied << "bytes";
    // Everything read has been written by now: closing gives the reader end-of-file.
    closeSink();
    Q_EMIT finished(ok, error);
}
