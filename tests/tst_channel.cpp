// LpmChannel over a socketpair, without processes: the hello, framing both ways,
// the limits, a peer that stops reading, and reading a gone peer's last words.

#include "lpmchannel_p.h"
#include "lpmframecodec_p.h"
#include "lpmipctesthelpers.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qendian.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <thread>

#include <sys/socket.h>
#include <sys/time.h>

Q_DECLARE_METATYPE(LpmIpc::Message)

using namespace LpmIpc;
using LpmIpcTest::socketPair;

namespace {

constexpr int WaitMs = 20000;

// The raw bytes of message as a frame.
QByteArray frame(const Message &message)
{
    QByteArray out;
    QString error;
    if (!appendFrame(out, message, &error))
        qFatal("cannot encode a test frame");
    return out;
}

void writeAll(int fd, const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        QVERIFY(n > 0);
        done += n;
    }
}

// Bytes that wait in the kernel for fd now (none: 0).
qsizetype waiting(int fd)
{
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    const ssize_t n = ::recv(fd, buffer.data(), size_t(buffer.size()), MSG_DONTWAIT | MSG_PEEK);
    return n > 0 ? qsizetype(n) : 0;
}

// The write notifier of the device under channel.
QSocketNotifier *writeNotifier(LpmChannel *channel)
{
    for (QSocketNotifier *notifier : channel->findChildren<QSocketNotifier *>()) {
        if (notifier->type() == QSocketNotifier::Write)
            return notifier;
    }
    return nullptr;
}

} // namespace

class tst_Channel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<LpmIpc::Message>(); }
    void helloThenMessagesInOrder();
    void coalescedAndSplitFramesAllArrive();
    void firstMessageMustBeHello_data();
    void firstMessageMustBeHello();
    void oversizedFrameIsAProtocolError();
    void nothingIsDeliveredAfterAnError();
    void peerThatStopsReadingIsReported();
    void drainDeliversAGonePeersLastWords();
    void aFailedWriteKeepsAGonePeersLastWords_data();
    void aFailedWriteKeepsAGonePeersLastWords();
    void whatAboutToFlushSendsLeavesWithIt();
    void aLoopThatNeverBlocksStillSends();
    void aSendFromAFlushLeavesBeforeTheLoopBlocks();
    void whatWaitsLeavesInTheThreadItMovedTo();
};

void tst_Channel::helloThenMessagesInOrder()
{
    const auto pair = socketPair(SOCK_STREAM);
    std::unique_ptr<LpmChannel> a(LpmChannel::overSocket(pair.a));
    std::unique_ptr<LpmChannel> b(LpmChannel::overSocket(pair.b));
    QSignalSpy hello(b.get(), &LpmChannel::helloReceived);
    QSignalSpy received(b.get(), &LpmChannel::messageReceived);
    for (int i = 0; i < 1000; ++i)
        QVERIFY(a->send(Message::health(i, 2 * i, 3 * i)));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1000, WaitMs);
    QCOMPARE(hello.count(), 1);
    QCOMPARE(hello.at(0).at(0).toLongLong(), QCoreApplication::applicationPid());
    QCOMPARE(b->peerPid(), QCoreApplication::applicationPid());
    for (int i = 0; i < 1000; ++i) {
        const auto m = received.at(i).at(0).value<Message>();
        QCOMPARE(m.type, MessageType::Health);
        QCOMPARE(m.rss, qint64(i));
        QCOMPARE(m.heapUsed, qint64(3 * i));
    }
}

void tst_Channel::coalescedAndSplitFramesAllArrive()
{
    const auto pair = socketPair(SOCK_STREAM);
    std::unique_ptr<LpmChannel> b(LpmChannel::overSocket(pair.b));
    QSignalSpy received(b.get(), &LpmChannel::messageReceived);
    // Two frames and half of a third in one write, the rest byte by byte.
    QByteArray bytes = frame(Message::hello(42)) + frame(Message::cancel(QUuid::createUuid()))
            + frame(Message::broadcast(QStringLiteral("name"), QByteArray("\xf6", 1)));
    const qsizetype half = bytes.size() - 5;
    writeAll(pair.a, bytes.left(half));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, WaitMs);
    for (qsizetype i = half; i < bytes.size(); ++i) {
        writeAll(pair.a, bytes.mid(i, 1));
        QCoreApplication::processEvents();
    }
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 2, WaitMs);
    QCOMPARE(received.at(1).at(0).value<Message>().name, QStringLiteral("name"));
    QCOMPARE(b->peerPid(), 42);
    ::close(pair.a);
}

void tst_Channel::firstMessageMustBeHello_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not a hello") << frame(Message::control(MessageType::Ready))
                                 << QStringLiteral("did not greet with an LPM hello (a ready message)");
    Message old = Message::hello(1);
    old.version = ProtocolVersion - 1;
    QTest::newRow("another version") << frame(old) << QStringLiteral("protocol version");
    // Version 5's hello had two fields, [version, pid]: still named by its version.
    QTest::newRow("version 5's layout") << QByteArray("\x04\x00\x00\x00\x01\x82\x05\x01", 8)
                                        << QStringLiteral("protocol version 5, expected %1").arg(ProtocolVersion);
    QTest::newRow("a second hello") << frame(Message::hello(1)) + frame(Message::hello(1))
                                    << QStringLiteral("a second hello");
}

void tst_Channel::firstMessageMustBeHello()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reason);
    const auto pair = socketPair(SOCK_STREAM);
    std::unique_ptr<LpmChannel> b(LpmChannel::overSocket(pair.b));
    QSignalSpy errors(b.get(), &LpmChannel::protocolError);
    QSignalSpy received(b.get(), &LpmChannel::messageReceived);
    writeAll(pair.a, bytes);
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, WaitMs);
    QVERIFY2(errors.at(0).at(0).toString().contains(reason), qPrintable(errors.at(0).at(0).toString()));
    QCOMPARE(received.count(), 0);
    ::close(pair.a);
}

void tst_Channel::oversizedFrameIsAProtocolError()
{
    const auto pair = socketPair(SOCK_STREAM);
    std::unique_ptr<LpmChannel> b(LpmChannel::overSocket(pair.b));
    QSignalSpy errors(b.get(), &LpmChannel::protocolError);
    char header[5];
    qToLittleEndian(quint32(MaxFrameSize + 1), header);
    header[4] = char(MessageType::Hello);
    writeAll(pair.a, QByteArray(header, sizeof(header)));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, WaitMs);
    QVERIFY(errors.at(0).at(0).toString().contains(QLatin1String("limit")));
    // A message over the limit is not even sent.
    QString error;
    QVERIFY(!b->send(Message::broadcast(QStringLiteral("big"), QByteArray(MaxFrameSize, 'x')), &error));
    QVERIFY(error.contains(QLatin1String("limit")));
    ::close(pair.a);
}

void tst_Channel::nothingIsDeliveredAfterAnError()
{
    const auto pair = socketPair(SOCK_STREAM);
    std::unique_ptr<LpmChannel> b(LpmChannel::overSocket(pair.b));
    QSignalSpy errors(b.get(), &LpmChannel::protocolError);
    QSignalSpy received(b.get(), &LpmChannel::messageReceived);
    // A good hello, a frame of an unknown type, then a good message.
    QByteArray unknown(5, '\0');
    qToLittleEndian(quint32(1), unknown.data());
    unknown[4] = char(200);
    writeAll(pair.a, frame(Message::hello(1)) + unknown + frame(Message::control(MessageType::Ready)));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, WaitMs);
    writeAll(pair.a, frame(Message::control(MessageType::Busy)));
    QTest::qWait(50); // nothing may arrive; there is no signal to wait for
    QCOMPARE(received.count(), 0);
    QCOMPARE(errors.count(), 1);
    ::close(pair.a);
}

void tst_Channel::peerThatStopsReadingIsReported()
{
    const auto pair = socketPair(SOCK_STREAM); // pair.a is never read
    std::unique_ptr<LpmChannel> b(LpmChannel::overSocket(pair.b));
    QSignalSpy backlog(b.get(), &LpmChannel::backlogExceeded);
    const QByteArray payload(MaxFrameSize - 2 * FrameOverhead, 'x');
    int sent = 0;
    while (backlog.isEmpty() && sent < 4) {
        QVERIFY(b->send(Message::broadcast(QStringLiteral("b"), payload)));
        ++sent;
    }
    QCOMPARE(backlog.count(), 1);
    QVERIFY(b->bytesToWrite() > LpmChannel::MaxBacklog);
    b->send(Message::control(MessageType::Ready));
    QCOMPARE(backlog.count(), 1); // once
    ::close(pair.a);
}

void tst_Channel::aFailedWriteKeepsAGonePeersLastWords_data()
{
    QTest::addColumn<bool>("drain");
    QTest::newRow("delivered by the loop") << false;
    QTest::newRow("delivered by drain()") << true;
}

// Writes leave before the loop polls, so a write to a peer that answered and exited
// can fail before its answers were read: they must still arrive, then the end.
void tst_Channel::aFailedWriteKeepsAGonePeersLastWords()
{
    QFETCH(bool, drain);
    const auto pair = socketPair(SOCK_STREAM);
    std::unique_ptr<LpmChannel> b(LpmChannel::overSocket(pair.b));
    QSignalSpy received(b.get(), &LpmChannel::messageReceived);
    QSignalSpy disconnected(b.get(), &LpmChannel::disconnected);
    QByteArray lastWords = frame(Message::hello(7));
    for (int i = 0; i < 500; ++i)
        lastWords += frame(Message::response(QUuid::createUuid(), QByteArray(1, char(i & 0x17))));
    writeAll(pair.a, lastWords);
    ::close(pair.a);
    QVERIFY(b->send(Message::control(MessageType::Ping)));
    b->flushNow(); // EPIPE (or ECONNRESET): the peer is gone
    QCOMPARE(b->bytesToWrite(), 0); // nothing kept for nobody
    if (drain)
        b->drain();
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 500, WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.count(), 1, WaitMs);
    QCOMPARE(received.count(), 500);
    QVERIFY(!b->isConnected());
}

void tst_Channel::drainDeliversAGonePeersLastWords()
{
    const auto pair = socketPair(SOCK_STREAM);
    std::unique_ptr<LpmChannel> b(LpmChannel::overSocket(pair.b));
    QSignalSpy received(b.get(), &LpmChannel::messageReceived);
    QByteArray lastWords = frame(Message::hello(7));
    for (int i = 0; i < 500; ++i)
        lastWords += frame(Message::response(QUuid::createUuid(), QByteArray(1, char(i & 0x17))));
    writeAll(pair.a, lastWords);
    ::close(pair.a); // the peer is gone before our event loop ever ran
    b->drain();       // no event loop in between
    QCOMPARE(received.count(), 500);
}

// What a slot of aboutToFlush() sends goes out in the write that follows, not later.
void tst_Channel::whatAboutToFlushSendsLeavesWithIt()
{
    const auto pair = socketPair(SOCK_STREAM);
    std::unique_ptr<LpmChannel> a(LpmChannel::overSocket(pair.a));
    int flushes = 0;
    connect(a.get(), &LpmChannel::aboutToFlush, a.get(), [&] {
        if (++flushes == 1)
            QVERIFY(a->send(Message::health(1, 2, 3)));
        a->flushNow(); // no recursion: the flush under way takes it
    });
    QSignalSpy written(a.get(), &LpmChannel::bytesWritten);
    QVERIFY(a->send(Message::control(MessageType::Ready)));
    a->flushNow();
    QCOMPARE(flushes, 1);
    QCOMPARE(written.count(), 1); // one write
    QCOMPARE(a->bytesToWrite(), 0);
    const qsizetype expected = frame(Message::hello(QCoreApplication::applicationPid())).size()
            + frame(Message::control(MessageType::Ready)).size() + frame(Message::health(1, 2, 3)).size();
    QCOMPARE(waiting(pair.b), expected);
    ::close(pair.b);
}

// Sends leave when the loop starts its next pass, also a pass that may not block
// (processEvents() without WaitForMoreEvents), with no write notifier involved.
void tst_Channel::aLoopThatNeverBlocksStillSends()
{
    const auto pair = socketPair(SOCK_STREAM);
    std::unique_ptr<LpmChannel> a(LpmChannel::overSocket(pair.a));
    QVERIFY(a->send(Message::control(MessageType::Ready)));
    QVERIFY(a->bytesToWrite() > 0); // only buffered so far
    QCOMPARE(waiting(pair.b), 0);
    QSocketNotifier *notifier = writeNotifier(a.get());
    QVERIFY(notifier);
    QVERIFY(!notifier->isEnabled()); // sending wakes nothing
    QCoreApplication::processEvents(); // one pass that does not block
    QCOMPARE(a->bytesToWrite(), 0);
    QVERIFY(waiting(pair.b) > 0);
    QVERIFY(!notifier->isEnabled());
    ::close(pair.b);
}

// A send made while the loop flushes before blocking (from a bytesWritten() handler,
// as the supervisor refills a worker whose backlog went down) comes after the hook
// that would take it: the loop must not block on it.
void tst_Channel::aSendFromAFlushLeavesBeforeTheLoopBlocks()
{
    const auto pair = socketPair(SOCK_STREAM);
    std::unique_ptr<LpmChannel> a(LpmChannel::overSocket(pair.a));
    const qsizetype first = frame(Message::hello(QCoreApplication::applicationPid())).size()
            + frame(Message::control(MessageType::Ready)).size();
    const qsizetype both = first + frame(Message::control(MessageType::Busy)).size();
    bool refilled = false;
    connect(a.get(), &LpmChannel::bytesWritten, a.get(), [&] {
        if (!std::exchange(refilled, true))
            QVERIFY(a->send(Message::control(MessageType::Busy)));
    });
    QVERIFY(a->send(Message::control(MessageType::Ready)));
    // A loop that blocks, left when the peer has read both; nothing in it wakes it.
    QEventLoop loop;
    QTimer::singleShot(WaitMs, &loop, &QEventLoop::quit);
    const timeval limit{ WaitMs / 1000, 0 };
    ::setsockopt(pair.b, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::atomic<qsizetype> received{ 0 };
    std::thread peer([&] {
        char buffer[4096];
        ssize_t n = 0;
        while (received < both && (n = ::recv(pair.b, buffer, sizeof buffer, 0)) > 0)
            received += n;
        QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
    });
    loop.exec();
    peer.join();
    QVERIFY(refilled);
    QCOMPARE(received.load(), both);
    QCOMPARE(a->bytesToWrite(), 0);
    ::close(pair.b);
}

// Bytes waiting when the channel moves to another thread leave from that thread's loop.
void tst_Channel::whatWaitsLeavesInTheThreadItMovedTo()
{
    const auto pair = socketPair(SOCK_STREAM);
    LpmChannel *a = LpmChannel::overSocket(pair.a);
    QVERIFY(a->send(Message::control(MessageType::Ready)));
    QThread thread;
    thread.start();
    a->moveToThread(&thread);
    const auto stop = qScopeGuard([&] { // also when a check fails
        QMetaObject::invokeMethod(a, [a] { delete a; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
        ::close(pair.b);
    });
    QTRY_VERIFY_WITH_TIMEOUT(waiting(pair.b) > 0, WaitMs);
}

QTEST_GUILESS_MAIN(tst_Channel)
#include "tst_channel.moc"
