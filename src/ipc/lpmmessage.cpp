#include "lpmmessage_p.h"

#include "lpmcborwriter_p.h"
#include "lpmpayloadcodec_p.h"
#include "lpmuuid_p.h"

#include <QtCore/qcborstreamreader.h>
#include <QtCore/qendian.h>

namespace LpmIpc {

namespace {

void writeId(LpmCborWriter &w, const QUuid &id)
{
    char bytes[16];
    LpmUuid::toRfc4122(id, bytes);
    w.appendBytes(bytes, sizeof(bytes));
}

// The number of fields of each message type (the body is one CBOR array of them).
int fieldCount(MessageType type)
{
    switch (type) {
    case MessageType::Ready:
    case MessageType::Busy:
    case MessageType::SoftKill:
    case MessageType::HardKill:
        return 0;
    case MessageType::Cancel:
    case MessageType::Canceled:
    case MessageType::SocketClosed:
        return 1;
    case MessageType::Hello:
    case MessageType::EventReply:
    case MessageType::Broadcast:
        return 2;
    case MessageType::Response:
    case MessageType::ResponseError:
    case MessageType::Health:
    case MessageType::EventReject:
    case MessageType::StreamEnd:
        return 3;
    case MessageType::Event:
        return 4;
    case MessageType::Request:
        return 5;
    }
    return -1;
}

// Writes every field but a trailing payload. Returns whether the payload follows.
bool writeFields(LpmCborWriter &w, const Message &m)
{
    switch (m.type) {
    case MessageType::Hello:
        w.appendUnsigned(m.version);
        w.appendInteger(m.pid);
        return false;
    case MessageType::Ready:
    case MessageType::Busy:
    case MessageType::SoftKill:
    case MessageType::HardKill:
        return false;
    case MessageType::Cancel:
    case MessageType::Canceled:
    case MessageType::SocketClosed:
        writeId(w, m.id);
        return false;
    case MessageType::Request:
        writeId(w, m.id);
        w.appendInteger(m.createdAt);
        w.appendUnsigned(quint64(m.attachment));
        w.appendBytes(m.prelude);
        return true;
    case MessageType::Response:
        writeId(w, m.id);
        w.appendUnsigned(quint64(m.attachment));
        return true;
    case MessageType::EventReply:
        writeId(w, m.id);
        return true;
    case MessageType::ResponseError:
    case MessageType::EventReject:
    case MessageType::StreamEnd:
        writeId(w, m.id);
        w.appendInteger(m.errorCode);
        w.appendText(m.errorDetail);
        return false;
    case MessageType::Event:
        writeId(w, m.id);
        w.appendInteger(m.createdAt);
        w.appendText(m.name);
        return true;
    case MessageType::Broadcast:
        w.appendText(m.name);
        return true;
    case MessageType::Health:
        w.appendInteger(m.rss);
        w.appendInteger(m.heapTotal);
        w.appendInteger(m.heapUsed);
        return false;
    }
    return false;
}

bool readInt(QCborStreamReader &r, qint64 *out)
{
    if (!r.isInteger())
        return false;
    *out = r.toInteger();
    return r.next();
}

bool readId(QCborStreamReader &r, QUuid *out)
{
    if (!r.isByteArray() || !r.isLengthKnown() || r.length() != 16)
        return false;
    char bytes[16];
    const auto chunk = r.readStringChunk(bytes, sizeof(bytes));
    if (chunk.status != QCborStreamReader::Ok || chunk.data != 16)
        return false;
    if (r.readStringChunk(nullptr, 0).status != QCborStreamReader::EndOfString)
        return false;
    *out = QUuid::fromRfc4122(QByteArrayView(bytes, sizeof(bytes)));
    return true;
}

bool readText(QCborStreamReader &r, QString *out)
{
    QString ignored;
    return LpmPayloadCodec::readText(r, out, &ignored);
}

bool readBytes(QCborStreamReader &r, QByteArray *out)
{
    QString ignored;
    return LpmPayloadCodec::readBytes(r, out, &ignored);
}

bool readAttachment(QCborStreamReader &r, Attachment *out)
{
    qint64 value = 0;
    if (!readInt(r, &value) || value < 0 || value > qint64(Attachment::Stream))
        return false;
    *out = Attachment(value);
    return true;
}

bool decodeFields(QCborStreamReader &r, Message *m, QString *error)
{
    switch (m->type) {
    case MessageType::Hello: {
        qint64 version = 0;
        if (!readInt(r, &version) || !readInt(r, &m->pid))
            return false;
        m->version = quint32(version);
        return true;
    }
    case MessageType::Ready:
    case MessageType::Busy:
    case MessageType::SoftKill:
    case MessageType::HardKill:
        return true;
    case MessageType::Cancel:
    case MessageType::Canceled:
    case MessageType::SocketClosed:
        return readId(r, &m->id);
    case MessageType::Request:
        return readId(r, &m->id) && readInt(r, &m->createdAt) && readAttachment(r, &m->attachment)
                && readBytes(r, &m->prelude) && LpmPayloadCodec::read(r, &m->payload, error);
    case MessageType::Response:
        return readId(r, &m->id) && readAttachment(r, &m->attachment)
                && LpmPayloadCodec::read(r, &m->payload, error);
    case MessageType::EventReply:
        return readId(r, &m->id) && LpmPayloadCodec::read(r, &m->payload, error);
    case MessageType::Event:
        return readId(r, &m->id) && readInt(r, &m->createdAt) && readText(r, &m->name)
                && LpmPayloadCodec::read(r, &m->payload, error);
    case MessageType::Broadcast:
        return readText(r, &m->name) && LpmPayloadCodec::read(r, &m->payload, error);
    case MessageType::ResponseError:
    case MessageType::EventReject:
    case MessageType::StreamEnd: {
        qint64 code = 0;
        if (!readId(r, &m->id) || !readInt(r, &code) || !readText(r, &m->errorDetail))
            return false;
        m->errorCode = int(code);
        return true;
    }
    case MessageType::Health:
        return readInt(r, &m->rss) && readInt(r, &m->heapTotal) && readInt(r, &m->heapUsed);
    }
    return false;
}

bool isKnownType(quint8 type)
{
    return type >= quint8(FirstMessageType) && type <= quint8(LastMessageType);
}

} // namespace

Message Message::hello(qint64 pid)
{
    Message m;
    m.type = MessageType::Hello;
    m.version = ProtocolVersion;
    m.pid = pid;
    return m;
}

Message Message::control(MessageType type)
{
    Message m;
    m.type = type;
    return m;
}

Message Message::request(const QUuid &id, qint64 createdAt, const QByteArray &encodedPayload)
{
    Message m;
    m.type = MessageType::Request;
    m.id = id;
    m.createdAt = createdAt;
    m.encodedPayload = encodedPayload;
    return m;
}

Message Message::response(const QUuid &id, const QByteArray &encodedPayload)
{
    Message m;
    m.type = MessageType::Response;
    m.id = id;
    m.encodedPayload = encodedPayload;
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
                                      QByteArray *encoded)
{
    QString what;
    bool tooManyItems = false;
    if (!LpmPayloadCodec::encode(value, encoded, &what, &tooManyItems)) {
        encoded->clear();
        if (tooManyItems)
            return LpmError(LpmError::Code::PayloadTooLarge, QStringLiteral("It holds %1.").arg(what));
        return LpmError(LpmError::Code::NotSerializable, QStringLiteral("It holds %1.").arg(what));
    }
    const qsizetype room = MaxFrameSize - FrameOverhead - fieldBytes;
    if (encoded->size() > room) {
        const QString detail = QStringLiteral("%1 bytes encoded, at most %2.")
                                       .arg(encoded->size() + fieldBytes)
                                       .arg(MaxFrameSize - FrameOverhead);
        encoded->clear();
        return LpmError(LpmError::Code::PayloadTooLarge, detail);
    }
    return std::nullopt;
}

bool appendFrame(QByteArray &out, const Message &message, QString *error)
{
    const int count = fieldCount(message.type);
    if (count < 0) {
        *error = QStringLiteral("unknown message type %1").arg(int(message.type));
        return false;
    }
    // Written in place: a length placeholder, the type, the array head, the fields and
    // the payload; the length is filled in last.
    const qsizetype start = out.size();
    out.append(FrameHeaderSize, '\0');
    out.append(char(message.type));
    out.append(char(0x80 | count)); // a CBOR array of count (< 24) items
    LpmCborWriter writer(out);
    if (writeFields(writer, message)) {
        if (!message.encodedPayload.isEmpty()) {
            out.append(message.encodedPayload);
        } else if (!LpmPayloadCodec::append(out, message.payload, error)) {
            out.truncate(start);
            return false;
        }
    }
    const qsizetype length = out.size() - start - FrameHeaderSize;
    if (length > MaxFrameSize) {
        out.truncate(start);
        *error = QStringLiteral("a %1-byte message exceeds the %2-byte limit")
                         .arg(length)
                         .arg(MaxFrameSize);
        return false;
    }
    qToLittleEndian(quint32(length), out.data() + start);
    return true;
}

bool decodeFrame(quint8 type, QByteArrayView body, Message *message, QString *error)
{
    if (!isKnownType(type)) {
        *error = QStringLiteral("unknown message type %1").arg(type);
        return false;
    }
    message->type = MessageType(type);
    QCborStreamReader reader(body.data(), body.size());
    QString detail;
    const bool ok = reader.isArray() && reader.isLengthKnown()
            && reader.length() == quint64(fieldCount(message->type)) && reader.enterContainer()
            && decodeFields(reader, message, &detail) && !reader.hasNext()
            && reader.leaveContainer();
    if (!ok || !LpmPayloadCodec::atCleanEnd(reader, body.size())) {
        *error = QStringLiteral("undecodable %1 message%2")
                         .arg(typeName(message->type),
                              detail.isEmpty() ? QString() : QStringLiteral(": ") + detail);
        return false;
    }
    return true;
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
    }
    return QStringLiteral("type %1").arg(int(type));
}

} // namespace LpmIpc
