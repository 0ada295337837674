// A worker speaking the wire protocol by hand attacks the supervisor: malformed,
// mutated and amplifying frames, floods of ids, stream ends and descriptors, bad
// descriptor datagrams, a channel it stops reading. The supervisor never crashes, its
// memory and descriptors stay bounded, the offender alone is dropped (or, for floods
// that break no rule, simply served), and the pool serves on.

#include "lpmipctesthelpers.h"
#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <sys/resource.h>

using namespace LpmTest;
using LpmIpcTest::openDescriptors;

namespace {

qint64 peakRssBytes()
{
    struct rusage usage;
    ::getrusage(RUSAGE_SELF, &usage);
    return qint64(usage.ru_maxrss) * 1024;
}

LpmSupervisorConfig hostileConfig()
{
    LpmSupervisorConfig config;
    config.worker.program = QStringLiteral(LPM_HOSTILEWORKER);
    config.worker.count = 1;
    config.worker.restarts = 1000;
    return config;
}

} // namespace

class tst_Hostile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void attack_data();
    void attack();
    void neverReadingWorkerIsDropped();
    void memoryStayedBounded();

private:
    bool startAndWait(LpmSupervisor &supervisor) { return LpmTest::startAndWait(supervisor, &m_spawned); }

    QSet<qint64> m_spawned;
    qint64 m_peakBefore = 0;
};

void tst_Hostile::initTestCase()
{
    // What a first supervisor leaves for the process's life (the SIGINT pipe) is not a leak.
    {
        LpmSupervisor warm(hostileConfig());
    }
    m_peakBefore = peakRssBytes();
}

void tst_Hostile::init()
{
    m_spawned.clear();
}

void tst_Hostile::cleanup()
{
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(m_spawned), 10000);
}

void tst_Hostile::attack_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("dropped"); // broke the protocol, so it must go; else it is served
    for (const char *kind : { "garbage", "bad-type", "bad-length", "unknown-ids", "canceled-unknown",
                              "amplify", "deep", "bad-fd", "socket-back" })
        QTest::newRow(kind) << QString::fromLatin1(kind) << true;
    for (const char *kind : { "streamend-flood", "health-flood", "fd-flood" })
        QTest::newRow(kind) << QString::fromLatin1(kind) << false;
    for (int seed = 1; seed <= 8; ++seed)
        QTest::addRow("mutate %d", seed) << QStringLiteral("mutate") << false;
}

void tst_Hostile::attack()
{
    QFETCH(QString, kind);
    QFETCH(bool, dropped);
    const int descriptorsBefore = openDescriptors();
    {
        LpmSupervisor supervisor(hostileConfig());
        QVERIFY(startAndWait(supervisor));
        QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
        const int seed = QTest::currentDataTag()[qstrlen(QTest::currentDataTag()) - 1];
        const auto attacked = supervisor.enqueue(op(QStringLiteral("attack"), { { QStringLiteral("kind"), kind },
                                                                                 { QStringLiteral("seed"), seed } }));
        QVERIFY(waitFor(attacked));
        QVERIFY(endedOnce(attacked));
        if (dropped) {
            QCOMPARE(rejectionCode(attacked), LpmError::Code::WorkerCrashed);
            QTRY_COMPARE_WITH_TIMEOUT(spawned.count(), 1, LongWaitMs); // replaced
        } else if (kind != QLatin1String("mutate")) {
            QVERIFY2(!rejection(attacked), qPrintable(failureOf(attacked)));
        }
        // While it held them, the descriptors it flooded stayed bounded.
        QVERIFY(openDescriptors() <= descriptorsBefore + 64 + 16);
        // Whatever happened, the pool serves: a request that went to the offender before
        // it was found out is retried on its replacement.
        LpmRequestOptions retry;
        retry.retries = 2;
        const auto next = supervisor.enqueue(op(QStringLiteral("echo")), retry);
        QVERIFY(waitFor(next));
        QVERIFY2(!rejection(next), qPrintable(failureOf(next)));
        QCOMPARE(supervisor.state(), LpmSupervisor::State::Online);
    }
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(), descriptorsBefore, LongWaitMs); // nothing leaked
}

void tst_Hostile::neverReadingWorkerIsDropped()
{
    LpmSupervisor supervisor(hostileConfig());
    QVERIFY(startAndWait(supervisor));
    QSignalSpy errors(&supervisor, &LpmSupervisor::errorOccurred);
    const auto f = supervisor.enqueue(op(QStringLiteral("attack"), { { QStringLiteral("kind"), QStringLiteral("never-read") } }));
    QVERIFY(waitFor(f));
    QVERIFY(!rejection(f)); // it answered, then stopped reading
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("stopped reading")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("stopped reading")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: ")));
    const QByteArray big(60 << 20, 'b');
    for (int i = 0; i < 3; ++i) // more than it may leave unread
        QVERIFY(supervisor.broadcast(QStringLiteral("big"), big));
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(errors.cbegin(), errors.cend(), [](const QList<QVariant> &args) {
        return args.at(0).value<LpmSupervisor::Error>() == LpmSupervisor::Error::WorkerCrashed;
    }), LongWaitMs);
    const auto next = supervisor.enqueue(op(QStringLiteral("echo")));
    QVERIFY(waitFor(next));
    QVERIFY(!rejection(next));
}

void tst_Hostile::memoryStayedBounded()
{
    // A 60 MB frame of nulls would decode into gigabytes; a flood of ids into tables
    // without end. The whole suite stayed within a few frames' worth (and, under
    // AddressSanitizer, its quarantine of freed memory, 256 MiB).
#if defined(__SANITIZE_ADDRESS__)
    constexpr qint64 Bound = 1100ll << 20;
#else
    constexpr qint64 Bound = 700ll << 20;
#endif
    const qint64 growth = peakRssBytes() - m_peakBefore;
    QVERIFY2(growth < Bound, qPrintable(QStringLiteral("%1 MiB").arg(growth >> 20)));
}

QTEST_GUILESS_MAIN(tst_Hostile)
#include "tst_hostile.moc"
