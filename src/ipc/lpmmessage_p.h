#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmpayloadcodec_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>
#include <QtCore/qstring.h>
#include <QtCore/quuid.h>
#include <QtCore/qvariant.h>

#include <lpm/lpmerror.h>

#include <optional>

// The messages exchanged on the control channel and their encoding.
//
// A frame is a 32-bit little-endian length, then that many bytes: a type byte and
// a body. The body is one CBOR array of the fields listed per type; a payload is
// always last, so one encoded in advance is spliced in as is.
namespace LpmIpc {

// Bumped whenever a frame's layout changes; both sides must agree.
constexpr quint32 ProtocolVersion = 6; // 3: Ping and Pong; 4: large byte arrays beside the
                                      // payload; 5: RingsMapped; 6: the pool's token in Hello,
                                      // StreamChunk and StreamCredit
// The length field covers the type byte and the body.
constexpr qsizetype FrameHeaderSize = 4;
// Frames larger than this are refused on both sides.
constexpr qsizetype MaxFrameSize = 64 * 1024 * 1024;
// Room in a frame for a message's fixed fields around its payload (type, array head,
// id, timestamp, attachment kind); names and preludes are counted on top.
constexpr qsizetype FrameOverhead = 64;
// Name the channels' descriptor numbers in a worker's environment.
inline constexpr char ChannelFdVariable[] = "LPM_IPC_FD";
inline constexpr char DescriptorChannelFdVariable[] = "LPM_FD_CHANNEL_FD";
// Name the shared rings' memfds, from the worker's side: what it reads, what it writes.
inline constexpr char RingToWorkerFdVariable[] = "LPM_RING_IN_FD";
inline constexpr char RingFromWorkerFdVariable[] = "LPM_RING_OUT_FD";
// ChannelFdVariable's value for a worker whose channel is its stdin and stdout.
inline constexpr char StdioChannel[] = "stdio";
// The pool's token, which the worker's Hello carries back: a process that was not
// started for this pool (a wrong program, a stray one) is told apart at once.
inline constexpr char PoolTokenVariable[] = "LPM_POOL_TOKEN";
// The window of a stream that crosses as chunks: bytes sent that the reader's side has
// not yet taken.
constexpr qint64 StreamWindow = 1024 * 1024;
// A chunk's size at most.
constexpr qsizetype StreamChunkSize = 64 * 1024;

enum class MessageType : quint8 {
    Hello = 1,         // both ways, first: version, pid, the pool's token (or empty)
    Ready = 2,         // worker: takes requests
    Busy = 3,          // worker: takes no new request until Ready
    Request = 4,       // supervisor: id, createdAt, attachment, prelude, payload
    Response = 5,      // worker: id, attachment, payload
    ResponseError = 6, // worker: id, LpmError code, detail (its answer could not be encoded)
    Health = 7,        // worker: rss, heapTotal, heapUsed
    SoftKill = 8,      // supervisor: finish what you hold, then exit
    HardKill = 9,      // supervisor: exit now
    Cancel = 10,       // supervisor: id; the request's future has ended (timed out, canceled)
    Event = 11,        // worker: id, createdAt, name, payload (sendEvent)
    EventReply = 12,   // supervisor: id, payload (LpmEvent::respond)
    EventReject = 13,  // supervisor: id, LpmError code, detail (no answer will come)
    Broadcast = 14,    // supervisor: name, payload
    StreamEnd = 15,    // both: id, 0 or an error code, detail (how a stream's source ended)
    SocketClosed = 16, // worker: id (a handed-over connection is closed)
    Canceled = 17,     // worker: id; a Cancel found the request unanswered and it is dropped
    Ping = 18,         // supervisor: are you there? (hang detection)
    Pong = 19,         // worker: here (an answer to Ping, or LpmWorker::heartbeat())
    RingsMapped = 20,  // worker: it mapped the shared rings; large arrays may use them
    StreamChunk = 21,  // both, on a byte-stream transport: id, bytes of a stream
    StreamCredit = 22, // both: id, bytes the reader's side took (-1: it reads no more)
};
constexpr MessageType FirstMessageType = MessageType::Hello;
constexpr MessageType LastMessageType = MessageType::StreamCredit;

// What comes with a request or response on the descriptor channel, under its id.
enum class Attachment : quint8 {
    None = 0,
    Socket = 1, // a connection; prelude holds bytes already read from it
    Stream = 2, // one end of a stream's socketpair
};

struct Message
{
    // One constructor per type: every message is built in one place.
    static Message hello(qint64 pid, const QByteArray &token = {});
    // Ready, Busy, SoftKill, HardKill, Ping, Pong, RingsMapped: no fields.
    static Message control(MessageType type);
    static Message request(const QUuid &id, qint64 createdAt, const QByteArray &encodedPayload,
                           const LpmPayloadCodec::Blobs &blobs = {});
    static Message response(const QUuid &id, const QByteArray &encodedPayload,
                            const LpmPayloadCodec::Blobs &blobs = {});
    static Message responseError(const QUuid &id, int errorCode, const QString &detail);
    static Message health(qint64 rss, qint64 heapTotal, qint64 heapUsed);
    static Message cancel(const QUuid &id);
    static Message canceled(const QUuid &id);
    static Message event(const QUuid &id, qint64 createdAt, const QString &name,
                         const QByteArray &encodedPayload);
    static Message eventReply(const QUuid &id, const QByteArray &encodedPayload);
    static Message eventReject(const QUuid &id, int errorCode, const QString &detail);
    static Message broadcast(const QString &name, const QByteArray &encodedPayload);
    // How a stream's source ended: errorCode 0 when cleanly, else StreamFailed.
    static Message streamEnd(const QUuid &id, bool ok, const QString &error);
    static Message socketClosed(const QUuid &id);
    static Message streamChunk(const QUuid &id, const QByteArray &bytes);
    // bytes: taken by the reader's side since the last credit; -1: it reads no more.
    static Message streamCredit(const QUuid &id, qint64 bytes);

    MessageType type = MessageType::Hello;

    // Hello
    quint32 version = 0;
    qint64 pid = 0;
    QByteArray token;

    // StreamChunk: the bytes; StreamCredit: their count in credit
    QByteArray chunk;
    qint64 credit = 0;

    // Request, Response, ResponseError, Cancel, Canceled, Event, EventReply,
    // EventReject, StreamEnd, SocketClosed, StreamChunk, StreamCredit
    QUuid id;
    qint64 createdAt = 0;   // Request, Event: ns on the monotonic clock
    QString name;           // Event, Broadcast
    QVariant payload;       // Request, Response, Event, EventReply, Broadcast (as decoded)
    // With a payload: when not empty, the payload already CBOR-encoded; it is sent as
    // is and payload is ignored. Lets callers encode (and validate) early.
    QByteArray encodedPayload;

    // Request, Response: the payload's large byte arrays, which it references by index
    // (LpmPayloadCodec::BlobTag), and where the sender's endpoint put each: a position
    // in its shared ring, or -1 (or absent) when it travels in the frame.
    LpmPayloadCodec::Blobs blobs;
    QList<qint64> blobPositions;
    Attachment attachment = Attachment::None;
    QByteArray prelude; // Request with a Socket

    // ResponseError, EventReject, StreamEnd (0: ended cleanly)
    int errorCode = 0;
    QString errorDetail;

    // Health, in bytes
    qint64 rss = 0;
    qint64 heapTotal = 0;
    qint64 heapUsed = 0;
};

// The one gate every payload passes before it goes into a frame: encodes value as
// CBOR into *encoded and checks that it fits a frame beside fieldBytes of the
// message's other variable fields (a name, a socket's prelude). Returns nullopt when
// it does, else the refusal: NotSerializable naming the type, or PayloadTooLarge.
// With blobs, large byte arrays are taken out into it (implicitly shared) and counted
// against the same limit.
std::optional<LpmError> encodePayload(const QVariant &value, qsizetype fieldBytes,
                                      QByteArray *encoded, LpmPayloadCodec::Blobs *blobs = nullptr);
// What the gate refused, for a warning: "its payload cannot cross processes: It holds
// a value of type QPoint." or "its payload is too large: ...".
QString refusalText(const LpmError &refusal);

QString typeName(MessageType type);

} // namespace LpmIpc
