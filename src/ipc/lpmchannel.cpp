#include "lpmchannel_p.h"

#include "lpmframecodec_p.h"
#include "lpmlogging_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtNetwork/qlocalsocket.h>

#include <unistd.h>

using namespace LpmIpc;

LpmChannel::LpmChannel(QIODevice *device, QObject *parent)
    : QObject(parent), m_device(device), m_reader(MaxFrameSize)
{
    device->setParent(this);
    connect(device, &QIODevice::readyRead, this, &LpmChannel::readFrames);
    connect(device, &QIODevice::bytesWritten, this, &LpmChannel::bytesWritten);
    if (auto *socket = qobject_cast<QLocalSocket *>(device))
        connect(socket, &QLocalSocket::disconnected, this, &LpmChannel::disconnected);
    else
        connect(device, &QIODevice::readChannelFinished, this, &LpmChannel::disconnected);
    if (device->isOpen())
        send(Message::hello(QCoreApplication::applicationPid()));
}

LpmChannel *LpmChannel::overSocket(int descriptor, QObject *parent)
{
    auto *socket = new QLocalSocket;
    if (!socket->setSocketDescriptor(descriptor, QLocalSocket::ConnectedState, QIODevice::ReadWrite)) {
        qCWarning(lcLpmIpc) << "cannot adopt channel descriptor" << descriptor << ":"
                            << socket->errorString();
        ::close(descriptor);
    }
    return new LpmChannel(socket, parent);
}

LpmChannel::~LpmChannel() = default;

bool LpmChannel::isConnected() const
{
    if (m_closed || !m_device || !m_device->isOpen())
        return false;
    if (auto *socket = qobject_cast<QLocalSocket *>(m_device.data()))
        return socket->state() == QLocalSocket::ConnectedState;
    return true;
}

bool LpmChannel::send(const Message &message, QString *error)
{
    QString reason;
    m_outgoing.resize(0); // keeps its capacity: no allocation per frame
    if (!appendFrame(m_outgoing, message, &reason)) {
        if (error)
            *error = reason;
        return false;
    }
    if (!isConnected())
        return true; // the peer is gone: what it misses is settled by its exit
    m_device->write(m_outgoing);
    if (!m_backlogReported && m_device->bytesToWrite() > MaxBacklog) {
        m_backlogReported = true;
        qCWarning(lcLpmIpc) << "peer" << m_peerPid << "has not read"
                            << m_device->bytesToWrite() << "bytes: it stopped reading";
        Q_EMIT backlogExceeded();
    }
    return true;
}

void LpmChannel::flushNow()
{
    if (auto *socket = qobject_cast<QLocalSocket *>(m_device.data()); socket && isConnected())
        socket->flush();
}

void LpmChannel::flushBlocking(int timeoutMs)
{
    while (isConnected() && m_device->bytesToWrite() > 0) {
        if (!m_device->waitForBytesWritten(timeoutMs))
            return;
    }
}

void LpmChannel::drain()
{
    if (m_closed || !m_device)
        return;
    // waitForReadyRead(0) reads what the kernel holds and emits readyRead() here; it
    // returns false once nothing is left (or the peer's end-of-file was seen).
    while (!m_failed && m_device && m_device->isOpen() && m_device->waitForReadyRead(0)) {
    }
    if (m_device && m_device->bytesAvailable() > 0)
        readFrames();
}

void LpmChannel::close()
{
    m_failed = true; // deliver nothing more
    m_closed = true;
    if (!m_device)
        return;
    if (auto *socket = qobject_cast<QLocalSocket *>(m_device.data()))
        socket->abort();
    else
        m_device->close();
}

qint64 LpmChannel::bytesToWrite() const
{
    return m_device ? m_device->bytesToWrite() : 0;
}

void LpmChannel::fail(const QString &reason)
{
    if (m_failed)
        return;
    m_failed = true;
    Q_EMIT protocolError(reason);
}

void LpmChannel::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!paused) // frames already read wait in the reader: no readyRead() will tell
        QMetaObject::invokeMethod(this, &LpmChannel::readFrames, Qt::QueuedConnection);
}

void LpmChannel::readFrames()
{
    // Re-entrant: a handler of messageReceived() may spin an event loop, and drain()
    // makes readyRead() come synchronously. No view into the reader's buffer is kept
    // across an emit, so a nested call simply goes on where the buffer stands.
    if (!m_device || m_paused)
        return;
    if (m_failed) {
        m_device->readAll(); // discard
        return;
    }
    m_reader.append(m_device->readAll());
    quint8 type = 0;
    QByteArrayView body;
    while (!m_failed && !m_paused) {
        const LpmFrameReader::Status status = m_reader.next(&type, &body);
        if (status == LpmFrameReader::Status::NeedMore)
            break;
        if (status == LpmFrameReader::Status::Malformed) {
            fail(QStringLiteral("a frame announced %1 bytes (limit %2)")
                         .arg(m_reader.badLength())
                         .arg(MaxFrameSize));
            break;
        }
        Message message;
        QString error;
        if (!decodeFrame(type, body, &message, &error, m_incomingRing)) {
            fail(error);
            break;
        }
        if (!m_helloReceived) {
            if (message.type != MessageType::Hello) {
                fail(QStringLiteral("the first message was %1, not hello")
                             .arg(typeName(message.type)));
                break;
            }
            if (message.version != ProtocolVersion) {
                fail(QStringLiteral("protocol version %1, expected %2")
                             .arg(message.version)
                             .arg(ProtocolVersion));
                break;
            }
            m_helloReceived = true;
            m_peerPid = message.pid;
            Q_EMIT helloReceived(m_peerPid);
            continue;
        }
        if (message.type == MessageType::Hello) {
            fail(QStringLiteral("a second hello"));
            break;
        }
        Q_EMIT messageReceived(message);
    }
}
