#include "lpmendpoint_p.h"

#include "lpmchannel_p.h"
#include "lpmfdchannel_p.h"
#include "lpmlogging_p.h"
#include "lpmsharedring_p.h"
#include "lpmstream_p.h"
#include "lpmstreampump_p.h"
#include "lpmstreamrelay_p.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace LpmIpc;

LpmEndpoint::LpmEndpoint(int messageDescriptor, int descriptorChannel, QObject *parent,
                         const LpmPoolToken &token)
    : QObject(parent),
      m_channel(LpmChannel::overSocket(messageDescriptor, this, token)),
      m_descriptors(descriptorChannel >= 0 ? new LpmFdChannel(descriptorChannel, this) : nullptr)
{
    connectChannel();
    if (!m_descriptors)
        return;
    connect(m_descriptors, &LpmFdChannel::received, this,
            [this](const LpmFdChannel::Message &message, int fd) {
                onDescriptor(int(message.kind), message.id, message.body, fd);
            });
    connect(m_descriptors, &LpmFdChannel::protocolError, this, &LpmEndpoint::fail);
}

LpmEndpoint::LpmEndpoint(QIODevice *device, QObject *parent, const LpmPoolToken &token)
    : QObject(parent), m_channel(new LpmChannel(device, this, token))
{
    connectChannel();
}

LpmEndpoint::~LpmEndpoint()
{
    close(QStringLiteral("The other process went away."));
}

void LpmEndpoint::connectChannel()
{
    connect(m_channel, &LpmChannel::messageReceived, this, &LpmEndpoint::onMessage);
    connect(m_channel, &LpmChannel::protocolError, this, &LpmEndpoint::fail);
    connect(m_channel, &LpmChannel::backlogExceeded, this, &LpmEndpoint::backlogExceeded);
    connect(m_channel, &LpmChannel::aboutToFlush, this, &LpmEndpoint::aboutToFlush);
    connect(m_channel, &LpmChannel::bytesWritten, this, &LpmEndpoint::bytesWritten);
    connect(m_channel, &LpmChannel::disconnected, this, &LpmEndpoint::disconnected);
}

bool LpmEndpoint::isConnected() const
{
    return !m_failed && m_channel->isConnected();
}

qint64 LpmEndpoint::peerPid() const
{
    return m_channel->peerPid();
}

qint64 LpmEndpoint::bytesToWrite() const
{
    return m_channel->bytesToWrite();
}

void LpmEndpoint::setRings(std::unique_ptr<LpmSharedRing> outgoing, std::unique_ptr<LpmSharedRing> incoming)
{
    m_outgoingRing = std::move(outgoing);
    m_incomingRing = std::move(incoming);
    m_channel->setIncomingRing(m_incomingRing.get());
}

void LpmEndpoint::placeBlobs(Message &message)
{
    if (message.blobs.isEmpty() || !m_outgoingRingEnabled)
        return;
    message.blobPositions.resize(message.blobs.size());
    for (qsizetype i = 0; i < message.blobs.size(); ++i) {
        const std::optional<quint64> position = m_outgoingRing->write(message.blobs.at(i));
        message.blobPositions[i] = position ? qint64(*position) : -1;
        if (!position)
            qCDebug(lcLpmIpc) << "no room in the shared memory for" << message.blobs.at(i).size()
                              << "bytes: they travel in the frame";
    }
}

bool LpmEndpoint::send(const Message &message, QString *error)
{
    if (message.blobs.isEmpty() || !m_outgoingRingEnabled)
        return m_channel->send(message, error);
    Message placed = message;
    placeBlobs(placed);
    return m_channel->send(placed, error);
}

bool LpmEndpoint::sendWithStream(Message message, QIODevice *source, Source ownership, QString *error)
{
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
        if (error)
            *error = QStringLiteral("cannot create a stream: %1")
                             .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    message.attachment = Attachment::Stream;
    placeBlobs(message);
    if (!m_channel->send(message, error)) {
        ::close(ends[0]);
        ::close(ends[1]);
        return false;
    }
    const QUuid id = message.id;
    // The pump writes into ends[0]; the peer reads ends[1], or our relay does and
    // sends its bytes as chunks.
    LpmStreamRelay *relay = nullptr;
    if (m_descriptors)
        m_descriptors->send({ LpmFdChannel::Kind::Stream, id, {} }, ends[1]);
    else
        relay = relayOutgoing(id, ends[1]);
    auto *pump = new LpmStreamPump(source, ends[0], this);
    if (ownership == Source::Owned && source)
        source->setParent(pump);
    m_outgoing.insert(id, pump);
    connect(pump, &LpmStreamPump::finished, this, [this, id, pump, relay](bool ok, const QString &why) {
        m_outgoing.remove(id);
        pump->deleteLater();
        if (relay) { // its StreamEnd follows the last chunk
            relay->sourceEnded(ok, why);
            return;
        }
        m_channel->send(Message::streamEnd(id, ok, why));
        Q_EMIT outgoingStreamFinished(id);
    });
    pump->start();
    return true;
}

LpmStreamRelay *LpmEndpoint::relayOutgoing(const QUuid &id, int descriptor)
{
    ::fcntl(descriptor, F_SETFL, ::fcntl(descriptor, F_GETFL) | O_NONBLOCK);
    auto *relay = new LpmStreamRelay(id, descriptor, LpmStreamRelay::Direction::Sending, this);
    m_sending.insert(id, relay);
    connect(relay, &LpmStreamRelay::message, this, [this](const Message &m) { m_channel->send(m); });
    connect(relay, &LpmStreamRelay::finished, this, [this, id, relay] {
        if (m_sending.value(id) == relay)
            m_sending.remove(id);
        relay->deleteLater();
        Q_EMIT outgoingStreamFinished(id);
    });
    return relay;
}

int LpmEndpoint::relayIncoming(const QUuid &id)
{
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
        return -1;
    ::fcntl(ends[0], F_SETFL, ::fcntl(ends[0], F_GETFL) | O_NONBLOCK);
    auto *relay = new LpmStreamRelay(id, ends[0], LpmStreamRelay::Direction::Receiving, this);
    m_receiving.insert(id, relay);
    connect(relay, &LpmStreamRelay::message, this, [this](const Message &m) { m_channel->send(m); });
    connect(relay, &LpmStreamRelay::inputComplete, this, [this, id](bool ok, const QString &why) {
        m_attachments.endStream(id, ok, why);
    });
    connect(relay, &LpmStreamRelay::finished, this, [this, id, relay] {
        if (m_receiving.value(id) == relay)
            m_receiving.remove(id);
        relay->deleteLater();
    });
    return ends[1];
}

void LpmEndpoint::onRelayMessage(const Message &message)
{
    if (message.type == MessageType::StreamCredit) {
        if (LpmStreamRelay *relay = m_sending.value(message.id))
            relay->addCredit(message.credit);
        return; // a late credit for a stream already ended
    }
    LpmStreamRelay *relay = m_receiving.value(message.id);
    if (!relay)
        return; // its reader went away, and the sender has not heard yet
    if (!relay->deliver(message.chunk))
        fail(QStringLiteral("stream %1 sent more than its window of %2 bytes")
                     .arg(message.id.toString(QUuid::WithoutBraces))
                     .arg(StreamWindow));
}

int LpmEndpoint::outgoingStreamCount() const
{
    return int(m_descriptors ? m_outgoing.size() : m_sending.size());
}

bool LpmEndpoint::sendWithSocket(Message message, int fd, QString *error)
{
    if (!m_descriptors) {
        ::close(fd);
        if (error)
            *error = QStringLiteral("sockets do not cross this transport");
        return false;
    }
    message.attachment = Attachment::Socket;
    placeBlobs(message);
    if (!m_channel->send(message, error)) {
        ::close(fd);
        return false;
    }
    m_descriptors->send({ LpmFdChannel::Kind::Socket, message.id, {} }, fd);
    return true;
}

bool LpmEndpoint::sendServer(const QByteArray &body, int fd)
{
    if (!m_descriptors) {
        ::close(fd);
        return false;
    }
    return m_descriptors->send({ LpmFdChannel::Kind::Server, {}, body }, fd);
}

void LpmEndpoint::abortStream(const QUuid &id, const QString &why)
{
    const QPointer<LpmStreamPump> pump = m_outgoing.take(id);
    LpmStreamRelay *relay = m_sending.take(id);
    const bool ended = relay && relay->hasSentEnd(); // the reader has its verdict already
    if (relay) {
        relay->disconnect(this);
        relay->abort();
        relay->deleteLater();
    }
    if (!pump && !relay)
        return;
    if (pump) {
        pump->abort();
        pump->deleteLater();
    }
    if (ended) {
        Q_EMIT outgoingStreamFinished(id);
        return;
    }
    m_channel->send(Message::streamEnd(id, false, why));
    Q_EMIT outgoingStreamFinished(id);
}

bool LpmEndpoint::discard(const QUuid &id)
{
    if (!m_awaitingSocket.remove(id))
        return false;
    m_unwanted.insert(id);
    if (m_awaitingSocket.size() < LpmAttachmentTable::MaxHeld)
        m_channel->setPaused(false);
    return true;
}

void LpmEndpoint::drain()
{
    // Descriptors first, so that the messages read next find theirs.
    if (m_descriptors)
        m_descriptors->drain();
    m_channel->drain();
    if (m_descriptors)
        m_descriptors->drain();
}

void LpmEndpoint::flushNow()
{
    m_channel->flushNow();
}

void LpmEndpoint::flushBlocking(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    // The messages announcing the streams first: until the peer has them it reads
    // none of their bytes, and the pumps below would only wait out the deadline.
    m_channel->flushNow();
    if (!m_descriptors) {
        // Relayed streams move only with the event loop and the peer's credit: end
        // them as failed, so that the peer's reader is told rather than left short.
        // Those whose end is sent only wait for credit: their bytes are in the channel.
        const QList<QUuid> relayed = m_sending.keys();
        for (const QUuid &id : relayed) {
            if (!m_sending.value(id)->hasSentEnd())
                abortStream(id, QStringLiteral("the process exited before the stream was sent"));
        }
    }
    const auto outgoing = m_outgoing; // each one finishing leaves the table
    for (const QPointer<LpmStreamPump> &pump : outgoing) {
        if (pump)
            pump->finishBlocking(deadline);
    }
    m_channel->flushBlocking(int(qMax<qint64>(0, deadline.remainingTime())));
}

void LpmEndpoint::close(const QString &why)
{
    m_failed = true;
    m_channel->close();
    if (m_descriptors)
        m_descriptors->close();
    const auto outgoing = std::exchange(m_outgoing, {});
    for (const QPointer<LpmStreamPump> &pump : outgoing) {
        if (pump)
            pump->abort();
    }
    for (auto *relays : { &m_sending, &m_receiving }) {
        for (LpmStreamRelay *relay : std::exchange(*relays, {})) {
            relay->disconnect(this);
            relay->abort();
            relay->deleteLater();
        }
    }
    for (auto it = m_awaitingSocket.cbegin(); it != m_awaitingSocket.cend(); ++it)
        qCDebug(lcLpmIpc) << "dropping message" << it.key() << "whose socket never came";
    m_awaitingSocket.clear();
    m_unwanted.clear();
    m_attachments.failAll(why); // last: readers' handlers run inside
}

void LpmEndpoint::fail(const QString &reason)
{
    if (m_failed)
        return;
    m_failed = true;
    Q_EMIT protocolError(reason);
}

void LpmEndpoint::onMessage(const Message &message)
{
    if (m_failed)
        return;
    if (message.type == MessageType::StreamEnd) {
        // A relayed stream takes the verdict once its bytes are all in its pair.
        if (LpmStreamRelay *relay = m_receiving.value(message.id))
            relay->endInput(message.errorCode == 0, message.errorDetail);
        else
            m_attachments.endStream(message.id, message.errorCode == 0, message.errorDetail);
        return;
    }
    if (message.type == MessageType::StreamChunk || message.type == MessageType::StreamCredit) {
        if (m_descriptors)
            fail(QStringLiteral("a %1 message on a transport with descriptors").arg(typeName(message.type)));
        else
            onRelayMessage(message);
        return;
    }
    switch (message.attachment) {
    case Attachment::None:
        Q_EMIT messageReceived(message, {});
        return;
    case Attachment::Stream:
        deliverStream(message);
        return;
    case Attachment::Socket:
        break;
    }
    if (!m_descriptors) {
        fail(QStringLiteral("a socket announced on a transport without descriptors"));
        return;
    }
    if (!m_acceptsSockets) {
        fail(QStringLiteral("a socket handed over to a process that takes none"));
        return;
    }
    const int fd = m_attachments.take(message.id);
    if (fd >= 0) {
        updateDescriptorReading();
        Attached attached;
        attached.socket = fd;
        Q_EMIT messageReceived(message, attached);
        return;
    }
    if (m_awaitingSocket.contains(message.id)) {
        fail(QStringLiteral("a second socket handover under id %1").arg(message.id.toString(QUuid::WithoutBraces)));
        return;
    }
    m_awaitingSocket.insert(message.id, message);
    if (m_awaitingSocket.size() >= LpmAttachmentTable::MaxHeld)
        m_channel->setPaused(true); // the descriptors are behind: let them catch up
}

void LpmEndpoint::deliverStream(const Message &message)
{
    LpmStream *stream = LpmStreamPrivate::create(nullptr);
    if (!m_attachments.addStream(message.id, stream)) {
        delete stream;
        fail(QStringLiteral("a second stream under id %1").arg(message.id.toString(QUuid::WithoutBraces)));
        return;
    }
    if (m_descriptors) {
        updateDescriptorReading();
    } else {
        const int fd = relayIncoming(message.id);
        if (fd < 0 || !m_attachments.attachArrived(message.id, fd)) {
            if (fd >= 0)
                ::close(fd);
            LpmStreamPrivate::setEnd(stream, false, QStringLiteral("no socketpair for the stream"));
        }
    }
    const QUuid id = message.id;
    connect(stream, &QObject::destroyed, this, [this, id] { m_attachments.forgetStream(id); });
    Attached attached;
    attached.stream = stream;
    Q_EMIT messageReceived(message, attached);
}

void LpmEndpoint::onDescriptor(int kind, const QUuid &id, const QByteArray &body, int fd)
{
    if (fd < 0) {
        fail(QStringLiteral("a descriptor message without a descriptor"));
        return;
    }
    if (m_failed) {
        ::close(fd);
        return;
    }
    switch (LpmFdChannel::Kind(kind)) {
    case LpmFdChannel::Kind::Server:
        Q_EMIT serverReceived(body, fd);
        return;
    case LpmFdChannel::Kind::Stream:
        if (m_attachments.attachArrived(id, fd))
            return;
        break;
    case LpmFdChannel::Kind::Socket: {
        if (m_unwanted.remove(id)) {
            ::close(fd);
            return;
        }
        const auto waiting = m_awaitingSocket.find(id);
        if (waiting == m_awaitingSocket.end())
            break;
        const Message message = waiting.value();
        m_awaitingSocket.erase(waiting);
        if (m_awaitingSocket.size() < LpmAttachmentTable::MaxHeld)
            m_channel->setPaused(false);
        Attached attached;
        attached.socket = fd;
        Q_EMIT messageReceived(message, attached);
        return;
    }
    }
    // Its message is still to come.
    if (!m_attachments.hold(id, fd)) {
        fail(QStringLiteral("a second descriptor under id %1").arg(id.toString(QUuid::WithoutBraces)));
        return;
    }
    updateDescriptorReading();
}

void LpmEndpoint::updateDescriptorReading()
{
    if (m_descriptors)
        m_descriptors->setReadingPaused(m_attachments.heldCount() >= LpmAttachmentTable::MaxHeld);
}
