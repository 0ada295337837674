#include "lpmframecodec_p.h"
#include "lpmframereader_p.h"
#include "lpmmessage_p.h"
#include "lpmpayloadcodec_p.h"
#include "lpmuuid_p.h"

#include <QtCore/qdatetime.h>
#include <QtCore/qendian.h>
#include <QtCore/qpoint.h>
#include <QtCore/qurl.h>
#include <QtTest/qtest.h>

using namespace LpmIpc;

namespace {

QByteArray frameOf(const Message &message)
{
    QByteArray out;
    QString error;
    if (!appendFrame(out, message, &error))
        qWarning() << "cannot encode:" << error;
    return out;
}

// Encodes, splits with a frame reader, decodes.
bool roundTrip(const Message &in, Message *out, QString *error)
{
    LpmFrameReader reader(MaxFrameSize);
    reader.append(frameOf(in));
    quint8 type = 0;
    QByteArrayView body;
    if (reader.next(&type, &body) != LpmFrameReader::Status::Frame) {
        *error = QStringLiteral("no frame");
        return false;
    }
    return decodeFrame(type, body, out, error);
}

QByteArray rawFrame(quint8 type, const QByteArray &body)
{
    QByteArray out(4, '\0');
    qToLittleEndian(quint32(body.size() + 1), out.data());
    out.append(char(type));
    out.append(body);
    return out;
}

} // namespace

class tst_Codec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void payloadRoundTrip_data();
    void payloadRoundTrip();
    void payloadNormalisedTypes();
    void unserializablePayloadNamesType_data();
    void unserializablePayloadNamesType();
    void deepNestingRefused();
    void everyMessageTypeRoundTrips_data();
    void everyMessageTypeRoundTrips();
    void encodedPayloadSentAsIs();
    void readerSplitsCoalescedAndPartialFrames();
    void truncatedBodyRejected();
    void oversizedFrameRejected();
    void emptyFrameRejected();
    void unknownTypeRejected();
    void undecodableBodyRejected_data();
    void undecodableBodyRejected();
    void trailingBytesRejected();
    void uuidsAreVersion4AndDistinct();
    void rawCborDecodes_data();
    void rawCborDecodes();
    void rawCborRefused_data();
    void rawCborRefused();
};

void tst_Codec::payloadRoundTrip_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::newRow("null") << QVariant();
    QTest::newRow("true") << QVariant(true);
    QTest::newRow("false") << QVariant(false);
    QTest::newRow("int") << QVariant(42);
    QTest::newRow("negative int") << QVariant(-7);
    QTest::newRow("int64 max") << QVariant(qlonglong(std::numeric_limits<qint64>::max()));
    QTest::newRow("int64 min") << QVariant(qlonglong(std::numeric_limits<qint64>::min()));
    QTest::newRow("uint64 max") << QVariant(qulonglong(std::numeric_limits<quint64>::max()));
    QTest::newRow("double") << QVariant(3.141592653589793);
    QTest::newRow("negative zero") << QVariant(-0.0);
    QTest::newRow("string") << QVariant(QStringLiteral("Hello"));
    QTest::newRow("non-ASCII string") << QVariant(QStringLiteral("Grüße, 世界 🌍"));
    QTest::newRow("empty string") << QVariant(QString(QLatin1String("")));
    QTest::newRow("bytes") << QVariant(QByteArray("\x00\x01\xff binary", 10));
    QTest::newRow("list") << QVariant(QVariantList{ 1, QStringLiteral("two"), 3.5, QVariant() });
    QTest::newRow("map") << QVariant(QVariantMap{ { QStringLiteral("Hello"), QStringLiteral("World") } });
    QTest::newRow("nested") << QVariant(QVariantMap{
            { QStringLiteral("a"), QVariantList{ QVariantMap{ { QStringLiteral("b"), QVariantList{ 1, 2 } } } } },
            { QStringLiteral("c"), QByteArray("xyz") },
            { QStringLiteral("d"), true } });
    QTest::newRow("date-time") << QVariant(QDateTime(QDate(2024, 2, 29), QTime(23, 59, 58, 123), Qt::UTC));
    QTest::newRow("url") << QVariant(QUrl(QStringLiteral("https://example.org/a b?q=ü")));
    QTest::newRow("uuid") << QVariant(QUuid::createUuid());
    // Every boundary of CBOR's length encodings (1, 2, 3, 5 and 9 bytes), both signs.
    for (const qint64 n : { 23LL, 24LL, 255LL, 256LL, 65535LL, 65536LL, 4294967295LL, 4294967296LL }) {
        QTest::addRow("integer %lld", n) << QVariant(qlonglong(n));
        QTest::addRow("integer %lld", -n) << QVariant(qlonglong(-n));
        QTest::addRow("integer %lld", -n - 1) << QVariant(qlonglong(-n - 1));
    }
    for (const int size : { 23, 24, 255, 256, 65535, 65536 }) {
        QTest::addRow("string of %d bytes", size) << QVariant(QString(size, QLatin1Char('s')));
        QTest::addRow("bytes of %d", size) << QVariant(QByteArray(size, 'b'));
        QVariantList list;
        for (int i = 0; i < size; ++i)
            list.append(i);
        QTest::addRow("list of %d", size) << QVariant(list);
    }
    QTest::newRow("float") << QVariant(1.5f);
}

void tst_Codec::payloadRoundTrip()
{
    QFETCH(QVariant, value);
    QByteArray cbor;
    QString error;
    QVERIFY2(LpmPayloadCodec::encode(value, &cbor, &error), qPrintable(error));
    QVariant decoded;
    QVERIFY2(LpmPayloadCodec::decode(cbor, &decoded, &error), qPrintable(error));
    QCOMPARE(decoded, value);
    if (value.typeId() == QMetaType::Double)
        QCOMPARE(std::signbit(decoded.toDouble()), std::signbit(value.toDouble()));
}

void tst_Codec::payloadNormalisedTypes()
{
    // What does not come back as the same type comes back as its documented equivalent.
    auto through = [](const QVariant &v) {
        QByteArray cbor;
        QString error;
        QVariant out;
        if (!LpmPayloadCodec::encode(v, &cbor, &error) || !LpmPayloadCodec::decode(cbor, &out, &error))
            qWarning() << error;
        return out;
    };
    QCOMPARE(through(QStringList{ QStringLiteral("a"), QStringLiteral("b") }),
             QVariant(QVariantList{ QStringLiteral("a"), QStringLiteral("b") }));
    QCOMPARE(through(QVariantHash{ { QStringLiteral("k"), 1 } }),
             QVariant(QVariantMap{ { QStringLiteral("k"), 1 } }));
    QCOMPARE(through(qlonglong(5)).typeId(), QMetaType::Int);
    QCOMPARE(through(qlonglong(1) << 40).typeId(), QMetaType::LongLong);
    QCOMPARE(through(QVariant::fromValue(nullptr)), QVariant());
    QCOMPARE(through(1.5f).toFloat(), 1.5f);
}

void tst_Codec::unserializablePayloadNamesType_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("typeName");
    QTest::newRow("QPoint") << QVariant::fromValue(QPoint(1, 2)) << QStringLiteral("QPoint");
    QTest::newRow("QObject*") << QVariant::fromValue(static_cast<QObject *>(this)) << QStringLiteral("QObject*");
    QTest::newRow("in a list") << QVariant(QVariantList{ 1, QVariant::fromValue(QSizeF(1, 1)) })
                               << QStringLiteral("QSizeF");
    QTest::newRow("invalid date") << QVariant(QDateTime()) << QStringLiteral("invalid QDateTime");
}

void tst_Codec::unserializablePayloadNamesType()
{
    QFETCH(QVariant, value);
    QFETCH(QString, typeName);
    QByteArray cbor;
    QString error;
    QVERIFY(!LpmPayloadCodec::encode(value, &cbor, &error));
    QVERIFY2(error.contains(typeName), qPrintable(error));
    // The message codec refuses it too, leaving the output untouched.
    Message m;
    m.type = MessageType::Request;
    m.payload = value;
    QByteArray out("keep");
    QVERIFY(!appendFrame(out, m, &error));
    QCOMPARE(out, QByteArray("keep"));
}

void tst_Codec::deepNestingRefused()
{
    QVariant v = 1;
    for (int i = 0; i < 600; ++i)
        v = QVariantList{ v };
    QByteArray cbor;
    QString error;
    QVERIFY(!LpmPayloadCodec::encode(v, &cbor, &error));
    QVERIFY2(error.contains(QLatin1String("nesting")), qPrintable(error));

    // A hostile peer's deep nesting is refused on decoding as well.
    QByteArray hostile(1000, char(0x81)); // 1000 nested one-element arrays ...
    hostile.append(char(0x01));           // ... around the integer 1
    QVariant decoded;
    QVERIFY(!LpmPayloadCodec::decode(hostile, &decoded, &error));
}

void tst_Codec::everyMessageTypeRoundTrips_data()
{
    QTest::addColumn<int>("type");
    for (int t = int(FirstMessageType); t <= int(LastMessageType); ++t)
        QTest::newRow(qPrintable(typeName(MessageType(t)))) << t;
}

void tst_Codec::everyMessageTypeRoundTrips()
{
    QFETCH(int, type);
    Message in;
    in.type = MessageType(type);
    in.version = ProtocolVersion;
    in.pid = 123456;
    in.id = LpmUuid::createV4();
    in.createdAt = 987654321012345;
    in.payload = QVariantMap{ { QStringLiteral("Hello"), QStringLiteral("World") } };
    in.name = QStringLiteral("progress-ü");
    in.attachment = Attachment::Socket;
    in.prelude = QByteArray("GET / HTTP/1.1\r\n");
    in.errorCode = 3;
    in.errorDetail = QStringLiteral("a value of type QPoint");
    in.rss = 12 * 1024 * 1024;
    in.heapTotal = 300000;
    in.heapUsed = 200000;
    in.token = QByteArray("0123456789abcdef");
    in.chunk = QByteArray(70000, 'c');
    in.credit = 65536;

    Message out;
    QString error;
    QVERIFY2(roundTrip(in, &out, &error), qPrintable(error));
    QCOMPARE(out.type, in.type);
    switch (in.type) {
    case MessageType::Hello:
        QCOMPARE(out.version, in.version);
        QCOMPARE(out.pid, in.pid);
        QCOMPARE(out.token, in.token);
        break;
    case MessageType::StreamChunk:
        QCOMPARE(out.id, in.id);
        QCOMPARE(out.chunk, in.chunk);
        break;
    case MessageType::StreamCredit:
        QCOMPARE(out.id, in.id);
        QCOMPARE(out.credit, in.credit);
        break;
    case MessageType::Ready:
    case MessageType::Busy:
    case MessageType::SoftKill:
    case MessageType::HardKill:
        break;
    case MessageType::Cancel:
    case MessageType::SocketClosed:
        QCOMPARE(out.id, in.id);
        break;
    case MessageType::Event:
        QCOMPARE(out.name, in.name);
        QCOMPARE(out.createdAt, in.createdAt);
        QCOMPARE(out.id, in.id);
        QCOMPARE(out.payload, in.payload);
        break;
    case MessageType::Request:
        QCOMPARE(out.createdAt, in.createdAt);
        QCOMPARE(out.prelude, in.prelude);
        Q_FALLTHROUGH();
    case MessageType::Response:
        QCOMPARE(out.attachment, in.attachment);
        Q_FALLTHROUGH();
    case MessageType::EventReply:
        QCOMPARE(out.id, in.id);
        QCOMPARE(out.payload, in.payload);
        break;
    case MessageType::Broadcast:
        QCOMPARE(out.name, in.name);
        QCOMPARE(out.payload, in.payload);
        break;
    case MessageType::EventReject:
    case MessageType::StreamEnd:
    case MessageType::ResponseError:
        QCOMPARE(out.id, in.id);
        QCOMPARE(out.errorCode, in.errorCode);
        QCOMPARE(out.errorDetail, in.errorDetail);
        break;
    case MessageType::Health:
        QCOMPARE(out.rss, in.rss);
        QCOMPARE(out.heapTotal, in.heapTotal);
        QCOMPARE(out.heapUsed, in.heapUsed);
        break;
    }
}

void tst_Codec::encodedPayloadSentAsIs()
{
    Message in;
    in.type = MessageType::Request;
    in.id = LpmUuid::createV4();
    QString error;
    QVERIFY(LpmPayloadCodec::encode(QVariantList{ 1, 2, 3 }, &in.encodedPayload, &error));
    in.payload = QStringLiteral("ignored when encodedPayload is set");
    Message out;
    QVERIFY2(roundTrip(in, &out, &error), qPrintable(error));
    QCOMPARE(out.payload, QVariant(QVariantList{ 1, 2, 3 }));
}

void tst_Codec::readerSplitsCoalescedAndPartialFrames()
{
    QByteArray stream;
    for (int i = 0; i < 100; ++i) {
        Message m;
        m.type = MessageType::Response;
        m.id = LpmUuid::createV4();
        m.payload = i;
        stream += frameOf(m);
    }
    // Fed in odd-sized pieces: frames straddle every boundary.
    LpmFrameReader reader(MaxFrameSize);
    int decoded = 0;
    for (qsizetype at = 0; at < stream.size(); at += 7) {
        reader.append(stream.mid(at, 7));
        quint8 type;
        QByteArrayView body;
        while (reader.next(&type, &body) == LpmFrameReader::Status::Frame) {
            Message m;
            QString error;
            QVERIFY2(decodeFrame(type, body, &m, &error), qPrintable(error));
            QCOMPARE(m.payload.toInt(), decoded);
            ++decoded;
        }
    }
    QCOMPARE(decoded, 100);
    QCOMPARE(reader.bufferedBytes(), 0);

    // All at once: every frame comes out of one append.
    LpmFrameReader whole(MaxFrameSize);
    whole.append(stream);
    quint8 type;
    QByteArrayView body;
    int count = 0;
    while (whole.next(&type, &body) == LpmFrameReader::Status::Frame)
        ++count;
    QCOMPARE(count, 100);
}

void tst_Codec::truncatedBodyRejected()
{
    Message m;
    m.type = MessageType::Request;
    m.id = LpmUuid::createV4();
    m.payload = QVariantMap{ { QStringLiteral("Hello"), QStringLiteral("World") } };
    const QByteArray frame = frameOf(m);
    // A frame whose length claims less than the fields need: cut the body short.
    const QByteArray body = frame.mid(5, frame.size() - 5 - 4);
    Message out;
    QString error;
    QVERIFY(!decodeFrame(quint8(MessageType::Request), body, &out, &error));
    QVERIFY(!error.isEmpty());
    // A truncated stream is simply incomplete: no frame yet, and no crash.
    LpmFrameReader reader(MaxFrameSize);
    reader.append(frame.left(frame.size() - 1));
    quint8 type;
    QByteArrayView view;
    QCOMPARE(reader.next(&type, &view), LpmFrameReader::Status::NeedMore);
}

void tst_Codec::oversizedFrameRejected()
{
    LpmFrameReader reader(1024);
    QByteArray header(4, '\0');
    qToLittleEndian(quint32(1025), header.data());
    reader.append(header);
    quint8 type;
    QByteArrayView body;
    QCOMPARE(reader.next(&type, &body), LpmFrameReader::Status::Malformed);
    QCOMPARE(reader.badLength(), 1025);

    // The encoder refuses to build one.
    Message m;
    m.type = MessageType::Response;
    m.payload = QByteArray(MaxFrameSize, 'x');
    QByteArray out;
    QString error;
    QVERIFY(!appendFrame(out, m, &error));
    QVERIFY2(error.contains(QLatin1String("limit")), qPrintable(error));
    QVERIFY(out.isEmpty());
}

void tst_Codec::emptyFrameRejected()
{
    LpmFrameReader reader(MaxFrameSize);
    reader.append(QByteArray(4, '\0'));
    quint8 type;
    QByteArrayView body;
    QCOMPARE(reader.next(&type, &body), LpmFrameReader::Status::Malformed);
}

void tst_Codec::unknownTypeRejected()
{
    Message out;
    QString error;
    QVERIFY(!decodeFrame(0, {}, &out, &error));
    QVERIFY(!decodeFrame(200, {}, &out, &error));
    QVERIFY2(error.contains(QLatin1String("unknown message type 200")), qPrintable(error));
}

void tst_Codec::undecodableBodyRejected_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("body");
    const QByteArray id = QByteArray("\x50", 1) + QByteArray(16, 'a');
    QTest::newRow("not an array") << int(MessageType::Health) << QByteArray("\x01\x02\x03", 3);
    QTest::newRow("hello: text for version") << int(MessageType::Hello) << QByteArray("\x82\x61x\x01", 4);
    // (one of another version decodes as far as its version, for the channel to name it)
    QTest::newRow("hello: too few fields") << int(MessageType::Hello)
                                           << QByteArray("\x81", 1) + char(ProtocolVersion);
    QTest::newRow("hello: version below qint64") << int(MessageType::Hello)
                                                 << QByteArray("\x83\x3b\x80\0\0\0\0\0\0\0\x01\x40", 12);
    QTest::newRow("health: rss above qint64") << int(MessageType::Health)
                                              << QByteArray("\x83\x1b\xff\xff\xff\xff\xff\xff\xff\xff\x01\x01", 12);
    QTest::newRow("ready: too many fields") << int(MessageType::Ready) << QByteArray("\x81\x01", 2);
    const QByteArray response = QByteArray("\x83", 1) + id + QByteArray("\x00", 1); // id, no attachment
    QTest::newRow("request: short id") << int(MessageType::Request) << QByteArray("\x85\x42\x01\x02\x00\x00\x40\xf6", 8);
    QTest::newRow("request: missing payload") << int(MessageType::Request) << (QByteArray("\x85", 1) + id + QByteArray("\x01\x00\x40", 3));
    QTest::newRow("request: unknown attachment") << int(MessageType::Request) << (QByteArray("\x85", 1) + id + QByteArray("\x01\x07\x40\xf6", 4));
    QTest::newRow("response: invalid CBOR") << int(MessageType::Response) << (response + QByteArray("\xff", 1));
    QTest::newRow("response: map with int key") << int(MessageType::Response) << (response + QByteArray("\xa1\x01\x02", 3));
    QTest::newRow("response: unknown tag") << int(MessageType::Response) << (response + QByteArray("\xd8\x99\x01", 3));
    QTest::newRow("response: truncated string") << int(MessageType::Response) << (response + QByteArray("\x65" "ab", 3));
    QTest::newRow("response: invalid UTF-8") << int(MessageType::Response) << (response + QByteArray("\x62\xc3\x28", 3));
    QTest::newRow("response: array announcing 2^32 items") << int(MessageType::Response) << (response + QByteArray("\x9a\xff\xff\xff\xff", 5));
    QTest::newRow("health: strings") << int(MessageType::Health) << QByteArray("\x83\x61x\x61y\x61z", 7);
}

void tst_Codec::undecodableBodyRejected()
{
    QFETCH(int, type);
    QFETCH(QByteArray, body);
    Message out;
    QString error;
    QVERIFY(!decodeFrame(quint8(type), body, &out, &error));
    QVERIFY(error.startsWith(QLatin1String("undecodable")));
}

void tst_Codec::trailingBytesRejected()
{
    Message m;
    m.type = MessageType::Health;
    QByteArray frame = frameOf(m);
    QByteArray body = frame.mid(5) + QByteArray("\x01", 1);
    Message out;
    QString error;
    QVERIFY(!decodeFrame(quint8(MessageType::Health), body, &out, &error));
    const QByteArray ready = rawFrame(quint8(MessageType::Ready), QByteArray("\x80\x00", 2));
    QVERIFY(!decodeFrame(quint8(MessageType::Ready), QByteArrayView(ready).sliced(5), &out, &error));
    QVERIFY(decodeFrame(quint8(MessageType::Ready), QByteArrayView(ready).sliced(5, 1), &out, &error));
}

void tst_Codec::uuidsAreVersion4AndDistinct()
{
    QSet<QUuid> seen;
    for (int i = 0; i < 10000; ++i) {
        const QUuid id = LpmUuid::createV4();
        QCOMPARE(id.version(), QUuid::Random);
        QCOMPARE(id.variant(), QUuid::DCE);
        seen.insert(id);
        char bytes[16];
        LpmUuid::toRfc4122(id, bytes);
        QCOMPARE(QByteArray(bytes, 16), id.toRfc4122());
    }
    QCOMPARE(seen.size(), 10000);
}

// CBOR other writers may produce, decoded from its bytes: the reader is not tied to
// what LpmCborWriter happens to write.
void tst_Codec::rawCborDecodes_data()
{
    QTest::addColumn<QByteArray>("cbor");
    QTest::addColumn<QVariant>("expected");
    QTest::newRow("half float 1.0") << QByteArray("\xf9\x3c\x00", 3) << QVariant(1.0);
    QTest::newRow("half float -2.5") << QByteArray("\xf9\xc1\x00", 3) << QVariant(-2.5);
    QTest::newRow("single float 1.5") << QByteArray("\xfa\x3f\xc0\x00\x00", 5) << QVariant(1.5f);
    QTest::newRow("undefined") << QByteArray("\xf7", 1) << QVariant();
    QTest::newRow("integer in a longer head than needed") << QByteArray("\x1b\0\0\0\0\0\0\0\x05", 9)
                                                          << QVariant(5);
    QTest::newRow("negative in one byte") << QByteArray("\x38\xff", 2) << QVariant(-256);
    QTest::newRow("empty map") << QByteArray("\xa0", 1) << QVariant(QVariantMap());
    QTest::newRow("text with a two-byte length") << (QByteArray("\x79\x00\x03", 3) + "abc")
                                                 << QVariant(QStringLiteral("abc"));
}

void tst_Codec::rawCborDecodes()
{
    QFETCH(QByteArray, cbor);
    QFETCH(QVariant, expected);
    QVariant value;
    QString error;
    QVERIFY2(LpmPayloadCodec::decode(cbor, &value, &error), qPrintable(error));
    QCOMPARE(value, expected);
}

void tst_Codec::rawCborRefused_data()
{
    QTest::addColumn<QByteArray>("cbor");
    QTest::addColumn<QString>("reason");
    QTest::newRow("indefinite array") << QByteArray("\x9f\x01\xff", 3) << QStringLiteral("invalid CBOR item");
    QTest::newRow("indefinite text") << QByteArray("\x7f\x61\x61\xff", 4) << QStringLiteral("invalid CBOR item");
    QTest::newRow("a lone break") << QByteArray("\xff", 1) << QStringLiteral("invalid CBOR item");
    QTest::newRow("reserved head") << QByteArray("\x1c", 1) << QStringLiteral("invalid CBOR item");
    QTest::newRow("head cut short") << QByteArray("\x1a\x00\x01", 3) << QStringLiteral("invalid CBOR item");
    QTest::newRow("text longer than the data") << QByteArray("\x65" "abc", 4) << QStringLiteral("truncated text string");
    QTest::newRow("bytes longer than the data") << QByteArray("\x5a\xff\xff\xff\xff\x00", 6)
                                                << QStringLiteral("truncated byte string");
    QTest::newRow("array longer than the data") << QByteArray("\x9b\x7f\xff\xff\xff\xff\xff\xff\xff", 9)
                                                << QStringLiteral("longer than its frame");
    QTest::newRow("map longer than the data") << QByteArray("\xa3\x61\x61\x01", 4) << QStringLiteral("longer than its frame");
    QTest::newRow("map key not text") << QByteArray("\xa1\x01\x02", 3) << QStringLiteral("map key");
    QTest::newRow("text not UTF-8") << QByteArray("\x62\xc3\x28", 3) << QStringLiteral("not UTF-8");
    QTest::newRow("simple value 24") << QByteArray("\xf8\x20", 2) << QStringLiteral("simple type");
    QTest::newRow("negative below qint64") << QByteArray("\x3b\x80\0\0\0\0\0\0\0", 9)
                                           << QStringLiteral("below the 64-bit range");
    QTest::newRow("unknown tag") << QByteArray("\xc2\x41\x01", 3) << QStringLiteral("unsupported CBOR tag 2");
    QTest::newRow("array cut short") << QByteArray("\x83\x01\x02", 3) << QStringLiteral("longer than its frame");
    QTest::newRow("array item missing") << QByteArray("\x82\x81\x01", 3) << QStringLiteral("invalid CBOR item");
}

void tst_Codec::rawCborRefused()
{
    QFETCH(QByteArray, cbor);
    QFETCH(QString, reason);
    QVariant value;
    QString error;
    QVERIFY(!LpmPayloadCodec::decode(cbor, &value, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_Codec)
#include "tst_codec.moc"
