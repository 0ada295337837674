// Large byte arrays in requests and answers: through each worker's shared memory
// (LpmWorkerConfig::sharedMemory) or, without it or when it is full, in the frame;
// the same values either way, whatever happens to the worker.

#include "lpmtesthelpers.h"

#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

using namespace LpmTest;

namespace {

QByteArray pattern(qsizetype size, int seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 31 + seed) ^ (i >> 9));
    return bytes;
}

LpmSupervisorConfig withSharedMemory(int workers, qint64 bytes, const QStringList &arguments = {})
{
    LpmSupervisorConfig config = configFor(workers, arguments);
    config.worker.sharedMemory = bytes;
    return config;
}

QVariant echoOf(const QFuture<LpmResponse> &future)
{
    return future.result().data().toMap().value(QStringLiteral("echo"));
}

} // namespace

class tst_LargePayloads : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void byteArraysRoundTrip_data();
    void byteArraysRoundTrip();
    void nestedArraysKeepTheirPlaces();
    void aFullRingFallsBackToTheFrame();
    void aCrashLosesNoByte();
    void theFrameLimitStillHolds();
};

void tst_LargePayloads::byteArraysRoundTrip_data()
{
    QTest::addColumn<qint64>("sharedMemory");
    QTest::addColumn<qsizetype>("size");
    for (const qint64 shared : { qint64(32) << 20, qint64(0) }) {
        for (const qsizetype size : { qsizetype(32 * 1024 - 1), qsizetype(32 * 1024), qsizetype(1) << 20,
                                      qsizetype(16) << 20 }) {
            QTest::addRow("%s, %lld bytes", shared ? "shared memory" : "socket only", qlonglong(size))
                    << shared << size;
        }
    }
}

void tst_LargePayloads::byteArraysRoundTrip()
{
    QFETCH(qint64, sharedMemory);
    QFETCH(qsizetype, size);
    LpmSupervisor supervisor(withSharedMemory(1, sharedMemory));
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    for (int round = 0; round < 3; ++round) { // the ring's pages are reused
        const QByteArray bytes = pattern(size, round);
        QFuture<LpmResponse> future = supervisor.enqueue(bytes);
        QVERIFY(waitFor(future));
        QVERIFY2(!rejection(future), qPrintable(failureOf(future)));
        QCOMPARE(echoOf(future).toByteArray(), bytes);
    }
}

void tst_LargePayloads::nestedArraysKeepTheirPlaces()
{
    LpmSupervisor supervisor(withSharedMemory(2, 8 << 20));
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    const QVariantMap payload{
        { QStringLiteral("image"), pattern(3 << 20, 1) },
        { QStringLiteral("format"), QStringLiteral("Format_ARGB32") },
        { QStringLiteral("tiles"), QVariantList{ pattern(100000, 2), QByteArray("tiny"), pattern(50000, 3),
                                                 QVariantMap{ { QStringLiteral("deep"), pattern(40000, 4) } } } },
    };
    QFuture<LpmResponse> future = supervisor.enqueue(payload);
    QVERIFY(waitFor(future));
    QVERIFY2(!rejection(future), qPrintable(failureOf(future)));
    QCOMPARE(echoOf(future).toMap(), payload);
}

void tst_LargePayloads::aFullRingFallsBackToTheFrame()
{
    // 1 MiB rings and 40 requests of 600 KiB in flight at once: most cannot wait in
    // a ring and cross in their frames, unharmed.
    LpmSupervisor supervisor(withSharedMemory(2, 1 << 20));
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QList<QFuture<LpmResponse>> futures;
    QList<QByteArray> sent;
    for (int i = 0; i < 40; ++i) {
        sent.append(pattern(600 * 1024, i));
        futures.append(supervisor.enqueue(QVariantMap{ { QStringLiteral("blob"), sent.last() } }));
    }
    for (int i = 0; i < futures.size(); ++i) {
        QVERIFY(waitFor(futures.at(i)));
        QVERIFY2(!rejection(futures.at(i)), qPrintable(failureOf(futures.at(i))));
        QCOMPARE(echoOf(futures.at(i)).toMap().value(QStringLiteral("blob")).toByteArray(), sent.at(i));
    }
}

void tst_LargePayloads::aCrashLosesNoByte()
{
    // The worker crashes with the request in its ring; the retry goes to its
    // replacement with the same bytes: the caller's value never lived in the dead
    // worker's memory.
    QTemporaryDir dir;
    LpmSupervisorConfig config = withSharedMemory(1, 32 << 20, { QStringLiteral("crash-once:") + dir.filePath(QStringLiteral("crashed")) });
    config.request.retries = 1;
    config.worker.backoffInitial = 0;
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    const QByteArray bytes = pattern(5 << 20, 7);
    const QByteArray copy(bytes.constData(), bytes.size());
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QFuture<LpmResponse> future = supervisor.enqueue(bytes);
    QVERIFY(waitFor(future));
    QVERIFY2(!rejection(future), qPrintable(failureOf(future)));
    QCOMPARE(exits.count(), 1);
    QCOMPARE(echoOf(future).toByteArray(), copy);
    QCOMPARE(bytes, copy);
}

void tst_LargePayloads::theFrameLimitStillHolds()
{
    LpmSupervisor supervisor(withSharedMemory(1, 32 << 20));
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QFuture<LpmResponse> future = supervisor.enqueue(QByteArray(65 << 20, 'x'));
    QVERIFY(waitFor(future));
    QCOMPARE(rejectionCode(future), LpmError::Code::PayloadTooLarge);
    QFuture<LpmResponse> next = supervisor.enqueue(pattern(1 << 20, 9)); // and it serves on
    QVERIFY(waitFor(next));
    QVERIFY2(!rejection(next), qPrintable(failureOf(next)));
}

QTEST_GUILESS_MAIN(tst_LargePayloads)
#include "tst_largepayloads.moc"
