// LpmFdChannel over a SEQPACKET socketpair, without processes: descriptors travel
// whole with their message, malformed datagrams drop the peer and leak nothing, a
// stalled reader never blocks the sender, and reading can pause.

#include "lpmfdchannel_p.h"
#include "lpmipctesthelpers.h"

#include <QtCore/qcoreapplication.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <cstring>
#include <memory>

#include <fcntl.h>
#include <sys/socket.h>

Q_DECLARE_METATYPE(LpmFdChannel::Message)

using LpmIpcTest::openDescriptors;
using LpmIpcTest::peerClosed;
using LpmIpcTest::socketPair;

namespace {

constexpr int WaitMs = 20000;

// Sends one raw datagram carrying fds (any number) on fd.
void sendRaw(int fd, const QByteArray &datagram, const std::vector<int> &fds)
{
    struct iovec iov = { const_cast<char *>(datagram.constData()), size_t(datagram.size()) };
    struct msghdr msg;
    std::memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
    if (!fds.empty()) {
        msg.msg_control = control.data();
        msg.msg_controllen = control.size();
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
    }
    QCOMPARE(::sendmsg(fd, &msg, 0), ssize_t(datagram.size()));
}

} // namespace

class tst_FdChannel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<LpmFdChannel::Message>(); }
    void descriptorTravelsWithItsMessage();
    void malformedDatagramDropsThePeerAndLeaksNothing_data();
    void malformedDatagramDropsThePeerAndLeaksNothing();
    void stalledReaderNeverBlocksTheSender();
    void pausedReadingResumes();
    void oversizedBodyRefused();
};

void tst_FdChannel::descriptorTravelsWithItsMessage()
{
    const auto pair = socketPair(SOCK_SEQPACKET);
    LpmFdChannel sender(pair.a), receiver(pair.b);
    QSignalSpy received(&receiver, &LpmFdChannel::received);
    const auto carried = socketPair(SOCK_STREAM);
    const QUuid id = QUuid::createUuid();
    QVERIFY(sender.send({ LpmFdChannel::Kind::Socket, id, "body" }, carried.b));
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, WaitMs);
    const auto message = received.at(0).at(0).value<LpmFdChannel::Message>();
    const int fd = received.at(0).at(1).toInt();
    QCOMPARE(message.kind, LpmFdChannel::Kind::Socket);
    QCOMPARE(message.id, id);
    QCOMPARE(message.body, QByteArray("body"));
    QVERIFY(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
    QCOMPARE(::write(fd, "y", 1), ssize_t(1));
    char byte = 0;
    QCOMPARE(::read(carried.a, &byte, 1), ssize_t(1));
    QCOMPARE(byte, 'y');
    ::close(fd);
    ::close(carried.a);
}

void tst_FdChannel::malformedDatagramDropsThePeerAndLeaksNothing_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<int>("descriptors");
    const QByteArray header = char(LpmFdChannel::Kind::Stream) + QByteArray(16, '\0');
    QTest::newRow("shorter than a header") << QByteArray("abc") << 1;
    QTest::newRow("two descriptors") << header << 2;
    QTest::newRow("unknown kind") << char(99) + QByteArray(16, '\0') << 1;
    QTest::newRow("kind zero") << QByteArray(17, '\0') << 1;
}

void tst_FdChannel::malformedDatagramDropsThePeerAndLeaksNothing()
{
    QFETCH(QByteArray, datagram);
    QFETCH(int, descriptors);
    const auto pair = socketPair(SOCK_SEQPACKET);
    auto receiver = std::make_unique<LpmFdChannel>(pair.b);
    QSignalSpy errors(receiver.get(), &LpmFdChannel::protocolError);
    QSignalSpy received(receiver.get(), &LpmFdChannel::received);
    std::vector<int> ours, theirs;
    for (int i = 0; i < descriptors; ++i) {
        const auto carried = socketPair(SOCK_STREAM);
        ours.push_back(carried.a);
        theirs.push_back(carried.b);
    }
    sendRaw(pair.a, datagram, theirs);
    for (int fd : theirs)
        ::close(fd); // only the receiver's copies are left
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, WaitMs);
    QCOMPARE(received.count(), 0);
    QVERIFY(!receiver->isOpen());
    for (int fd : ours) {
        QTRY_VERIFY_WITH_TIMEOUT(peerClosed(fd), WaitMs); // the receiver closed them all
        ::close(fd);
    }
    ::close(pair.a);
}

void tst_FdChannel::stalledReaderNeverBlocksTheSender()
{
    const auto pair = socketPair(SOCK_SEQPACKET); // pair.b is never read
    const int before = openDescriptors();
    {
        LpmFdChannel sender(pair.a);
        for (int i = 0; i < 2000; ++i) { // far more than the socket buffer takes
            const auto carried = socketPair(SOCK_STREAM);
            ::close(carried.a);
            QVERIFY(sender.send({ LpmFdChannel::Kind::Stream, QUuid::createUuid(), QByteArray(1024, 'b') },
                                carried.b));
        }
        // Returned at once; what did not fit waits in the queue, owned by the channel.
    }
    // Closing the channel closed what it still held.
    QCOMPARE(openDescriptors(), before - 1);
    ::close(pair.b);
}

void tst_FdChannel::pausedReadingResumes()
{
    const auto pair = socketPair(SOCK_SEQPACKET);
    LpmFdChannel sender(pair.a), receiver(pair.b);
    QSignalSpy received(&receiver, &LpmFdChannel::received);
    receiver.setReadingPaused(true);
    const auto carried = socketPair(SOCK_STREAM);
    sender.send({ LpmFdChannel::Kind::Stream, QUuid::createUuid(), {} }, carried.b);
    receiver.drain();
    QTest::qWait(50);
    QCOMPARE(received.count(), 0);
    receiver.setReadingPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, WaitMs);
    ::close(received.at(0).at(1).toInt());
    ::close(carried.a);
}

void tst_FdChannel::oversizedBodyRefused()
{
    const auto pair = socketPair(SOCK_SEQPACKET);
    LpmFdChannel sender(pair.a);
    const auto carried = socketPair(SOCK_STREAM);
    QVERIFY(!sender.send({ LpmFdChannel::Kind::Server, {}, QByteArray(LpmFdChannel::MaxBodySize + 1, 'x') },
                         carried.b));
    QTRY_VERIFY_WITH_TIMEOUT(peerClosed(carried.a), WaitMs); // the descriptor was closed
    ::close(carried.a);
    ::close(pair.b);
}

QTEST_GUILESS_MAIN(tst_FdChannel)
#include "tst_fdchannel.moc"
