// LpmStreamPump without processes: bounded memory against a reader that does not
// read, every byte once it does, and honest ends for failing sources.

#include "lpmipctesthelpers.h"
#include "lpmstreampump_p.h"

#include <QtCore/qbuffer.h>
#include <QtCore/qcoreapplication.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <cstring>
#include <thread>

#include <poll.h>

using LpmIpcTest::socketPair;

namespace {

constexpr int WaitMs = 20000;

// A source that yields `good` bytes, then fails.
class FailingDevice : public QIODevice
{
public:
    explicit FailingDevice(qint64 good) : m_left(good) { open(QIODevice::ReadOnly); }
    bool isSequential() const override { return false; }
    qint64 size() const override { return 1 << 30; }
    bool atEnd() const override { return false; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        if (m_left <= 0) {
            setErrorString(QStringLiteral("the disk went away"));
            return -1;
        }
        const qint64 n = qMin(maxSize, m_left);
        std::memset(data, 'f', size_t(n));
        m_left -= n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    qint64 m_left;
};

QByteArray readEverything(int fd)
{
    QByteArray all;
    char buffer[65536];
    for (;;) {
        struct pollfd readable = { fd, POLLIN, 0 };
        ::poll(&readable, 1, 10);
        const ssize_t n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n == 0)
            return all;
        if (n > 0)
            all.append(buffer, n);
        QCoreApplication::processEvents(); // the pump runs in this thread
    }
}

} // namespace

class tst_StreamPump : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void slowReaderHoldsTheSourceBack();
    void failingSourceEndsWithItsError();
    void abortStopsAtOnce();
    void finishBlockingCopiesTheRest();
};

void tst_StreamPump::slowReaderHoldsTheSourceBack()
{
    QByteArray bytes(64 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < bytes.size(); i += 4096)
        bytes[i] = char(i / 4096);
    QBuffer source(&bytes);
    source.open(QIODevice::ReadOnly);
    const auto pair = socketPair(SOCK_STREAM);
    LpmStreamPump pump(&source, pair.a);
    QSignalSpy finished(&pump, &LpmStreamPump::finished);
    pump.start();
    for (int i = 0; i < 20; ++i)
        QCoreApplication::processEvents(); // nobody reads
    // Copied: what the kernel buffers plus one chunk, nowhere near the whole source.
    QVERIFY2(pump.bytesCopied() < 16 * 1024 * 1024, qPrintable(QString::number(pump.bytesCopied())));
    QCOMPARE(finished.count(), 0);
    QCOMPARE(readEverything(pair.b), bytes);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, WaitMs);
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    ::close(pair.b);
}

void tst_StreamPump::failingSourceEndsWithItsError()
{
    FailingDevice source(300 * 1024);
    const auto pair = socketPair(SOCK_STREAM);
    LpmStreamPump pump(&source, pair.a);
    QSignalSpy finished(&pump, &LpmStreamPump::finished);
    pump.start();
    const QByteArray received = readEverything(pair.b);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, WaitMs);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("the disk went away"));
    QCOMPARE(received.size(), qsizetype(300 * 1024)); // what came before the failure
    ::close(pair.b);
}

void tst_StreamPump::abortStopsAtOnce()
{
    QByteArray bytes(32 * 1024 * 1024, 'a');
    QBuffer source(&bytes);
    source.open(QIODevice::ReadOnly);
    const auto pair = socketPair(SOCK_STREAM);
    LpmStreamPump pump(&source, pair.a);
    QSignalSpy finished(&pump, &LpmStreamPump::finished);
    pump.start();
    QCoreApplication::processEvents();
    pump.abort();
    QVERIFY(readEverything(pair.b).size() < bytes.size()); // end-of-file came early
    QCOMPARE(finished.count(), 0);
    ::close(pair.b);
}

void tst_StreamPump::finishBlockingCopiesTheRest()
{
    QByteArray bytes(8 * 1024 * 1024, 'q');
    QBuffer source(&bytes);
    source.open(QIODevice::ReadOnly);
    const auto pair = socketPair(SOCK_STREAM);
    LpmStreamPump pump(&source, pair.a);
    QSignalSpy finished(&pump, &LpmStreamPump::finished);
    // A reader in another thread, as the supervisor is another process.
    QByteArray received;
    std::thread reader([&] {
        char buffer[65536];
        ssize_t n;
        while ((n = ::read(pair.b, buffer, sizeof(buffer))) > 0)
            received.append(buffer, n);
    });
    QVERIFY(pump.finishBlocking(QDeadlineTimer(WaitMs)));
    reader.join();
    QCOMPARE(received, bytes);
    QCOMPARE(finished.count(), 1);
    ::close(pair.b);
}

QTEST_GUILESS_MAIN(tst_StreamPump)
#include "tst_streampump.moc"
