#include "lpmendpoint_p.h"

#include "lpmchannel_p.h"
#include "lpmfdchannel_p.h"
#include "lpmlogging_p.h"
#include "lpmsharedring_p.h"
#include "lpmstream_p.h"
#include "lpmstreampump_p.h"

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

using namespace LpmIpc;

LpmEndpoint::LpmEndpoint(int messageDescriptor, int descriptorChannel, QObject *parent)
    : QObject(parent),
      m_channel(LpmChannel::overSocket(messageDescriptor, this)),
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

LpmEndpoint::LpmEndpoint(QIODevice *device, QObject *parent)
    : QObject(parent), m_channel(new LpmChannel(device, this))
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
    if (!m_descriptors) {
        if (error)
            *error = QStringLiteral("streams do not cross this transport");
        return false;
    }
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
    m_descriptors->send({ LpmFdChannel::Kind::Stream, message.id, {} }, ends[1]);
    const QUuid id = message.id;
    auto *pump = new LpmStreamPump(source, ends[0], this);
    if (ownership == Source::Owned && source)
        source->setParent(pump);
    m_outgoing.insert(id, pump);
    connect(pump, &LpmStreamPump::finished, this, [this, id, pump](bool ok, const QString &why) {
        m_outgoing.remove(id);
        pump->deleteLater();
        m_channel->send(Message::streamEnd(id, ok, why));
        Q_EMIT outgoingStreamFinished(id);
    });
    pump->start();
    return true;
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
    if (!pump)
        return;
    pump->abort();
    pump->deleteLater();
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
        m_attachments.endStream(message.id, message.errorCode == 0, message.errorDetail);
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
    if (!m_descriptors) {
        fail(QStringLiteral("a stream announced on a transport without descriptors"));
        return;
    }
    LpmStream *stream = LpmStreamPrivate::create(nullptr);
    if (!m_attachments.addStream(message.id, stream)) {
        delete stream;
        fail(QStringLiteral("a second stream under id %1").arg(message.id.toString(QUuid::WithoutBraces)));
        return;
    }
    updateDescriptorReading();
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
