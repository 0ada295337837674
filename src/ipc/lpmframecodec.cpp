#include "lpmframecodec_p.h"

#include "lpmcborwriter_p.h"
#include "lpmpayloadcodec_p.h"
#include "lpmsharedring_p.h"
#include "lpmuuid_p.h"

#include <QtCore/qendian.h>

#include <limits>

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
    case MessageType::Ping:
    case MessageType::Pong:
    case MessageType::RingsMapped:
        return 0;
    case MessageType::Cancel:
    case MessageType::Canceled:
    case MessageType::SocketClosed:
        return 1;
    case MessageType::EventReply:
    case MessageType::Broadcast:
    case MessageType::StreamChunk:
    case MessageType::StreamCredit:
        return 2;
    case MessageType::Hello:
    case MessageType::ResponseError:
    case MessageType::Health:
    case MessageType::EventReject:
    case MessageType::StreamEnd:
        return 3;
    case MessageType::Response:
    case MessageType::Event:
        return 4;
    case MessageType::Request:
        return 6;
    }
    return -1;
}

// The payload's large byte arrays: each a byte string (in the frame) or [position,
// size] in the sender's shared ring.
void writeBlobTable(LpmCborWriter &w, const Message &m)
{
    w.startArray(quint64(m.blobs.size()));
    for (qsizetype i = 0; i < m.blobs.size(); ++i) {
        const qint64 position = m.blobPositions.value(i, -1);
        if (position < 0) {
            w.appendBytes(m.blobs.at(i));
            continue;
        }
        w.startArray(2);
        w.appendUnsigned(quint64(position));
        w.appendUnsigned(quint64(m.blobs.at(i).size()));
    }
}

// Writes every field but a trailing payload. Returns whether the payload follows.
bool writeFields(LpmCborWriter &w, const Message &m)
{
    switch (m.type) {
    case MessageType::Hello:
        w.appendUnsigned(m.version);
        w.appendInteger(m.pid);
        w.appendBytes(m.token);
        return false;
    case MessageType::StreamChunk:
        writeId(w, m.id);
        w.appendBytes(m.chunk);
        return false;
    case MessageType::StreamCredit:
        writeId(w, m.id);
        w.appendInteger(m.credit);
        return false;
    case MessageType::Ready:
    case MessageType::Busy:
    case MessageType::SoftKill:
    case MessageType::HardKill:
    case MessageType::Ping:
    case MessageType::Pong:
    case MessageType::RingsMapped:
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
        writeBlobTable(w, m);
        return true;
    case MessageType::Response:
        writeId(w, m.id);
        w.appendUnsigned(quint64(m.attachment));
        writeBlobTable(w, m);
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

using Major = LpmCborReader::Major;

bool readInt(LpmCborReader &r, qint64 *out)
{
    // CBOR integers reach 64 bits of magnitude either way; only what fits a qint64 is
    // taken.
    constexpr quint64 Max = quint64(std::numeric_limits<qint64>::max());
    LpmCborReader::Head head;
    if (!r.peek(&head) || (head.major != Major::Unsigned && head.major != Major::Negative) || head.value > Max)
        return false;
    r.read(&head);
    *out = head.major == Major::Unsigned ? qint64(head.value) : -1 - qint64(head.value);
    return true;
}

bool readId(LpmCborReader &r, QUuid *out)
{
    QByteArrayView bytes;
    if (!r.readString(Major::Bytes, &bytes) || bytes.size() != 16)
        return false;
    *out = QUuid::fromRfc4122(bytes);
    return true;
}

bool readText(LpmCborReader &r, QString *out)
{
    QString ignored;
    return LpmPayloadCodec::readText(r, out, &ignored);
}

bool readBytes(LpmCborReader &r, QByteArray *out)
{
    QString ignored;
    return LpmPayloadCodec::readBytes(r, out, &ignored);
}

bool readAttachment(LpmCborReader &r, Attachment *out)
{
    qint64 value = 0;
    if (!readInt(r, &value) || value < 0 || value > qint64(Attachment::Stream))
        return false;
    *out = Attachment(value);
    return true;
}

// The head of an array, and its length.
bool readArrayHead(LpmCborReader &r, quint64 *length)
{
    LpmCborReader::Head head;
    if (!r.peek(&head) || head.major != Major::Array)
        return false;
    r.read(&head);
    *length = head.value;
    return true;
}

// Reads the blob table into m->blobs, copying out of incoming what lies there.
bool readBlobTable(LpmCborReader &r, Message *m, LpmSharedRing *incoming, QString *error)
{
    quint64 count = 0;
    if (!readArrayHead(r, &count) || count > quint64(LpmPayloadCodec::MaxItems) || count > quint64(r.remaining()))
        return false;
    // What a frame's arrays may add up to, wherever they lie: the frame limit, as the
    // encode gate allows an honest sender. A peer cannot make us copy more.
    qint64 budget = MaxFrameSize;
    for (quint64 i = 0; i < count; ++i) {
        QByteArray bytes;
        LpmCborReader::Head head;
        if (!r.peek(&head))
            return false;
        if (head.major == Major::Bytes) {
            if (!readBytes(r, &bytes))
                return false;
        } else {
            qint64 position = 0;
            qint64 size = 0;
            quint64 fields = 0;
            if (!readArrayHead(r, &fields) || fields != 2 || !readInt(r, &position) || !readInt(r, &size))
                return false;
            if (size > budget) {
                *error = QStringLiteral("large byte arrays beyond the frame limit");
                return false;
            }
            if (!incoming || position < 0 || size <= 0
                || !incoming->read(quint64(position), quint64(size), &bytes)) {
                *error = QStringLiteral("a large byte array outside the shared memory written to");
                return false;
            }
        }
        budget -= bytes.size();
        m->blobs.append(bytes);
    }
    return true;
}

bool decodeFields(LpmCborReader &r, Message *m, LpmSharedRing *incoming, QString *error)
{
    switch (m->type) {
    case MessageType::Hello: {
        qint64 version = 0;
        if (!readInt(r, &version) || !readInt(r, &m->pid) || !readBytes(r, &m->token))
            return false;
        m->version = quint32(version);
        return true;
    }
    case MessageType::StreamChunk:
        return readId(r, &m->id) && readBytes(r, &m->chunk) && !m->chunk.isEmpty();
    case MessageType::StreamCredit:
        return readId(r, &m->id) && readInt(r, &m->credit) && m->credit >= -1;
    case MessageType::Ready:
    case MessageType::Busy:
    case MessageType::SoftKill:
    case MessageType::HardKill:
    case MessageType::Ping:
    case MessageType::Pong:
    case MessageType::RingsMapped:
        return true;
    case MessageType::Cancel:
    case MessageType::Canceled:
    case MessageType::SocketClosed:
        return readId(r, &m->id);
    case MessageType::Request:
        return readId(r, &m->id) && readInt(r, &m->createdAt) && readAttachment(r, &m->attachment)
                && readBytes(r, &m->prelude) && readBlobTable(r, m, incoming, error)
                && LpmPayloadCodec::read(r, &m->payload, error, &m->blobs);
    case MessageType::Response:
        return readId(r, &m->id) && readAttachment(r, &m->attachment)
                && readBlobTable(r, m, incoming, error)
                && LpmPayloadCodec::read(r, &m->payload, error, &m->blobs);
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

bool decodeFrame(quint8 type, QByteArrayView body, Message *message, QString *error,
                 LpmSharedRing *incoming)
{
    if (!isKnownType(type)) {
        *error = QStringLiteral("unknown message type %1").arg(type);
        return false;
    }
    message->type = MessageType(type);
    LpmCborReader reader(body.data(), body.size());
    quint64 fields = 0;
    if (!readArrayHead(reader, &fields)) {
        *error = QStringLiteral("undecodable %1 message").arg(typeName(message->type));
        return false;
    }
    LpmCborReader::Head version;
    if (message->type == MessageType::Hello && fields != quint64(fieldCount(MessageType::Hello))
        && reader.peek(&version) && version.major == Major::Unsigned) {
        // Another version's hello may have other fields, but its version comes first:
        // enough for the receiver to say which version it met.
        message->version = quint32(version.value);
        if (message->version != ProtocolVersion)
            return true;
        *error = QStringLiteral("undecodable hello message");
        return false;
    }
    QString detail;
    const bool ok = fields == quint64(fieldCount(message->type))
            && decodeFields(reader, message, incoming, &detail) && reader.atEnd();
    if (!ok) {
        *error = QStringLiteral("undecodable %1 message%2")
                         .arg(typeName(message->type),
                              detail.isEmpty() ? QString() : QStringLiteral(": ") + detail);
        return false;
    }
    return true;
}

} // namespace LpmIpc
