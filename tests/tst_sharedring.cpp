// The shared ring large byte arrays cross by, and the frames that point into it: what
// a writer may reuse, and everything a reader refuses.

#include "lpmendpoint_p.h"
#include "lpmframecodec_p.h"
#include "lpmframereader_p.h"
#include "lpmmessage_p.h"
#include "lpmsharedring_p.h"

#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <cstring>
#include <deque>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace LpmIpc;

namespace {

constexpr qsizetype Capacity = 1 << 20;

struct Pair
{
    std::unique_ptr<LpmSharedRing> writer;
    std::unique_ptr<LpmSharedRing> reader;
};

Pair makePair()
{
    int fd = -1;
    Pair pair;
    pair.writer = LpmSharedRing::create(Capacity, &fd);
    if (fd >= 0) {
        pair.reader = LpmSharedRing::attach(fd);
        ::close(fd); // the mappings stay
    }
    return pair;
}

QByteArray pattern(qsizetype size, char seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(seed + i * 7);
    return bytes;
}

// A frame of message, decoded as the other side would, with incoming as its ring.
bool deliver(const Message &message, Message *out, LpmSharedRing *incoming, QString *error)
{
    QByteArray frame;
    if (!appendFrame(frame, message, error))
        return false;
    LpmFrameReader reader(MaxFrameSize);
    reader.append(frame);
    quint8 type = 0;
    QByteArrayView body;
    if (reader.next(&type, &body) != LpmFrameReader::Status::Frame)
        return false;
    return decodeFrame(type, body, out, error, incoming);
}

} // namespace

class tst_SharedRing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bytesCrossIntact();
    void aFullRingRefusesUntilRead();
    void oneAtATimeReusesTheSamePages();
    void readerRefusesWhatCannotHaveBeenWritten();
    void writerStaysInBoundsWhateverTheReaderClaims();
    void randomTrafficInOrder();
    void framesCarryBlobsThroughTheRingOrInline();
    void aBlobReferenceWithoutItsRingIsRefused();
    void aTableBeyondTheFrameLimitIsRefused();
    void onlySealedRingsAreMapped();
    void endpointsUseTheRingOnceEnabled();
};

void tst_SharedRing::bytesCrossIntact()
{
    Pair pair = makePair();
    QVERIFY(pair.writer && pair.reader);
    QCOMPARE(pair.reader->capacity(), Capacity);
    const QByteArray bytes = pattern(100000, 3);
    const std::optional<quint64> position = pair.writer->write(bytes);
    QVERIFY(position);
    QByteArray out;
    QVERIFY(pair.reader->read(*position, quint64(bytes.size()), &out));
    QCOMPARE(out, bytes);
}

void tst_SharedRing::aFullRingRefusesUntilRead()
{
    Pair pair = makePair();
    const QByteArray third = pattern(Capacity / 3, 1);
    std::vector<quint64> positions;
    for (int i = 0; i < 3; ++i) {
        const auto position = pair.writer->write(third);
        QVERIFY(position);
        positions.push_back(*position);
    }
    QVERIFY(!pair.writer->write(third)); // no room: the caller sends it in the frame
    QVERIFY(!pair.writer->write(QByteArray(Capacity + 1, 'x'))); // never fits
    QByteArray out;
    QVERIFY(pair.reader->read(positions[0], quint64(third.size()), &out));
    const auto again = pair.writer->write(third); // room again, at the beginning
    QVERIFY(again);
    QCOMPARE(*again % quint64(Capacity), quint64(0));
    for (int i = 1; i < 3; ++i) {
        QVERIFY(pair.reader->read(positions[size_t(i)], quint64(third.size()), &out));
        QCOMPARE(out, third);
    }
    QVERIFY(pair.reader->read(*again, quint64(third.size()), &out));
    QCOMPARE(out, third);
}

void tst_SharedRing::oneAtATimeReusesTheSamePages()
{
    Pair pair = makePair();
    QByteArray out;
    for (int i = 0; i < 10; ++i) {
        const QByteArray bytes = pattern(300000 + i, char(i));
        const auto position = pair.writer->write(bytes);
        QVERIFY(position);
        QCOMPARE(*position % quint64(Capacity), quint64(0)); // always the warm start
        QVERIFY(pair.reader->read(*position, quint64(bytes.size()), &out));
        QCOMPARE(out, bytes);
    }
}

void tst_SharedRing::readerRefusesWhatCannotHaveBeenWritten()
{
    Pair pair = makePair();
    const QByteArray bytes = pattern(1000, 5);
    const auto position = pair.writer->write(bytes);
    QVERIFY(position);
    QByteArray out;
    QVERIFY(!pair.reader->read(*position, 0, &out));                            // empty
    QVERIFY(!pair.reader->read(*position, quint64(Capacity) + 1, &out));        // larger than the ring
    QVERIFY(!pair.reader->read(quint64(Capacity) - 10, 100, &out));             // across its end
    QVERIFY(!pair.reader->read(~quint64(0) - 5, 100, &out));                    // far away, wrapping
    QVERIFY(pair.reader->read(*position, quint64(bytes.size()), &out));
    QVERIFY(!pair.reader->read(*position, quint64(bytes.size()), &out));        // read before
    QCOMPARE(out, bytes);
}

void tst_SharedRing::writerStaysInBoundsWhateverTheReaderClaims()
{
    // The reader's progress lives in shared memory, which a hostile peer may scribble
    // on. Whatever it claims, the writer writes inside the ring (AddressSanitizer and
    // the kernel would catch anything else) and never reports more room than exists.
    const QByteArray half = pattern(Capacity / 2, 9);
    int fd = -1;
    std::unique_ptr<LpmSharedRing> writer = LpmSharedRing::create(Capacity, &fd);
    std::unique_ptr<LpmSharedRing> hostile = LpmSharedRing::attach(fd);
    QVERIFY(writer && hostile);
    QVERIFY(writer->write(half));
    // The hostile reader claims far more than was ever written: bounded by what was.
    const quint64 lies[] = { ~quint64(0), quint64(1) << 62, 0, 12345 };
    for (const quint64 lie : lies) {
        QByteArray header(8, Qt::Uninitialized);
        std::memcpy(header.data(), &lie, sizeof(lie));
        QVERIFY(::pwrite(fd, header.constData(), 8, 0) == 8);
        for (int i = 0; i < 4; ++i)
            (void)writer->write(half); // in bounds or refused, never beyond
    }
    ::close(fd);
}

void tst_SharedRing::randomTrafficInOrder()
{
    // A writer ahead of its reader by a random amount, sizes from a byte to the whole
    // ring: what is read is always what was written there.
    Pair pair = makePair();
    QRandomGenerator random(42);
    std::deque<std::pair<quint64, QByteArray>> inFlight;
    int written = 0;
    int fallbacks = 0;
    for (int step = 0; step < 20000; ++step) {
        if (random.bounded(2) == 0 || inFlight.empty()) {
            const qsizetype size = random.bounded(8) == 0 ? qsizetype(random.bounded(int(Capacity))) + 1
                                                           : qsizetype(random.bounded(5000)) + 1;
            const QByteArray bytes = pattern(size, char(step));
            if (const auto position = pair.writer->write(bytes)) {
                inFlight.emplace_back(*position, bytes);
                ++written;
            } else {
                ++fallbacks;
            }
        } else {
            QByteArray out;
            const auto [position, bytes] = inFlight.front();
            inFlight.pop_front();
            QVERIFY(pair.reader->read(position, quint64(bytes.size()), &out));
            QCOMPARE(out, bytes);
        }
    }
    QVERIFY(written > 5000);
    QVERIFY(fallbacks > 0);
}

void tst_SharedRing::framesCarryBlobsThroughTheRingOrInline()
{
    Pair pair = makePair();
    const QByteArray big = pattern(200000, 1);
    const QByteArray bigger = pattern(700000, 2);
    const QVariantMap payload{ { QStringLiteral("image"), big },
                               { QStringLiteral("more"), QVariantList{ bigger, QByteArray("small") } },
                               { QStringLiteral("n"), 7 } };
    QByteArray encoded;
    LpmPayloadCodec::Blobs blobs;
    QVERIFY(!encodePayload(payload, 0, &encoded, &blobs));
    QCOMPARE(blobs.size(), 2);                  // the small one stays in the CBOR
    QVERIFY(encoded.size() < 200);
    QVERIFY(blobs.at(0).constData() == big.constData()); // taken out without a copy

    Message request = Message::request(QUuid::createUuid(), 1, encoded, blobs);
    request.blobPositions = { qint64(*pair.writer->write(blobs.at(0))), -1 }; // one of each
    Message out;
    QString error;
    QVERIFY2(deliver(request, &out, pair.reader.get(), &error), qPrintable(error));
    QCOMPARE(out.payload.toMap(), payload);

    Message response = Message::response(request.id, encoded, blobs); // all in the frame
    Message back;
    QVERIFY2(deliver(response, &back, nullptr, &error), qPrintable(error));
    QCOMPARE(back.payload.toMap(), payload);
}

void tst_SharedRing::aBlobReferenceWithoutItsRingIsRefused()
{
    Pair pair = makePair();
    QByteArray encoded;
    LpmPayloadCodec::Blobs blobs;
    QVERIFY(!encodePayload(pattern(100000, 4), 0, &encoded, &blobs));
    Message request = Message::request(QUuid::createUuid(), 1, encoded, blobs);
    request.blobPositions = { qint64(*pair.writer->write(blobs.at(0))) };
    Message out;
    QString error;
    QVERIFY(!deliver(request, &out, nullptr, &error)); // a peer that has no ring for us
    QVERIFY2(error.contains(QStringLiteral("shared memory")), qPrintable(error));
    request.blobPositions = { qint64(Capacity) * 6 - 10 }; // across the ring's end
    QVERIFY(!deliver(request, &out, pair.reader.get(), &error));

    // A payload naming a blob its message does not carry.
    QByteArray dangling;
    LpmPayloadCodec::Blobs none;
    QVERIFY(!encodePayload(QVariantList{ pattern(100000, 4) }, 0, &dangling, &none));
    Message orphan = Message::request(QUuid::createUuid(), 1, dangling); // blobs left out
    QVERIFY(!deliver(orphan, &out, pair.reader.get(), &error));
    QVERIFY2(error.contains(QStringLiteral("did not come with it")), qPrintable(error));
}

void tst_SharedRing::aTableBeyondTheFrameLimitIsRefused()
{
    // Every entry is inside the ring and after the last read, but together they ask for
    // more than any honest frame carries: refused before the copies add up.
    Pair pair = makePair();
    const QByteArray whole = pattern(Capacity, 8);
    Message request = Message::request(QUuid::createUuid(), 1, QByteArray("\xf6", 1));
    const qsizetype entries = MaxFrameSize / Capacity + 2;
    for (qsizetype i = 0; i < entries; ++i) {
        request.blobs.append(whole); // shared: one megabyte, named many times
        request.blobPositions.append(qint64(i) * Capacity);
    }
    Message out;
    QString error;
    QVERIFY(!deliver(request, &out, pair.reader.get(), &error));
    QVERIFY2(error.contains(QStringLiteral("frame limit")), qPrintable(error));
}

void tst_SharedRing::onlySealedRingsAreMapped()
{
    // A descriptor a peer could shrink under our mapping (SIGBUS) is not taken.
    const int unsealed = ::memfd_create("not-a-ring", MFD_CLOEXEC);
    QVERIFY(unsealed >= 0);
    QVERIFY(::ftruncate(unsealed, Capacity) == 0);
    QVERIFY(!LpmSharedRing::attach(unsealed));
    ::close(unsealed);
    int fd = -1;
    std::unique_ptr<LpmSharedRing> ring = LpmSharedRing::create(Capacity, &fd);
    QVERIFY(ring);
    QVERIFY(::ftruncate(fd, 4096) != 0); // sealed: it cannot shrink
    QVERIFY(LpmSharedRing::attach(fd));
    ::close(fd);
}

void tst_SharedRing::endpointsUseTheRingOnceEnabled()
{
    int messages[2];
    QVERIFY(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, messages) == 0);
    LpmEndpoint sender(messages[0], -1);
    LpmEndpoint receiver(messages[1], -1);
    int toReceiver = -1;
    int toSender = -1;
    std::unique_ptr<LpmSharedRing> out = LpmSharedRing::create(4 * Capacity, &toReceiver);
    std::unique_ptr<LpmSharedRing> back = LpmSharedRing::create(4 * Capacity, &toSender);
    std::unique_ptr<LpmSharedRing> in = LpmSharedRing::attach(toReceiver);
    std::unique_ptr<LpmSharedRing> backOut = LpmSharedRing::attach(toSender);
    ::close(toReceiver);
    ::close(toSender);
    QVERIFY(out && back && in && backOut);
    sender.setRings(std::move(out), std::move(back));
    receiver.setRings(std::move(backOut), std::move(in));
    QList<QVariant> received;
    connect(&receiver, &LpmEndpoint::messageReceived, this,
            [&received](const Message &message, const LpmEndpoint::Attached &) { received.append(message.payload); });

    const QByteArray big = pattern(Capacity, 6);
    QByteArray encoded;
    LpmPayloadCodec::Blobs blobs;
    QVERIFY(!encodePayload(big, 0, &encoded, &blobs));
    const auto sendOne = [&] {
        const qint64 before = sender.bytesToWrite();
        return sender.send(Message::request(QUuid::createUuid(), 1, encoded, blobs))
                ? sender.bytesToWrite() - before
                : qint64(-1);
    };
    // Not enabled yet (the peer has not said it mapped the ring): in the frame.
    const qint64 inFrame = sendOne();
    QVERIFY2(inFrame > Capacity, qPrintable(QString::number(inFrame)));
    sender.enableOutgoingRing();
    const qint64 inRing = sendOne();
    QVERIFY2(inRing < 1024, qPrintable(QString::number(inRing)));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 2, 20000);
    for (const QVariant &payload : std::as_const(received))
        QCOMPARE(payload.toByteArray(), big);
}

QTEST_GUILESS_MAIN(tst_SharedRing)
#include "tst_sharedring.moc"
