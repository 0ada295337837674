#include "lpmchannel_p.h"

#include "lpmframecodec_p.h"
#include "lpmlogging_p.h"
#include "lpmpipedevice_p.h"

#include <QtCore/qbuffer.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qendian.h>
#include <QtNetwork/qlocalsocket.h>

#include <sys/socket.h>
#include <unistd.h>

using namespace LpmIpc;

namespace {
// Bytes of a bad greeting quoted in the error.
constexpr qsizetype QuotedGreetingBytes = 64;
// A hello is a few dozen bytes: a first frame announcing more is no hello (a line
// of text announces thousands), and waiting for it would only end in a timeout.
constexpr quint32 MaxHelloFrame = 1024;
} // namespace

LpmChannel::LpmChannel(QIODevice *device, QObject *parent, const LpmPoolToken &token)
    : QObject(parent), m_device(device), m_pipe(qobject_cast<LpmPipeDevice *>(device)),
      m_reader(MaxFrameSize), m_token(token)
{
    device->setParent(this);
    connect(device, &QIODevice::readyRead, this, &LpmChannel::readFrames);
    connect(device, &QIODevice::bytesWritten, this, &LpmChannel::bytesWritten);
    if (m_pipe)
        connect(m_pipe, &LpmPipeDevice::aboutToFlush, this, &LpmChannel::aboutToFlush);
    if (auto *socket = qobject_cast<QLocalSocket *>(device))
        connect(socket, &QLocalSocket::disconnected, this, &LpmChannel::disconnected);
    else
        connect(device, &QIODevice::readChannelFinished, this, &LpmChannel::disconnected);
    if (device->isOpen())
        send(Message::hello(QCoreApplication::applicationPid(),
                            m_token.role == LpmPoolToken::Role::Prove ? m_token.value : QByteArray()));
}

LpmChannel *LpmChannel::overSocket(int descriptor, QObject *parent, const LpmPoolToken &token)
{
    int type = 0;
    socklen_t length = sizeof(type);
    if (descriptor < 0 || ::getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &type, &length) != 0
        || type != SOCK_STREAM) {
        qCWarning(lcLpmIpc) << "cannot adopt channel descriptor" << descriptor
                            << ": it is no connected stream socket";
        if (descriptor >= 0)
            ::close(descriptor);
        return new LpmChannel(new QBuffer, parent, token); // never open: never connected
    }
    return new LpmChannel(new LpmPipeDevice(descriptor), parent, token);
}

LpmChannel::~LpmChannel() = default;

bool LpmChannel::isConnected() const
{
    if (m_closed || !m_device || !m_device->isOpen())
        return false;
    if (m_pipe)
        return !m_pipe->hasEnded();
    if (auto *socket = qobject_cast<QLocalSocket *>(m_device.data()))
        return socket->state() == QLocalSocket::ConnectedState;
    return true;
}

bool LpmChannel::send(const Message &message, QString *error)
{
    QString reason;
    // Encoded straight into the device's buffer where it has one: no copy per frame.
    if (QByteArray *out = m_pipe && isConnected() ? m_pipe->outgoingBuffer() : nullptr) {
        if (!appendFrame(*out, message, &reason)) { // leaves out as it was
            if (error)
                *error = reason;
            return false;
        }
        m_pipe->appended();
    } else {
        m_outgoing.resize(0); // keeps its capacity: no allocation per frame
        if (!appendFrame(m_outgoing, message, &reason)) {
            if (error)
                *error = reason;
            return false;
        }
        if (!isConnected())
            return true; // the peer is gone: what it misses is settled by its exit
        m_device->write(m_outgoing);
    }
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
    if (!isConnected())
        return;
    if (auto *socket = qobject_cast<QLocalSocket *>(m_device.data()))
        socket->flush();
    else if (m_pipe)
        m_pipe->flushNow();
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
    if (auto *socket = qobject_cast<QLocalSocket *>(m_device.data())) {
        socket->abort(); // emits disconnected()
        return;
    }
    // As QLocalSocket::abort() does: whoever watches the channel learns it is gone.
    const bool wasConnected = m_pipe && !m_pipe->hasEnded();
    m_device->close();
    if (wasConnected)
        Q_EMIT disconnected();
}

qint64 LpmChannel::bytesToWrite() const
{
    return m_device ? m_device->bytesToWrite() : 0;
}

bool LpmChannel::acceptHello(const Message &message)
{
    if (message.type != MessageType::Hello) {
        failGreeting(QStringLiteral("a %1 message").arg(typeName(message.type)));
        return false;
    }
    if (message.version != ProtocolVersion) {
        fail(QStringLiteral("protocol version %1, expected %2").arg(message.version).arg(ProtocolVersion));
        return false;
    }
    if (m_token.role == LpmPoolToken::Role::Check && !m_token.value.isEmpty() && message.token != m_token.value) {
        fail(QStringLiteral("its hello carried another pool's token: it was not started by this pool"));
        return false;
    }
    m_helloReceived = true;
    m_peerPid = message.pid;
    m_firstBytes.clear();
    Q_EMIT helloReceived(m_peerPid);
    return true;
}

void LpmChannel::failGreeting(const QString &what)
{
    // Over a launcher's stdio this is usually a program that is no LPM worker, or a
    // shell start-up file that prints: quote what came.
    QString quoted;
    for (const char c : std::as_const(m_firstBytes))
        quoted += (c >= 0x20 && c < 0x7f) ? QChar::fromLatin1(c) : QChar(u'.');
    fail(QStringLiteral("it did not greet with an LPM hello (%1); its first bytes were \"%2\"")
                 .arg(what, quoted));
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
    LpmPipeDevice *pipe = m_pipe.data();
    QByteArray bytes = pipe ? pipe->takeIncoming() : m_device->readAll();
    if (!m_helloReceived && m_firstBytes.size() < QuotedGreetingBytes)
        m_firstBytes += bytes.left(QuotedGreetingBytes - m_firstBytes.size());
    QByteArray spent = m_reader.append(std::move(bytes));
    if (pipe) // read into next time: steady traffic allocates nothing
        pipe->reuseBuffer(std::move(spent));
    if (!m_helloReceived && m_firstBytes.size() >= FrameHeaderSize
        && qFromLittleEndian<quint32>(m_firstBytes.constData()) > MaxHelloFrame) {
        failGreeting(QStringLiteral("its first frame would be %1 bytes long, beyond the limit of %2 for a hello")
                             .arg(qFromLittleEndian<quint32>(m_firstBytes.constData()))
                             .arg(MaxHelloFrame));
        return;
    }
    quint8 type = 0;
    QByteArrayView body;
    while (!m_failed && !m_paused) {
        const LpmFrameReader::Status status = m_reader.next(&type, &body);
        if (status == LpmFrameReader::Status::NeedMore)
            break;
        if (status == LpmFrameReader::Status::Malformed && !m_helloReceived) {
            failGreeting(QStringLiteral("a frame announced %1 bytes, the limit is %2")
                                 .arg(m_reader.badLength())
                                 .arg(MaxFrameSize));
            break;
        }
        if (status == LpmFrameReader::Status::Malformed) {
            fail(QStringLiteral("a frame announced %1 bytes (limit %2)")
                         .arg(m_reader.badLength())
                         .arg(MaxFrameSize));
            break;
        }
        Message message;
        QString error;
        if (!decodeFrame(type, body, &message, &error, m_incomingRing)) {
            if (m_helloReceived)
                fail(error);
            else
                failGreeting(error);
            break;
        }
        if (!m_helloReceived) {
            if (!acceptHello(message))
                break;
            continue;
        }
        if (message.type == MessageType::Hello) {
            fail(QStringLiteral("a second hello"));
            break;
        }
        Q_EMIT messageReceived(message);
    }
}
