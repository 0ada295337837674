// LpmEndpoint over socketpairs, without processes: a message and its descriptor in
// either order, descriptors nobody wants, socket handovers, bounds on what is held,
// streams both ways with honest ends, and a plain byte stream as the transport.

#include "lpmchannel_p.h"
#include "lpmendpoint_p.h"
#include "lpmfdchannel_p.h"
#include "lpmipctesthelpers.h"
#include "lpmstream_p.h"

#include <lpm/lpmstream.h>

#include <QtCore/qbuffer.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qpointer.h>
#include <QtCore/qprocess.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>
#include <vector>

Q_DECLARE_METATYPE(LpmIpc::Message)
Q_DECLARE_METATYPE(LpmEndpoint::Attached)

using namespace LpmIpc;
using LpmIpcTest::openDescriptors;
using LpmIpcTest::peerClosed;
using LpmIpcTest::readAllOf;
using LpmIpcTest::socketPair;

namespace {

constexpr int WaitMs = 20000;

// The receiving endpoint, and the raw channels that feed it, so that a test decides
// what arrives when.
struct Rig
{
    Rig()
    {
        const auto messages = socketPair(SOCK_STREAM);
        const auto descriptors = socketPair(SOCK_SEQPACKET);
        receiver = std::make_unique<LpmEndpoint>(messages.b, descriptors.b);
        channel.reset(LpmChannel::overSocket(messages.a));
        fds = std::make_unique<LpmFdChannel>(descriptors.a);
        QObject::connect(receiver.get(), &LpmEndpoint::messageReceived,
                         [this](const Message &m, const LpmEndpoint::Attached &a) {
                             received.push_back(m);
                             attached.push_back(a);
                         });
    }
    ~Rig()
    {
        for (const LpmEndpoint::Attached &a : attached) {
            delete a.stream;
            if (a.socket >= 0)
                ::close(a.socket);
        }
    }
    // Written out at once, not at the next event-loop pass as usual.
    void send(const Message &message)
    {
        channel->send(message);
        channel->flushBlocking(WaitMs);
    }
    void sendDescriptor(LpmFdChannel::Kind kind, const QUuid &id, int fd)
    {
        fds->send({ kind, id, {} }, fd);
    }

    std::unique_ptr<LpmEndpoint> receiver;
    std::unique_ptr<LpmChannel> channel;
    std::unique_ptr<LpmFdChannel> fds;
    std::vector<Message> received;
    std::vector<LpmEndpoint::Attached> attached;
};

// One end of a fresh stream socketpair whose other end has written bytes and closed.
int streamOf(const QByteArray &bytes)
{
    const auto pair = socketPair(SOCK_STREAM);
    if (!bytes.isEmpty() && ::write(pair.a, bytes.constData(), size_t(bytes.size())) != bytes.size())
        qFatal("short write");
    ::close(pair.a);
    return pair.b;
}

Message withStream(const QUuid &id)
{
    Message m = Message::response(id, QByteArray("\xf6", 1));
    m.attachment = Attachment::Stream;
    return m;
}

} // namespace

class tst_Endpoint : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void streamWhoseDescriptorComesFirst();
    void streamWhoseMessageComesFirst();
    void descriptorOfAStreamGoneIsClosed();
    void socketArrivesOnlyWithItsDescriptor();
    void discardedSocketIsClosedOnArrival();
    void loneDescriptorsAreBounded();
    void handoversAheadOfTheirDescriptorsAllArrive();
    void anEndThatTakesNoSocketsRefusesOne();
    void streamEndForAnUnknownIdLeavesNothing();
    void badDescriptorMessageIsAProtocolError();
    void streamsBothWaysEndHonestly();
    void abortedStreamEndsWithAnError();
    void byteStreamTransportCarriesMessages();
    void byteStreamTransportStopsASenderNobodyReads();
};

void tst_Endpoint::initTestCase()
{
    qRegisterMetaType<LpmIpc::Message>();
    qRegisterMetaType<LpmEndpoint::Attached>();
}

void tst_Endpoint::streamWhoseDescriptorComesFirst()
{
    Rig rig;
    const QUuid id = QUuid::createUuid();
    rig.sendDescriptor(LpmFdChannel::Kind::Stream, id, streamOf("first the bytes"));
    rig.receiver->drain();
    QVERIFY(rig.received.empty()); // a descriptor alone delivers nothing
    rig.send(withStream(id));
    rig.receiver->drain();
    QCOMPARE(rig.received.size(), size_t(1));
    QVERIFY(rig.attached.at(0).stream);
    LpmStreamPrivate::setEnd(rig.attached.at(0).stream, true, {});
    QCOMPARE(readAllOf(rig.attached.at(0).stream), QByteArray("first the bytes"));
}

void tst_Endpoint::streamWhoseMessageComesFirst()
{
    Rig rig;
    const QUuid id = QUuid::createUuid();
    rig.send(withStream(id));
    rig.send(Message::streamEnd(id, true, {})); // the sender's word comes early too
    rig.receiver->drain();
    QCOMPARE(rig.received.size(), size_t(1));
    LpmStream *stream = rig.attached.at(0).stream;
    QVERIFY(stream);
    QVERIFY(!stream->isFinished()); // its bytes have not come
    rig.sendDescriptor(LpmFdChannel::Kind::Stream, id, streamOf("then the bytes"));
    QCOMPARE(readAllOf(stream), QByteArray("then the bytes"));
    QVERIFY(stream->isFinished());
}

void tst_Endpoint::descriptorOfAStreamGoneIsClosed()
{
    Rig rig;
    const QUuid id = QUuid::createUuid();
    rig.send(withStream(id));
    rig.receiver->drain();
    QCOMPARE(rig.received.size(), size_t(1));
    delete std::exchange(rig.attached.at(0).stream, nullptr); // nobody reads it any more
    const auto pair = socketPair(SOCK_STREAM);
    const int before = openDescriptors();
    rig.sendDescriptor(LpmFdChannel::Kind::Stream, id, pair.b); // the channel closes our copy
    QTRY_VERIFY_WITH_TIMEOUT(peerClosed(pair.a), WaitMs);       // and the receiver closed its
    QCOMPARE(openDescriptors(), before - 1);
    ::close(pair.a);
}

void tst_Endpoint::socketArrivesOnlyWithItsDescriptor()
{
    Rig rig;
    const QUuid id = QUuid::createUuid();
    Message request = Message::request(id, 1, QByteArray("\xf6", 1));
    request.attachment = Attachment::Socket;
    request.prelude = "already read";
    rig.send(request);
    rig.receiver->drain();
    QVERIFY(rig.received.empty());
    const auto pair = socketPair(SOCK_STREAM);
    rig.sendDescriptor(LpmFdChannel::Kind::Socket, id, pair.b);
    QTRY_COMPARE_WITH_TIMEOUT(rig.received.size(), size_t(1), WaitMs);
    QCOMPARE(rig.received.at(0).prelude, QByteArray("already read"));
    const int socket = rig.attached.at(0).socket;
    QVERIFY(socket >= 0);
    QCOMPARE(::write(socket, "x", 1), ssize_t(1));
    char byte = 0;
    QCOMPARE(::read(pair.a, &byte, 1), ssize_t(1)); // the same connection
    ::close(pair.a);
}

void tst_Endpoint::discardedSocketIsClosedOnArrival()
{
    Rig rig;
    const QUuid id = QUuid::createUuid();
    Message request = Message::request(id, 1, QByteArray("\xf6", 1));
    request.attachment = Attachment::Socket;
    rig.send(request);
    rig.receiver->drain();
    QVERIFY(rig.receiver->discard(id));
    QVERIFY(!rig.receiver->discard(id));
    const auto pair = socketPair(SOCK_STREAM);
    rig.sendDescriptor(LpmFdChannel::Kind::Socket, id, pair.b);
    QTRY_VERIFY_WITH_TIMEOUT(peerClosed(pair.a), WaitMs);
    QVERIFY(rig.received.empty());
    ::close(pair.a);
}

void tst_Endpoint::loneDescriptorsAreBounded()
{
    Rig rig;
    const int before = openDescriptors();
    const int sent = LpmAttachmentTable::MaxHeld + 6;
    std::vector<QUuid> ids;
    for (int i = 0; i < sent; ++i) {
        ids.push_back(QUuid::createUuid());
        rig.sendDescriptor(LpmFdChannel::Kind::Stream, ids.back(), streamOf(QByteArray::number(i)));
    }
    // Ours are closed once sent; the receiver holds at most MaxHeld, the rest wait in
    // the kernel, counted against the sender.
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(), before + LpmAttachmentTable::MaxHeld, WaitMs);
    QTest::qWait(50);
    QCOMPARE(openDescriptors(), before + LpmAttachmentTable::MaxHeld);
    // Their messages come: every stream gets its bytes, those held and those waiting.
    for (const QUuid &id : ids)
        rig.channel->send(withStream(id));
    QTRY_COMPARE_WITH_TIMEOUT(rig.received.size(), size_t(sent), WaitMs);
    for (int i = 0; i < sent; ++i) {
        LpmStreamPrivate::setEnd(rig.attached.at(size_t(i)).stream, true, {});
        QCOMPARE(readAllOf(rig.attached.at(size_t(i)).stream), QByteArray::number(i));
    }
}

void tst_Endpoint::handoversAheadOfTheirDescriptorsAllArrive()
{
    // Messages outrun descriptors in a burst: beyond MaxHeld waiting handovers the
    // endpoint stops reading messages until their descriptors are in, and loses none.
    Rig rig;
    const int sent = 3 * LpmAttachmentTable::MaxHeld;
    std::vector<QUuid> ids;
    std::vector<int> far;
    for (int i = 0; i < sent; ++i) {
        ids.push_back(QUuid::createUuid());
        Message request = Message::request(ids.back(), i, QByteArray("\xf6", 1));
        request.attachment = Attachment::Socket;
        rig.channel->send(request);
    }
    rig.channel->flushBlocking(WaitMs);
    rig.receiver->drain();
    QTest::qWait(50);
    QVERIFY(rig.received.empty());
    QVERIFY(rig.receiver->isConnected());
    for (const QUuid &id : ids) {
        const auto pair = socketPair(SOCK_STREAM);
        far.push_back(pair.a);
        rig.sendDescriptor(LpmFdChannel::Kind::Socket, id, pair.b);
    }
    QTRY_COMPARE_WITH_TIMEOUT(rig.received.size(), size_t(sent), WaitMs);
    for (int i = 0; i < sent; ++i) {
        QCOMPARE(rig.received.at(size_t(i)).id, ids.at(size_t(i)));
        QVERIFY(rig.attached.at(size_t(i)).socket >= 0);
    }
    for (int fd : far)
        ::close(fd);
}

void tst_Endpoint::anEndThatTakesNoSocketsRefusesOne()
{
    Rig rig;
    rig.receiver->setAcceptsSockets(false);
    QSignalSpy failed(rig.receiver.get(), &LpmEndpoint::protocolError);
    Message back = Message::response(QUuid::createUuid(), QByteArray("\xf6", 1));
    back.attachment = Attachment::Socket;
    rig.send(back);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, WaitMs);
    QVERIFY(failed.first().at(0).toString().contains(QLatin1String("takes none")));
    QVERIFY(rig.received.empty());
}

void tst_Endpoint::streamEndForAnUnknownIdLeavesNothing()
{
    Rig rig;
    QSignalSpy errors(rig.receiver.get(), &LpmEndpoint::protocolError);
    for (int i = 0; i < 1000; ++i) // through the event loop: more than a socket buffer
        rig.channel->send(Message::streamEnd(QUuid::createUuid(), i % 2, QStringLiteral("late")));
    rig.channel->send(Message::control(MessageType::Ready));
    QTRY_COMPARE_WITH_TIMEOUT(rig.received.size(), size_t(1), WaitMs);
    QCOMPARE(errors.count(), 0);
}

void tst_Endpoint::badDescriptorMessageIsAProtocolError()
{
    const auto messages = socketPair(SOCK_STREAM);
    const auto descriptors = socketPair(SOCK_SEQPACKET);
    LpmEndpoint receiver(messages.b, descriptors.b);
    QSignalSpy errors(&receiver, &LpmEndpoint::protocolError);
    QCOMPARE(::send(descriptors.a, "abc", 3, 0), ssize_t(3)); // shorter than any header
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, WaitMs);
    QVERIFY(!receiver.isConnected());
    ::close(messages.a);
    ::close(descriptors.a);
}

void tst_Endpoint::streamsBothWaysEndHonestly()
{
    const auto messages = socketPair(SOCK_STREAM);
    const auto descriptors = socketPair(SOCK_SEQPACKET);
    LpmEndpoint a(messages.a, descriptors.a);
    LpmEndpoint b(messages.b, descriptors.b);
    QSignalSpy received(&b, &LpmEndpoint::messageReceived);
    QSignalSpy outgoingDone(&a, &LpmEndpoint::outgoingStreamFinished);
    QByteArray bytes(3 * 1024 * 1024 + 17, Qt::Uninitialized);
    for (qsizetype i = 0; i < bytes.size(); ++i)
        bytes[i] = char(i * 31);
    QBuffer source(&bytes);
    source.open(QIODevice::ReadOnly);
    const QUuid id = QUuid::createUuid();
    QVERIFY(a.sendWithStream(Message::response(id, QByteArray("\xf6", 1)), &source,
                             LpmEndpoint::Source::Borrowed));
    QCOMPARE(a.outgoingStreamCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, WaitMs);
    const auto attached = received.at(0).at(1).value<LpmEndpoint::Attached>();
    std::unique_ptr<LpmStream> stream(attached.stream);
    QVERIFY(stream);
    QCOMPARE(readAllOf(stream.get()), bytes);
    QVERIFY(stream->isFinished());
    QTRY_COMPARE_WITH_TIMEOUT(outgoingDone.count(), 1, WaitMs);
    QCOMPARE(a.outgoingStreamCount(), 0);
}

void tst_Endpoint::abortedStreamEndsWithAnError()
{
    const auto messages = socketPair(SOCK_STREAM);
    const auto descriptors = socketPair(SOCK_SEQPACKET);
    LpmEndpoint a(messages.a, descriptors.a);
    LpmEndpoint b(messages.b, descriptors.b);
    QSignalSpy received(&b, &LpmEndpoint::messageReceived);
    QByteArray endless(64 * 1024 * 1024, 'z'); // far more than the kernel buffers
    QBuffer source(&endless);
    source.open(QIODevice::ReadOnly);
    const QUuid id = QUuid::createUuid();
    QVERIFY(a.sendWithStream(Message::response(id, QByteArray("\xf6", 1)), &source,
                             LpmEndpoint::Source::Borrowed));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, WaitMs);
    std::unique_ptr<LpmStream> stream(received.at(0).at(1).value<LpmEndpoint::Attached>().stream);
    QSignalSpy failed(stream.get(), &LpmStream::errorOccurred);
    a.abortStream(id, QStringLiteral("The request timed out."));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, WaitMs);
    QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("The request timed out."));
    QVERIFY(!stream->isFinished());
}

void tst_Endpoint::byteStreamTransportCarriesMessages()
{
    // cat sends back what it gets: our own frames, hello first, over plain pipes.
    auto *cat = new QProcess;
    cat->start(QStringLiteral("cat"));
    QVERIFY(cat->waitForStarted(WaitMs));
    LpmEndpoint endpoint(cat);
    QVERIFY(!endpoint.canPassDescriptors());
    QSignalSpy received(&endpoint, &LpmEndpoint::messageReceived);
    for (int i = 0; i < 100; ++i)
        QVERIFY(endpoint.send(Message::health(i, i, i)));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 100, WaitMs);
    QCOMPARE(endpoint.peerPid(), QCoreApplication::applicationPid());
    // No descriptor crosses it: a stream goes as chunks, its credit comes back. Through
    // cat we are both ends: the chunks come back to our own stream, and the credit our
    // reading side returns comes back to our sending side, so more than one window's
    // worth crossing proves the flow control.
    QByteArray bytes(3 * StreamWindow + 12345, Qt::Uninitialized);
    for (qsizetype i = 0; i < bytes.size(); ++i)
        bytes[i] = char(i * 13 + i / 7);
    QBuffer source(&bytes);
    source.open(QIODevice::ReadOnly);
    QString error;
    QSignalSpy sent(&endpoint, &LpmEndpoint::outgoingStreamFinished);
    const QUuid id = QUuid::createUuid();
    QVERIFY2(endpoint.sendWithStream(Message::response(id, QByteArray("\xf6", 1)), &source,
                                     LpmEndpoint::Source::Borrowed, &error),
             qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 101, WaitMs);
    const auto attached = received.last().at(1).value<LpmEndpoint::Attached>();
    std::unique_ptr<LpmStream> stream(attached.stream);
    QVERIFY(stream);
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += stream->readAll(), stream->isFinished() || stream->hasError()), WaitMs);
    got += stream->readAll();
    QVERIFY2(!stream->hasError(), qPrintable(stream->errorString()));
    QCOMPARE(got.size(), bytes.size());
    QVERIFY(got == bytes);
    QTRY_COMPARE_WITH_TIMEOUT(sent.count(), 1, WaitMs);
    QCOMPARE(endpoint.outgoingStreamCount(), 0);
    endpoint.close(QString());
    cat->waitForFinished(WaitMs);
}

void tst_Endpoint::byteStreamTransportStopsASenderNobodyReads()
{
    // The reading side holds its stream but never reads: the sender stops at the window
    // plus what the kernel buffers, however long its source is.
    auto *cat = new QProcess;
    cat->start(QStringLiteral("cat"));
    QVERIFY(cat->waitForStarted(WaitMs));
    LpmEndpoint endpoint(cat);
    QSignalSpy received(&endpoint, &LpmEndpoint::messageReceived);
    QByteArray bytes(64 * StreamWindow, 'x');
    QBuffer source(&bytes);
    source.open(QIODevice::ReadOnly);
    QVERIFY(endpoint.sendWithStream(Message::response(QUuid::createUuid(), QByteArray("\xf6", 1)), &source,
                                    LpmEndpoint::Source::Borrowed));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, WaitMs);
    std::unique_ptr<LpmStream> stream(received.last().at(1).value<LpmEndpoint::Attached>().stream);
    QVERIFY(stream);
    // Let the pipeline fill up: once it stalls, the source position stops moving (for
    // 20 polls in a row, a second: a scheduling pause on a loaded machine is shorter).
    qint64 position = -1;
    int still = 0;
    QTRY_VERIFY_WITH_TIMEOUT((still = std::exchange(position, source.pos()) == source.pos() && position > 0
                                      ? still + 1
                                      : 0) >= 20,
                             WaitMs);
    QVERIFY2(source.pos() < 16 * StreamWindow, qPrintable(QString::number(source.pos())));
    // Closing the reader lets the sender stop: its stream ends, with an error.
    QSignalSpy sent(&endpoint, &LpmEndpoint::outgoingStreamFinished);
    stream.reset();
    QTRY_COMPARE_WITH_TIMEOUT(sent.count(), 1, WaitMs);
    endpoint.close(QString());
    cat->waitForFinished(WaitMs);
}

QTEST_GUILESS_MAIN(tst_Endpoint)
#include "tst_endpoint.moc"
