#include "lpmmessage_p.h"

#include "lpmpayloadcodec_p.h"

namespace LpmIpc {

Message Message::hello(qint64 pid, const QByteArray &token)
{
    Message m;
    m.type = MessageType::Hello;
    m.version = ProtocolVersion;
    m.pid = pid;
    m.token = token;
    return m;
}

Message Message::streamChunk(const QUuid &id, const QByteArray &bytes)
{
    Message m;
    m.type = MessageType::StreamChunk;
    m.id = id;
    m.chunk = bytes;
    return m;
}

Message Message::streamCredit(const QUuid &id, qint64 bytes)
{
    Message m;
    m.type = MessageType::StreamCredit;
    m.id = id;
    m.credit = bytes;
    return m;
}

Message Message::control(MessageType type)
{
    Message m;
    m.type = type;
    return m;
}

Message Message::request(const QUuid &id, qint64 createdAt, const QByteArray &encodedPayload,
                         const LpmPayloadCodec::Blobs &blobs)
{
    Message m;
    m.type = MessageType::Request;
    m.id = id;
    m.createdAt = createdAt;
    m.encodedPayload = encodedPayload;
    m.blobs = blobs;
    return m;
}

Message Message::response(const QUuid &id, const QByteArray &encodedPayload,
                          const LpmPayloadCodec::Blobs &blobs)
{
    Message m;
    m.type = MessageType::Response;
    m.id = id;
    m.encodedPayload = encodedPayload;
    m.blobs = blobs;
    return m;
}

Message Message::responseError(const QUuid &id, int errorCode, const QString &detail)
{
    Message m;
    m.type = MessageType::ResponseError;
    m.id = id;
    m.errorCode = errorCode;
    m.errorDetail = detail;
    return m;
}

Message Message::health(qint64 rss, qint64 heapTotal, qint64 heapUsed)
{
    Message m;
    m.type = MessageType::Health;
    m.rss = rss;
    m.heapTotal = heapTotal;
    m.heapUsed = heapUsed;
    return m;
}

Message Message::cancel(const QUuid &id)
{
    Message m;
    m.type = MessageType::Cancel;
    m.id = id;
    return m;
}

Message Message::canceled(const QUuid &id)
{
    Message m;
    m.type = MessageType::Canceled;
    m.id = id;
    return m;
}

Message Message::event(const QUuid &id, qint64 createdAt, const QString &name,
                       const QByteArray &encodedPayload)
{
    Message m;
    m.type = MessageType::Event;
    m.id = id;
    m.createdAt = createdAt;
    m.name = name;
    m.encodedPayload = encodedPayload;
    return m;
}

Message Message::eventReply(const QUuid &id, const QByteArray &encodedPayload)
{
    Message m;
    m.type = MessageType::EventReply;
    m.id = id;
    m.encodedPayload = encodedPayload;
    return m;
}

Message Message::eventReject(const QUuid &id, int errorCode, const QString &detail)
{
    Message m;
    m.type = MessageType::EventReject;
    m.id = id;
    m.errorCode = errorCode;
    m.errorDetail = detail;
    return m;
}

Message Message::broadcast(const QString &name, const QByteArray &encodedPayload)
{
    Message m;
    m.type = MessageType::Broadcast;
    m.name = name;
    m.encodedPayload = encodedPayload;
    return m;
}

Message Message::streamEnd(const QUuid &id, bool ok, const QString &error)
{
    Message m;
    m.type = MessageType::StreamEnd;
    m.id = id;
    m.errorCode = ok ? 0 : int(LpmError::Code::StreamFailed);
    m.errorDetail = error;
    return m;
}

Message Message::socketClosed(const QUuid &id)
{
    Message m;
    m.type = MessageType::SocketClosed;
    m.id = id;
    return m;
}

std::optional<LpmError> encodePayload(const QVariant &value, qsizetype fieldBytes,
                                      QByteArray *encoded, LpmPayloadCodec::Blobs *blobs)
{
    QString what;
    bool tooManyItems = false;
    if (blobs)
        blobs->clear();
    if (!LpmPayloadCodec::encode(value, encoded, &what, &tooManyItems, blobs)) {
        encoded->clear();
        if (tooManyItems)
            return LpmError(LpmError::Code::PayloadTooLarge, QStringLiteral("It holds %1.").arg(what));
        return LpmError(LpmError::Code::NotSerializable, QStringLiteral("It holds %1.").arg(what));
    }
    // Large byte arrays may have to travel in the frame too (when no shared memory has
    // room): they count as if they did, with their CBOR heads.
    qsizetype size = encoded->size();
    if (blobs) {
        for (const QByteArray &blob : std::as_const(*blobs))
            size += blob.size() + 16;
    }
    const qsizetype room = MaxFrameSize - FrameOverhead - fieldBytes;
    if (size > room) {
        const QString detail = QStringLiteral("%1 bytes encoded, at most %2.")
                                       .arg(size + fieldBytes)
                                       .arg(MaxFrameSize - FrameOverhead);
        encoded->clear();
        if (blobs)
            blobs->clear();
        return LpmError(LpmError::Code::PayloadTooLarge, detail);
    }
    return std::nullopt;
}

QString refusalText(const LpmError &refusal)
{
    return (refusal.code() == LpmError::Code::NotSerializable
                    ? QStringLiteral("its payload cannot cross processes: ")
                    : QStringLiteral("its payload is too large: "))
            + refusal.detail();
}

QString typeName(MessageType type)
{
    switch (type) {
    case MessageType::Hello: return QStringLiteral("hello");
    case MessageType::Ready: return QStringLiteral("ready");
    case MessageType::Busy: return QStringLiteral("busy");
    case MessageType::Request: return QStringLiteral("request");
    case MessageType::Response: return QStringLiteral("response");
    case MessageType::ResponseError: return QStringLiteral("response-error");
    case MessageType::Health: return QStringLiteral("health");
    case MessageType::SoftKill: return QStringLiteral("soft-kill");
    case MessageType::HardKill: return QStringLiteral("hard-kill");
    case MessageType::Cancel: return QStringLiteral("cancel");
    case MessageType::Event: return QStringLiteral("event");
    case MessageType::EventReply: return QStringLiteral("event-reply");
    case MessageType::EventReject: return QStringLiteral("event-reject");
    case MessageType::Broadcast: return QStringLiteral("broadcast");
    case MessageType::StreamEnd: return QStringLiteral("stream-end");
    case MessageType::SocketClosed: return QStringLiteral("socket-closed");
    case MessageType::Canceled: return QStringLiteral("canceled");
    case MessageType::StreamChunk: return QStringLiteral("stream-chunk");
    case MessageType::StreamCredit: return QStringLiteral("stream-credit");
    case MessageType::Ping: return QStringLiteral("ping");
    case MessageType::Pong: return QStringLiteral("pong");
    case MessageType::RingsMapped: return QStringLiteral("rings-mapped");
    }
    return QStringLiteral("type %1").arg(int(type));
}

} // namespace LpmIpc
