// SPEC "Worker lifecycle policies", with real worker processes: identity and
// environment, recycling (by requests, memory and age; the replacement first, never a
// restart), hang detection, restart backoff, and the reason every exit reports.

#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <csignal>

using namespace LpmTest;

namespace {

QList<LpmWorkerExit> exitsOf(const QSignalSpy &spy)
{
    QList<LpmWorkerExit> exits;
    for (const QList<QVariant> &args : spy)
        exits.append(args.at(0).value<LpmWorkerExit>());
    return exits;
}

int readyWorkers(const LpmSupervisor &supervisor)
{
    const QList<LpmWorkerStatus> workers = supervisor.workers();
    return int(std::count_if(workers.cbegin(), workers.cend(), [](const LpmWorkerStatus &w) {
        return w.state() == LpmWorkerStatus::State::Ready;
    }));
}

} // namespace

class tst_Policies : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void identityAndEnvironment();
    void replacementTakesTheSlot();
    void recycleByRequestsLosesNothing();
    void recycleByMemory();
    void recycleByAge();
    void hungWorkerIsKilledInTime();
    void heartbeatKeepsALongHandlerAlive();
    void backoffDoublesAndResets();
    void aSlotInBackoffIsShown();
    void aFailedReplacementLeavesTheOldWorkerServing();
    void recycleDuringASoftKillEnds();
    void shrinkingCallsOffAPendingRecycle();
    void aReplacementThatCannotStartLeavesThePoolServing();
    void aWorkerThatQuitsAfterWorkIsNotBackedOff();
    void exitReasons_data();
    void exitReasons();

private:
    bool startAndWait(LpmSupervisor &supervisor) { return LpmTest::startAndWait(supervisor, &m_spawned); }

    QSet<qint64> m_spawned;
};

void tst_Policies::init()
{
    m_spawned.clear();
}

void tst_Policies::cleanup()
{
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(m_spawned), 10000);
}

void tst_Policies::identityAndEnvironment()
{
    LpmSupervisorConfig config = configFor(2);
    config.worker.environment.insert(QStringLiteral("LPM_TEST_MARK"), QStringLiteral("marked"));
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSet<QString> indices;
    for (int i = 0; i < 2; ++i) {
        const auto f = supervisor.enqueue(op(QStringLiteral("env")));
        QVERIFY(waitFor(f));
        const QVariantMap env = f.result().data().toMap();
        indices.insert(env.value(QStringLiteral("index")).toString());
        QCOMPARE(env.value(QStringLiteral("count")).toString(), QStringLiteral("2"));
        QCOMPARE(env.value(QStringLiteral("mark")).toString(), QStringLiteral("marked"));
        QCOMPARE(env.value(QStringLiteral("oom")).toString(), QStringLiteral("300"));
    }
    QCOMPARE(indices, (QSet<QString>{ QStringLiteral("0"), QStringLiteral("1") }));
    const QList<LpmWorkerStatus> workers = supervisor.workers();
    QCOMPARE(QSet<int>({ workers.value(0).slot(), workers.value(1).slot() }), (QSet<int>{ 0, 1 }));
}

void tst_Policies::replacementTakesTheSlot()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    supervisor.enqueue(op(QStringLiteral("crash")));
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 1, LongWaitMs);
    QCOMPARE(exitsOf(exits).at(0).slot(), 0);
    QCOMPARE(exitsOf(exits).at(0).reason(), LpmWorkerExit::Reason::Crashed);
    const auto f = supervisor.enqueue(op(QStringLiteral("env")));
    QVERIFY(waitFor(f));
    QCOMPARE(f.result().data().toMap().value(QStringLiteral("index")).toString(), QStringLiteral("0"));
    QCOMPARE(supervisor.workers().value(0).restarts(), 1);
}

void tst_Policies::recycleByRequestsLosesNothing()
{
    LpmSupervisorConfig config = configFor(2);
    config.worker.maxRequests = 40;
    config.worker.maxRequestsJitter = 10;
    // A few in flight each: a recycled worker answers all it holds, so a whole burst
    // sent to it at once would be answered by it alone.
    config.worker.maxInFlight = 4;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    int dips = 0;
    // Capacity never dips: when a recycled worker goes, its replacement is ready.
    connect(&supervisor, &LpmSupervisor::workerExited, this, [&](const LpmWorkerExit &) {
        if (readyWorkers(supervisor) < 2)
            ++dips;
    });
    // Bursts until eight workers were recycled: how many requests that takes depends on
    // how fast replacements start (an old worker takes work until then), not on luck.
    QList<QFuture<LpmResponse>> futures;
    while (exits.count() < 8 && futures.size() < 20000) {
        for (int i = 0; i < 150; ++i) {
            const int n = int(futures.size());
            futures.append(supervisor.enqueue(QVariantMap{ { QStringLiteral("n"), n } }));
        }
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(futures), LongWaitMs);
    }
    for (int i = 0; i < futures.size(); ++i) {
        QVERIFY2(!rejection(futures.at(i)), qPrintable(failureOf(futures.at(i))));
        QCOMPARE(futures.at(i).result().data().toMap().value(QStringLiteral("echo")).toMap().value(QStringLiteral("n")), QVariant(i));
    }
    QTRY_VERIFY_WITH_TIMEOUT(exits.count() >= 8, LongWaitMs);
    for (const LpmWorkerExit &exit : exitsOf(exits)) {
        QCOMPARE(exit.reason(), LpmWorkerExit::Reason::Recycled);
        QVERIFY(exit.isExpected());
        // It takes work until its replacement is ready, then answers what it holds.
        QVERIFY2(exit.handled() >= 40, qPrintable(QString::number(exit.handled())));
        QVERIFY2(exit.detail().contains(QLatin1String("requests")), qPrintable(exit.detail()));
    }
    QCOMPARE(dips, 0);
    QCOMPARE(supervisor.restartCount(), 0); // recycles are not restarts
    QCOMPARE(supervisor.state(), LpmSupervisor::State::Online);
}

void tst_Policies::recycleByMemory()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxMemory = qint64(48) << 20;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    const auto grown = supervisor.enqueue(op(QStringLiteral("alloc"), { { QStringLiteral("mib"), 96 } }));
    QVERIFY(waitFor(grown));
    QVERIFY(!rejection(grown)); // checked between requests: its answer came first
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 1, LongWaitMs);
    const LpmWorkerExit exit = exitsOf(exits).at(0);
    QCOMPARE(exit.reason(), LpmWorkerExit::Reason::Recycled);
    QVERIFY2(exit.detail().contains(QLatin1String("PSS")), qPrintable(exit.detail()));
    QTRY_COMPARE_WITH_TIMEOUT(readyWorkers(supervisor), 1, LongWaitMs);
    QCOMPARE(supervisor.restartCount(), 0);
}

void tst_Policies::recycleByAge()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxAge = 700;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTRY_VERIFY_WITH_TIMEOUT(exits.count() >= 2, LongWaitMs); // one after the other
    for (const LpmWorkerExit &exit : exitsOf(exits)) {
        QCOMPARE(exit.reason(), LpmWorkerExit::Reason::Recycled);
        QVERIFY(exit.uptimeMs() >= 700);
    }
    const auto f = supervisor.enqueue(op(QStringLiteral("echo")));
    QVERIFY(waitFor(f));
    QVERIFY(!rejection(f));
    QCOMPARE(supervisor.restartCount(), 0);
}

void tst_Policies::hungWorkerIsKilledInTime()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.hangTimeout = 600;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("left a heartbeat unanswered")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 9")));
    QElapsedTimer clock;
    clock.start();
    const auto f = supervisor.enqueue(op(QStringLiteral("block"), { { QStringLiteral("ms"), 60000 } }));
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 1, LongWaitMs);
    const qint64 ms = clock.elapsed();
    // hangTimeout, plus one heartbeat (a quarter of it), plus the machine's slack.
    QVERIFY2(ms >= 600 && ms < 600 + 150 + 2000, qPrintable(QString::number(ms)));
    QCOMPARE(exitsOf(exits).at(0).reason(), LpmWorkerExit::Reason::Hung);
    QVERIFY(waitFor(f));
    const auto error = rejection(f);
    QVERIFY(error);
    QCOMPARE(error->code(), LpmError::Code::WorkerCrashed); // as for a crash
    QVERIFY(error->hasWorkerExit());
    QCOMPARE(error->workerExit().reason(), LpmWorkerExit::Reason::Hung);
    // A hang is a failure: replaced under the restart policy, after its backoff.
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.restartCount(), 1, LongWaitMs);
}

void tst_Policies::heartbeatKeepsALongHandlerAlive()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.hangTimeout = 400;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    const auto f = supervisor.enqueue(op(QStringLiteral("block-heartbeat"), { { QStringLiteral("ms"), 1600 } }));
    QVERIFY(waitFor(f));
    QVERIFY2(!rejection(f), qPrintable(failureOf(f)));
    QCOMPARE(exits.count(), 0);
    // And an idle worker is never judged, however long it waits.
    QTest::qWait(1000);
    QCOMPARE(exits.count(), 0);
}

void tst_Policies::backoffDoublesAndResets()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.restarts = 100;
    config.worker.backoffInitial = 200;
    config.worker.backoffMax = 1500;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy scheduled(&supervisor, &LpmSupervisor::respawnScheduled);
    QElapsedTimer clock;
    clock.start();
    qint64 exitedAt = 0;
    QList<qint64> delays; // exit to next spawn
    connect(&supervisor, &LpmSupervisor::workerExited, this, [&] { exitedAt = clock.elapsed(); });
    connect(&supervisor, &LpmSupervisor::childSpawned, this, [&](qint64 pid) {
        m_spawned.insert(pid);
        delays.append(clock.elapsed() - exitedAt);
    });
    const auto crashNow = [&] {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
        const int spawned = int(delays.size());
        supervisor.enqueue(op(QStringLiteral("crash")));
        return QTest::qWaitFor([&] { return delays.size() > spawned && readyWorkers(supervisor) == 1; }, LongWaitMs);
    };
    // Three in a row: 200, 400, 800 ms (each up to a quarter more).
    for (int i = 0; i < 3; ++i)
        QVERIFY(crashNow());
    QCOMPARE(scheduled.count(), 3);
    QCOMPARE(supervisor.respawnsPending(), 0);
    const qint64 expected[] = { 200, 400, 800 };
    for (int i = 0; i < 3; ++i)
        QVERIFY2(delays.at(i) >= expected[i] && delays.at(i) < expected[i] * 5 / 4 + 1000,
                 qPrintable(QStringLiteral("respawn %1 after %2 ms").arg(i).arg(delays.at(i))));
    // A worker that stayed up backoffMax starts the count afresh.
    QTest::qWait(1600);
    QVERIFY(crashNow());
    QVERIFY2(delays.at(3) >= 200 && delays.at(3) < 250 + 1000, qPrintable(QString::number(delays.at(3))));
    QCOMPARE(supervisor.restartCount(), 4);
}

void tst_Policies::aSlotInBackoffIsShown()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.backoffInitial = 3000;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy scheduled(&supervisor, &LpmSupervisor::respawnScheduled);
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    const auto crashed = supervisor.enqueue(op(QStringLiteral("crash")));
    QVERIFY(scheduled.wait(LongWaitMs));
    QCOMPARE(scheduled.first().at(0).toInt(), 0); // the slot
    QVERIFY(scheduled.first().at(1).toInt() > 2500); // 3000 and its jitter, less what has passed
    QCOMPARE(supervisor.respawnsPending(), 1);
    // Work waits for the slot rather than failing; it runs once the worker is back.
    const auto waiting = supervisor.enqueue(op(QStringLiteral("echo")));
    QVERIFY(!waiting.isFinished());
    QVERIFY(waitFor(waiting));
    QVERIFY2(!rejection(waiting), qPrintable(failureOf(waiting)));
    QCOMPARE(spawned.count(), 1);
    QCOMPARE(supervisor.respawnsPending(), 0);
    QVERIFY(waitFor(crashed));
}

void tst_Policies::aFailedReplacementLeavesTheOldWorkerServing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString failing = dir.filePath(QStringLiteral("replacements-fail"));
    LpmSupervisorConfig config = configFor(1, { QStringLiteral("exit-at-start-if:") + failing });
    config.worker.maxRequests = 2;
    config.worker.backoffInitial = 300;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    const qint64 first = supervisor.health().value(0).pid;
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QFile marker(failing);
    QVERIFY(marker.open(QIODevice::WriteOnly));
    marker.close();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: exit code 3")));
    for (int i = 0; i < 2; ++i)
        QVERIFY(waitFor(supervisor.enqueue(op(QStringLiteral("echo")))));
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 1, LongWaitMs);
    QCOMPARE(exitsOf(exits).at(0).reason(), LpmWorkerExit::Reason::Crashed); // the replacement
    QVERIFY(exitsOf(exits).at(0).pid() != first);
    // The old worker still serves, and is recycled once a replacement can start.
    QVERIFY(QFile::remove(failing));
    QList<QFuture<LpmResponse>> later; // a request at each look, until the backoff has passed
    QTRY_VERIFY_WITH_TIMEOUT((later.append(supervisor.enqueue(op(QStringLiteral("echo")))), exits.count() >= 2),
                             LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(later), LongWaitMs);
    for (const auto &f : later)
        QVERIFY2(!rejection(f), qPrintable(failureOf(f)));
    // (the replacement may have been recycled in its turn by then)
    QCOMPARE(exitsOf(exits).at(1).pid(), first);
    QCOMPARE(exitsOf(exits).at(1).reason(), LpmWorkerExit::Reason::Recycled);
    QTRY_COMPARE_WITH_TIMEOUT(readyWorkers(supervisor), 1, LongWaitMs);
}

void tst_Policies::recycleDuringASoftKillEnds()
{
    // The replacement is still starting when the pool is told to drain: both end.
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxRequests = 1;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    const auto f = supervisor.enqueue(op(QStringLiteral("echo")));
    QVERIFY(waitFor(f));
    QVERIFY2(!rejection(f), qPrintable(failureOf(f)));
    QTRY_COMPARE_WITH_TIMEOUT(spawned.count(), 1, LongWaitMs); // the replacement
    const QFuture<void> stopped = supervisor.softKill(-1);
    QTRY_VERIFY_WITH_TIMEOUT(stopped.isFinished(), LongWaitMs);
    QCOMPARE(supervisor.state(), LpmSupervisor::State::Stopped);
    QVERIFY(supervisor.health().isEmpty());
}

void tst_Policies::shrinkingCallsOffAPendingRecycle()
{
    LpmSupervisorConfig config = configFor(2, { QStringLiteral("ready-after:1500") });
    config.worker.maxRequests = 1;
    config.worker.maxInFlight = 1;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    QVERIFY(waitFor(supervisor.enqueue(op(QStringLiteral("echo")))));
    QVERIFY(spawned.wait(LongWaitMs)); // a replacement, starting for 1.5 s
    supervisor.resize(1);
    // One worker in the end, and it stays one: no replacement comes back, none is left over.
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.health().size(), 1, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().size(), 1, LongWaitMs);
    const auto f = supervisor.enqueue(op(QStringLiteral("echo")));
    QVERIFY(waitFor(f));
    QVERIFY2(!rejection(f), qPrintable(failureOf(f)));
    QTRY_COMPARE_WITH_TIMEOUT(readyWorkers(supervisor), 1, LongWaitMs); // recycled as it should be
    QCOMPARE(supervisor.workers().size(), 1);
    QCOMPARE(supervisor.targetCount(), 1);
}

void tst_Policies::aReplacementThatCannotStartLeavesThePoolServing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString program = dir.filePath(QStringLiteral("worker"));
    QVERIFY(QFile::copy(QStringLiteral(LPM_TESTWORKER), program));
    LpmSupervisorConfig config = configFor(1);
    config.worker.program = program;
    config.worker.maxRequests = 2;
    config.worker.backoffInitial = 200;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    const qint64 first = supervisor.health().value(0).pid;
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QVERIFY(QFile::rename(program, program + QStringLiteral(".away"))); // a deployment, say
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("could not be started")));
    for (int i = 0; i < 2; ++i)
        QVERIFY(waitFor(supervisor.enqueue(op(QStringLiteral("echo")))));
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 1, LongWaitMs);
    QCOMPARE(exitsOf(exits).at(0).reason(), LpmWorkerExit::Reason::FailedToStart);
    // The old worker serves on, and the pool is not taken for broken.
    const auto served = supervisor.enqueue(op(QStringLiteral("echo")));
    QVERIFY(waitFor(served));
    QVERIFY2(!rejection(served), qPrintable(failureOf(served)));
    QCOMPARE(served.result().data().toMap().value(QStringLiteral("pid")).toLongLong(), first);
    QVERIFY(supervisor.error() != LpmSupervisor::Error::WorkerFailedToStart);
    // Back in place: the recycle happens after the slot's backoff.
    QVERIFY(QFile::rename(program + QStringLiteral(".away"), program));
    QList<QFuture<LpmResponse>> later;
    QTRY_VERIFY_WITH_TIMEOUT((later.append(supervisor.enqueue(op(QStringLiteral("echo")))),
                              std::any_of(exits.cbegin(), exits.cend(), [](const QList<QVariant> &args) {
                                  return args.at(0).value<LpmWorkerExit>().reason() == LpmWorkerExit::Reason::Recycled;
                              })),
                             LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(later), LongWaitMs);
    for (const auto &f : later)
        QVERIFY2(!rejection(f), qPrintable(failureOf(f)));
}

void tst_Policies::aWorkerThatQuitsAfterWorkIsNotBackedOff()
{
    // Answering and then quitting is how a worker recycles itself: no crash loop.
    LpmSupervisorConfig config = configFor(1);
    config.worker.backoffInitial = 15000;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy scheduled(&supervisor, &LpmSupervisor::respawnScheduled);
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    for (int i = 0; i < 3; ++i) {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: exit code 0")));
        const auto f = supervisor.enqueue(op(QStringLiteral("respond-then-quit")));
        QVERIFY(waitFor(f));
        QVERIFY2(!rejection(f), qPrintable(failureOf(f)));
        QTRY_COMPARE_WITH_TIMEOUT(spawned.count(), i + 1, 10000); // well before 15 s
        QTRY_COMPARE_WITH_TIMEOUT(readyWorkers(supervisor), 1, LongWaitMs);
    }
    QCOMPARE(scheduled.count(), 0);
    QCOMPARE(supervisor.restartCount(), 3); // still a restart: the pool did not ask for it
}

void tst_Policies::exitReasons_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<LpmWorkerExit::Reason>("reason");
    QTest::newRow("hard kill") << QStringLiteral("hardKill") << LpmWorkerExit::Reason::Requested;
    QTest::newRow("soft kill") << QStringLiteral("softKill") << LpmWorkerExit::Reason::Requested;
    QTest::newRow("crash") << QStringLiteral("crash") << LpmWorkerExit::Reason::Crashed;
    QTest::newRow("exit code") << QStringLiteral("exit") << LpmWorkerExit::Reason::Crashed;
    QTest::newRow("SIGKILL from outside") << QStringLiteral("sigkill") << LpmWorkerExit::Reason::Killed;
    QTest::newRow("start timeout") << QStringLiteral("noready") << LpmWorkerExit::Reason::StartTimedOut;
    QTest::newRow("missing program") << QStringLiteral("missing") << LpmWorkerExit::Reason::FailedToStart;
}

void tst_Policies::exitReasons()
{
    QFETCH(QString, how);
    QFETCH(LpmWorkerExit::Reason, reason);
    LpmSupervisorConfig config = configFor(1, how == QLatin1String("noready") ? QStringList{ QStringLiteral("noready") } : QStringList{});
    config.worker.startTimeout = 500;
    config.worker.restarts = 0;
    if (how == QLatin1String("missing"))
        config.worker.program = QStringLiteral("/nonexistent/worker");
    LpmSupervisor supervisor(config);
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    connect(&supervisor, &LpmSupervisor::childSpawned, this, [this](qint64 pid) { m_spawned.insert(pid); });
    supervisor.start();
    if (how != QLatin1String("noready") && how != QLatin1String("missing")) {
        QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Online, LongWaitMs);
        const qint64 pid = supervisor.health().value(0).pid;
        if (how == QLatin1String("hardKill"))
            supervisor.hardKill();
        else if (how == QLatin1String("softKill"))
            supervisor.softKill();
        else if (how == QLatin1String("crash"))
            supervisor.enqueue(op(QStringLiteral("crash")));
        else if (how == QLatin1String("exit"))
            supervisor.enqueue(op(QStringLiteral("exit"), { { QStringLiteral("code"), 7 } }));
        else if (how == QLatin1String("sigkill"))
            ::kill(pid_t(pid), SIGKILL);
    }
    QTRY_VERIFY_WITH_TIMEOUT(exits.count() >= 1, LongWaitMs);
    const LpmWorkerExit exit = exitsOf(exits).at(0);
    QCOMPARE(exit.reason(), reason);
    if (how == QLatin1String("crash"))
        QCOMPARE(exit.signal(), SIGABRT);
    if (how == QLatin1String("exit"))
        QCOMPARE(exit.exitCode(), 7);
    if (how == QLatin1String("sigkill")) {
        QCOMPARE(exit.signal(), SIGKILL);
        QVERIFY2(exit.description().contains(QLatin1String("OOM killer")), qPrintable(exit.description()));
    }
    if (how == QLatin1String("missing"))
        QCOMPARE(exit.pid(), 0);
    else
        QVERIFY(exit.pid() > 0);
    QCOMPARE(exit.isExpected(), reason == LpmWorkerExit::Reason::Requested);
    supervisor.hardKill();
}

QTEST_GUILESS_MAIN(tst_Policies)
#include "tst_policies.moc"
