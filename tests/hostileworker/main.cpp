// A worker that speaks LPM's wire protocol by hand, for the hostile-worker tests. It
// serves requests properly ({"op": "echo"} and anything unknown is echoed) until a
// request asks it to misbehave ({"op": "attack", "kind": ..., "seed": n}):
//   garbage          random bytes on the message channel
//   bad-type         a frame of an unknown type
//   bad-length       a frame announcing 4 GiB
//   unknown-ids      answers to 10,000 requests never sent
//   canceled-unknown word that it dropped a request nobody canceled
//   amplify          an answer of 60 million CBOR nulls (60 MB, billions of bytes decoded)
//   deep             an answer nested 100,000 arrays deep
//   mutate           200 valid frames with random bytes of type and body changed
//                    (a changed length could leave a frame waiting for the rest:
//                    only hang detection tells that from a slow writer)
//   streamend-flood  100,000 StreamEnds for unknown ids, then a proper answer
//   health-flood     100,000 health reports, then a proper answer
//   fd-flood         2,000 descriptors with no message, then a proper answer
//   bad-fd           a malformed datagram on the descriptor channel
//   socket-back      an answer handing a socket to the supervisor
//   never-read       answers, then never reads its channel again (it sleeps)
// Plain blocking I/O, no event loop: nothing of LpmWorker is used.

#include "lpmfdchannel_p.h"
#include "lpmframecodec_p.h"
#include "lpmframereader_p.h"
#include "lpmmessage_p.h"
#include "lpmpayloadcodec_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qrandom.h>
#include <QtCore/qthread.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <cerrno>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace LpmIpc;

namespace {

int g_control = -1;
int g_descriptors = -1;

void writeAll(const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(g_control, bytes.constData() + done, size_t(bytes.size() - done));
        if (n <= 0)
            std::_Exit(0); // the supervisor dropped us: that is the point
        done += n;
    }
}

void send(const Message &message)
{
    QByteArray frame;
    QString error;
    if (!appendFrame(frame, message, &error))
        std::_Exit(9);
    writeAll(frame);
}

QByteArray rawFrame(quint8 type, const QByteArray &body)
{
    QByteArray frame(FrameHeaderSize, '\0');
    const quint32 length = quint32(body.size() + 1);
    std::memcpy(frame.data(), &length, 4); // little-endian hosts only, like the tests
    frame.append(char(type));
    frame.append(body);
    return frame;
}

// False when the supervisor takes no more for now (the socket is non-blocking then).
bool sendDescriptor(quint8 kind, const QByteArray &id, int fd, qsizetype size = -1)
{
    QByteArray datagram = char(kind) + id;
    if (size >= 0)
        datagram.truncate(size);
    struct iovec iov = { datagram.data(), size_t(datagram.size()) };
    struct msghdr msg;
    std::memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    std::memset(control, 0, sizeof(control));
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    if (::sendmsg(g_descriptors, &msg, MSG_NOSIGNAL) >= 0)
        return true;
    if (errno != EAGAIN)
        std::_Exit(0);
    return false;
}

QByteArray encoded(const QVariant &value)
{
    QByteArray out;
    QString error;
    LpmPayloadCodec::encode(value, &out, &error);
    return out;
}

void answer(const Message &request)
{
    send(Message::response(request.id, encoded(QVariantMap{ { QStringLiteral("echo"), request.payload },
                                                            { QStringLiteral("pid"), qint64(::getpid()) } })));
}

QUuid randomId(QRandomGenerator &random)
{
    quint32 words[4];
    random.fillRange(words);
    return QUuid::fromRfc4122(QByteArrayView(reinterpret_cast<const char *>(words), 16));
}

void attack(const Message &request, const QVariantMap &data)
{
    const QString kind = data.value(QStringLiteral("kind")).toString();
    QRandomGenerator random(data.value(QStringLiteral("seed")).toUInt());
    if (kind == QLatin1String("garbage")) {
        QByteArray bytes(1 << 16, Qt::Uninitialized);
        random.fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
        writeAll(bytes);
    } else if (kind == QLatin1String("bad-type")) {
        writeAll(rawFrame(200, "x"));
    } else if (kind == QLatin1String("bad-length")) {
        writeAll(QByteArray("\xff\xff\xff\xff\x05", 5));
    } else if (kind == QLatin1String("unknown-ids")) {
        for (int i = 0; i < 10000; ++i)
            send(Message::response(randomId(random), encoded(i)));
    } else if (kind == QLatin1String("canceled-unknown")) {
        send(Message::canceled(randomId(random)));
    } else if (kind == QLatin1String("amplify")) {
        // A response whose payload is an array of 60 million nulls.
        QByteArray body;
        body.append(char(0x83)).append(char(0x50)).append(request.id.toRfc4122()).append(char(0));
        body.append(char(0x9a)); // array, 32-bit length
        const quint32 count = 60000000;
        char length[4] = { char(count >> 24), char(count >> 16), char(count >> 8), char(count) };
        body.append(length, 4);
        body.append(QByteArray(int(count), char(0xf6)));
        writeAll(rawFrame(quint8(MessageType::Response), body));
    } else if (kind == QLatin1String("deep")) {
        QByteArray body;
        body.append(char(0x83)).append(char(0x50)).append(request.id.toRfc4122()).append(char(0));
        body.append(QByteArray(100000, char(0x81))); // [[[[...
        body.append(char(0xf6));
        writeAll(rawFrame(quint8(MessageType::Response), body));
    } else if (kind == QLatin1String("mutate")) {
        for (int i = 0; i < 200; ++i) {
            QByteArray frame;
            QString error;
            const Message samples[] = {
                Message::response(request.id, encoded(QVariantMap{ { QStringLiteral("k"), i } })),
                Message::health(i, i, i),
                Message::event(randomId(random), i, QStringLiteral("e"), encoded(QVariantList{ 1, 2 })),
                Message::streamEnd(randomId(random), false, QStringLiteral("x")),
                Message::socketClosed(randomId(random)),
            };
            appendFrame(frame, samples[i % 5], &error);
            for (int flips = 1 + int(random.bounded(3)); flips > 0; --flips)
                frame[FrameHeaderSize + qsizetype(random.bounded(int(frame.size() - FrameHeaderSize)))] =
                        char(random.bounded(256));
            writeAll(frame);
        }
    } else if (kind == QLatin1String("streamend-flood")) {
        for (int i = 0; i < 100000; ++i)
            send(Message::streamEnd(randomId(random), i % 2, QStringLiteral("never announced")));
        answer(request);
    } else if (kind == QLatin1String("health-flood")) {
        for (int i = 0; i < 100000; ++i)
            send(Message::health(i, i, i));
        answer(request);
    } else if (kind == QLatin1String("fd-flood")) {
        // Until the supervisor stops reading them: it holds only so many.
        ::fcntl(g_descriptors, F_SETFL, ::fcntl(g_descriptors, F_GETFL) | O_NONBLOCK);
        int pair[2];
        for (int i = 0; i < 2000 && ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0; ++i) {
            const bool taken = sendDescriptor(quint8(LpmFdChannel::Kind::Stream), randomId(random).toRfc4122(), pair[0]);
            ::close(pair[0]);
            ::close(pair[1]);
            if (!taken)
                break;
        }
        answer(request);
    } else if (kind == QLatin1String("bad-fd")) {
        int pair[2];
        ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
        sendDescriptor(quint8(LpmFdChannel::Kind::Stream), randomId(random).toRfc4122(), pair[0], 3);
    } else if (kind == QLatin1String("socket-back")) {
        int pair[2];
        ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
        sendDescriptor(quint8(LpmFdChannel::Kind::Socket), request.id.toRfc4122(), pair[0]);
        Message back = Message::response(request.id, encoded(1));
        back.attachment = Attachment::Socket;
        send(back);
    } else if (kind == QLatin1String("never-read")) {
        answer(request);
        for (;;)
            ::pause();
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    g_control = qEnvironmentVariableIntValue(ChannelFdVariable);
    g_descriptors = qEnvironmentVariableIntValue(DescriptorChannelFdVariable);
    if (g_control <= 0 || g_descriptors <= 0)
        return 2;
    send(Message::hello(::getpid()));
    send(Message::control(MessageType::Ready));
    LpmFrameReader reader(MaxFrameSize);
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(g_control, buffer, sizeof(buffer));
        if (n <= 0)
            return 0; // end-of-file: the supervisor is done with us
        reader.append(QByteArray(buffer, n));
        quint8 type = 0;
        QByteArrayView body;
        while (reader.next(&type, &body) == LpmFrameReader::Status::Frame) {
            Message message;
            QString error;
            if (!decodeFrame(type, body, &message, &error))
                return 3;
            if (message.type == MessageType::SoftKill || message.type == MessageType::HardKill)
                return 0;
            if (message.type != MessageType::Request)
                continue;
            const QVariantMap data = message.payload.toMap();
            if (data.value(QStringLiteral("op")).toString() == QLatin1String("attack"))
                attack(message, data);
            else
                answer(message);
        }
    }
}
