#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtCore/qtemporarydir.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <csignal>

#include <sys/resource.h>

using namespace LpmTest;

namespace {

double cpuSeconds()
{
    struct rusage usage;
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

class tst_Lifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // Timeouts
    void timeoutRejectsAndIgnoresLateAnswer();
    void timeoutTellsTheWorker();
    void timeoutsUnderLoadLeaveNothingBehind();
    void timeoutsOfManyLengthsEndInDeadlineOrder();
    // Cancellation
    void cancelReachesTheWorker();
    void cancelledQueuedRequestNeverSent();
    // Retries and crashes
    void crashRejectsAndRespawns();
    void crashMessageNamesSignalAndStderr();
    void retriesCountExactly_data();
    void retriesCountExactly();
    void retriedAfterCrash();
    void exitReasonsObservable();
    // Restarts
    void crashLoopHitsRestartLimit();
    void restartWindowSlides();
    // busy()/ready() and requests()
    void busyWorkerGetsNothing();
    void requestsListsOngoing();
    // Soft kill
    void softKillFinishesWorkWithoutHandler();
    void softKillWaitsForHandler();
    void softKillWaitsForBusyWorker();
    void softKillGraceEscalatesToHardKill();
    void softKillBeforeStartRejectsQueued();
    // Hard kill
    void hardKillRejectsAndRemovesHungWorker();
    void hardKillRequestedReachesWorker();
    void startAgainAfterKill();
    // SIGINT
    void sigintEmitsInterruptedWhenConnected();
    void sigintDefaultHardKills();
    // Resize
    void resizeUpAndDownUnderLoad();

private:
    bool startAndWait(LpmSupervisor &supervisor) { return LpmTest::startAndWait(supervisor, &m_spawned); }

    QSet<qint64> m_spawned;
};

void tst_Lifecycle::initTestCase()
{
    // Qt Test reports SIGINT as a fatal signal; these tests raise it on purpose.
    ::signal(SIGINT, SIG_DFL);
}

void tst_Lifecycle::init()
{
    m_spawned.clear();
}

void tst_Lifecycle::cleanup()
{
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(m_spawned), 10000);
}

// --- timeouts ---------------------------------------------------------------------

void tst_Lifecycle::timeoutRejectsAndIgnoresLateAnswer()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QSignalSpy errors(&supervisor, &LpmSupervisor::errorOccurred);
    LpmRequestOptions options;
    options.timeout = 100;
    const auto slow = supervisor.enqueue(sleepFor(1000), options);
    QTRY_VERIFY_WITH_TIMEOUT(slow.isFinished(), LongWaitMs);
    QVERIFY(endedOnce(slow));
    QCOMPARE(rejectionCode(slow), LpmError::Code::TimedOut);
    QCOMPARE(supervisor.pendingCount(), 0);
    // The late answer arrives and is dropped quietly; the worker stays in service.
    const auto after = supervisor.enqueue(sleepFor(1500));
    QTRY_VERIFY_WITH_TIMEOUT(after.isFinished(), LongWaitMs);
    QVERIFY(endedOnce(after));
    QVERIFY(!rejection(after));
    QCOMPARE(errors.count(), 0);
}

void tst_Lifecycle::timeoutTellsTheWorker()
{
    LpmSupervisorConfig config = configFor(1);
    config.request.timeout = 200; // from the config this time
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    const auto f = supervisor.enqueue(op(QStringLiteral("cancelable"), { { QStringLiteral("ms"), 30000 } }));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QCOMPARE(rejectionCode(f), LpmError::Code::TimedOut);
    LpmRequestOptions noTimeout;
    noTimeout.timeout = -1;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        const auto stats = supervisor.enqueue(op(QStringLiteral("stats")), noTimeout);
        return QTest::qWaitFor([&] { return stats.isFinished(); }, LongWaitMs)
                && stats.result().data().toMap().value(QStringLiteral("canceled")).toInt() == 1;
    }(), LongWaitMs);
}

void tst_Lifecycle::timeoutsUnderLoadLeaveNothingBehind()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    QList<QFuture<LpmResponse>> futures;
    LpmRequestOptions options;
    options.timeout = 300;
    for (int i = 0; i < 400; ++i)
        futures.append(supervisor.enqueue(sleepFor(i % 2 ? 1 : 2000), options));
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(futures), LongWaitMs);
    int timedOut = 0;
    for (int i = 0; i < futures.size(); ++i) {
        QVERIFY(endedOnce(futures.at(i)));
        const auto code = rejectionCode(futures.at(i));
        if (i % 2 == 0) {
            QCOMPARE(code, LpmError::Code::TimedOut);
            ++timedOut;
        }
    }
    QCOMPARE(timedOut, 200);
    QCOMPARE(supervisor.pendingCount(), 0);
    QCOMPARE(supervisor.queueLength(), 0);
    // Still serving, and not confused by the late answers still arriving.
    const auto next = supervisor.enqueue(op(QStringLiteral("echo")));
    QTRY_VERIFY_WITH_TIMEOUT(next.isFinished(), LongWaitMs);
    QVERIFY(!rejection(next));
}

void tst_Lifecycle::timeoutsOfManyLengthsEndInDeadlineOrder()
{
    // Each request times out before the one enqueued just before it: every deadline
    // is earlier than all the others', so eight requests fill the deadline lanes and
    // the last four wait in the heap behind them. None is answered: they must still
    // end in deadline order, heap and lanes together, however late the loop runs.
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    constexpr int Count = 12;
    QList<int> ended;
    QList<QFuture<void>> chained;
    for (int i = 0; i < Count; ++i) {
        LpmRequestOptions options;
        options.timeout = 100 * (Count - i);
        chained.append(supervisor.enqueue(op(QStringLiteral("cancelable"), { { QStringLiteral("ms"), 30000 } }), options)
                               .then(QtFuture::Launch::Sync, [&ended, i](QFuture<LpmResponse> f) {
                                   QCOMPARE(rejectionCode(f), LpmError::Code::TimedOut);
                                   ended.append(i);
                               }));
    }
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), Count, LongWaitMs);
    QList<int> expected;
    for (int i = Count - 1; i >= 0; --i)
        expected.append(i);
    QCOMPARE(ended, expected);
    QCOMPARE(supervisor.pendingCount(), 0);
}

// --- cancellation -----------------------------------------------------------------

void tst_Lifecycle::cancelReachesTheWorker()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QFuture<LpmResponse> f = supervisor.enqueue(op(QStringLiteral("cancelable"), { { QStringLiteral("ms"), 30000 } }));
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().value(0).inFlight(), 1, LongWaitMs);
    f.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.pendingCount(), 0, LongWaitMs);
    QVERIFY(f.isCanceled());
    QVERIFY(f.isFinished());
    QVERIFY(!rejection(f)); // cancelled, not failed: no LpmError inside
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        const auto stats = supervisor.enqueue(op(QStringLiteral("stats")));
        return waitFor(stats) && stats.result().data().toMap().value(QStringLiteral("canceled")).toInt() == 1;
    }(), LongWaitMs);
}

void tst_Lifecycle::cancelledQueuedRequestNeverSent()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxInFlight = 1;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    const auto slow = supervisor.enqueue(sleepFor(1000));
    QFuture<LpmResponse> queued = supervisor.enqueue(op(QStringLiteral("echo")));
    QCOMPARE(supervisor.queueLength(), 1);
    queued.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.queueLength(), 0, LongWaitMs);
    QVERIFY(waitFor(slow));
    QVERIFY(!rejection(slow));
    QVERIFY(queued.isCanceled());
    QCOMPARE(supervisor.pendingCount(), 0);
    QCOMPARE(supervisor.workers().value(0).handled(), 1); // only the slow one reached it
}

// --- retries and crashes ----------------------------------------------------------

void tst_Lifecycle::crashRejectsAndRespawns()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    QSignalSpy exited(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    const auto f = supervisor.enqueue(op(QStringLiteral("crash")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(endedOnce(f));
    const auto error = rejection(f);
    QVERIFY(error);
    QCOMPARE(error->code(), LpmError::Code::WorkerCrashed);
    QVERIFY2(error->message().contains(QLatin1String("signal 6")), qPrintable(error->message()));
    QCOMPARE(exited.count(), 1);
    QCOMPARE(exited.first().at(0).value<LpmWorkerExit>().signal(), SIGABRT);
    QCOMPARE(exited.first().at(0).value<LpmWorkerExit>().reason(), LpmWorkerExit::Reason::Crashed);
    QTRY_COMPARE_WITH_TIMEOUT(spawned.count(), 1, LongWaitMs);
    QCOMPARE(supervisor.restartCount(), 1);
    const auto next = supervisor.enqueue(op(QStringLiteral("echo")));
    QTRY_VERIFY_WITH_TIMEOUT(next.isFinished(), LongWaitMs);
    QCOMPARE(answeredBy(next), spawned.first().at(0).toLongLong());
}

void tst_Lifecycle::crashMessageNamesSignalAndStderr()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("flux capacitor")));
    const auto f = supervisor.enqueue(op(QStringLiteral("crash-with-message")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    const QString message = rejection(f).value_or(LpmError(LpmError::Code::TimedOut)).message();
    QVERIFY2(message.contains(QLatin1String("signal 6")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("fatal: the flux capacitor broke")), qPrintable(message));
}

void tst_Lifecycle::retriesCountExactly_data()
{
    QTest::addColumn<int>("retries");
    QTest::newRow("no retry") << 0;
    QTest::newRow("one retry") << 1;
    QTest::newRow("two retries") << 2;
}

void tst_Lifecycle::retriesCountExactly()
{
    QFETCH(int, retries);
    LpmSupervisorConfig config = configFor(1);
    config.request.retries = retries;
    config.worker.restarts = 10;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exited(&supervisor, &LpmSupervisor::workerExited);
    for (int i = 0; i <= retries; ++i)
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    // A request that crashes every worker it meets: tried 1 + retries times.
    const auto f = supervisor.enqueue(op(QStringLiteral("crash")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(endedOnce(f));
    QCOMPARE(rejectionCode(f), LpmError::Code::WorkerCrashed);
    QCOMPARE(exited.count(), 1 + retries);
    QVERIFY(!exited.wait(500)); // and no more attempts after that
}

void tst_Lifecycle::retriedAfterCrash()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString marker = dir.filePath(QStringLiteral("crashed"));
    LpmSupervisor supervisor(configFor(1, { QStringLiteral("crash-once:") + marker }));
    QVERIFY(startAndWait(supervisor));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    LpmRequestOptions options;
    options.retries = -1; // unlimited
    const auto f = supervisor.enqueue(op(QStringLiteral("echo")), options);
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(endedOnce(f));
    QVERIFY(!rejection(f));
    QVERIFY(QFile::exists(marker)); // the first worker did crash under it
}

void tst_Lifecycle::exitReasonsObservable()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const qint64 pid = supervisor.health().value(0).pid;
    QSignalSpy exited(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: exit code 7")));
    const auto f = supervisor.enqueue(op(QStringLiteral("exit"), { { QStringLiteral("code"), 7 } }));
    QTRY_COMPARE_WITH_TIMEOUT(exited.count(), 1, LongWaitMs);
    const auto exit = exited.first().at(0).value<LpmWorkerExit>();
    QCOMPARE(exit.pid(), pid);
    QCOMPARE(exit.exitCode(), 7);
    QCOMPARE(exit.signal(), 0);
    QCOMPARE(supervisor.error(), LpmSupervisor::Error::WorkerCrashed);
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
}

// --- restarts ---------------------------------------------------------------------

void tst_Lifecycle::crashLoopHitsRestartLimit()
{
    LpmSupervisorConfig config = configFor(1, { QStringLiteral("exit-at-start") });
    config.worker.restarts = 3;
    LpmSupervisor supervisor(config);
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    QSignalSpy limit(&supervisor, &LpmSupervisor::restartLimitReached);
    connect(&supervisor, &LpmSupervisor::childSpawned, this, [this](qint64 pid) { m_spawned.insert(pid); });
    for (int i = 0; i < 4; ++i)
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: exit code 3")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Restart limit reached")));
    const auto queued = supervisor.enqueue(op(QStringLiteral("echo")));
    supervisor.start();
    QVERIFY(limit.wait(LongWaitMs));
    QCOMPARE(spawned.count(), 4); // the first worker and 3 restarts
    QTRY_VERIFY_WITH_TIMEOUT(queued.isFinished(), LongWaitMs);
    QVERIFY(endedOnce(queued));
    QCOMPARE(rejectionCode(queued), LpmError::Code::RestartLimitReached);
    // New requests fail at once instead of hanging.
    const auto late = supervisor.enqueue(op(QStringLiteral("echo")));
    QVERIFY(late.isFinished());
    QCOMPARE(rejectionCode(late), LpmError::Code::RestartLimitReached);
    // Quiet afterwards: no spawning, no spinning, and the host is alive.
    const double cpuBefore = cpuSeconds();
    QVERIFY(!spawned.wait(1000));
    QVERIFY2(cpuSeconds() - cpuBefore < 0.5, "the supervisor spins after the restart limit");
    QCOMPARE(supervisor.error(), LpmSupervisor::Error::RestartLimitReached);
}

void tst_Lifecycle::restartWindowSlides()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.restarts = 1;
    config.worker.maxRestartsInInterval = 2;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    QSignalSpy limit(&supervisor, &LpmSupervisor::restartLimitReached);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Restart limit reached")));
    supervisor.enqueue(op(QStringLiteral("crash")));
    QVERIFY(spawned.wait(LongWaitMs)); // the one restart allowed
    QTRY_VERIFY_WITH_TIMEOUT(!supervisor.health().isEmpty(), LongWaitMs);
    supervisor.enqueue(op(QStringLiteral("crash")));
    QVERIFY(limit.wait(LongWaitMs)); // refused: the window is full
    QCOMPARE(spawned.count(), 1);
    // Once the window has slid past the first restart, the slot is filled again.
    QTRY_COMPARE_WITH_TIMEOUT(spawned.count(), 2, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!supervisor.health().isEmpty(), LongWaitMs);
    const auto f = supervisor.enqueue(op(QStringLiteral("echo")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(!rejection(f));
}

// --- busy()/ready() and requests() ------------------------------------------------

void tst_Lifecycle::busyWorkerGetsNothing()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    // One worker goes busy for a while; every request meanwhile goes to the other.
    const auto busy = supervisor.enqueue(op(QStringLiteral("busy"), { { QStringLiteral("ms"), 3000 } }));
    QTRY_VERIFY_WITH_TIMEOUT(busy.isFinished(), LongWaitMs);
    const qint64 busyPid = answeredBy(busy);
    for (int i = 0; i < 10; ++i) {
        const auto f = supervisor.enqueue(op(QStringLiteral("echo")));
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
        QVERIFY(answeredBy(f) != busyPid);
    }
    // Ready again: it takes work again (the other one is kept occupied).
    QSet<qint64> seen;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        const auto a = supervisor.enqueue(sleepFor(200));
        const auto b = supervisor.enqueue(sleepFor(200));
        if (!QTest::qWaitFor([&] { return a.isFinished() && b.isFinished(); }, LongWaitMs))
            return false;
        seen.insert(answeredBy(a));
        seen.insert(answeredBy(b));
        return seen.contains(busyPid);
    }(), LongWaitMs);
}

void tst_Lifecycle::requestsListsOngoing()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const auto slow1 = supervisor.enqueue(sleepFor(2000));
    const auto slow2 = supervisor.enqueue(sleepFor(2000));
    const auto count = supervisor.enqueue(op(QStringLiteral("requests")));
    QTRY_VERIFY_WITH_TIMEOUT(count.isFinished(), LongWaitMs);
    QCOMPARE(count.result().data().toMap().value(QStringLiteral("ongoing")).toInt(), 3);
    QTRY_VERIFY_WITH_TIMEOUT(slow1.isFinished() && slow2.isFinished(), LongWaitMs);
}

// --- soft kill --------------------------------------------------------------------

void tst_Lifecycle::softKillFinishesWorkWithoutHandler()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 20; ++i)
        futures.append(supervisor.enqueue(sleepFor(100)));
    QSignalSpy exited(&supervisor, &LpmSupervisor::workerExited);
    QSignalSpy errors(&supervisor, &LpmSupervisor::errorOccurred);
    const QFuture<void> done = supervisor.softKill();
    QCOMPARE(supervisor.state(), LpmSupervisor::State::Draining);
    const auto refused = supervisor.enqueue(op(QStringLiteral("echo")));
    QVERIFY(refused.isFinished());
    QCOMPARE(rejectionCode(refused), LpmError::Code::ShuttingDown);
    QTRY_VERIFY_WITH_TIMEOUT(done.isFinished(), LongWaitMs);
    for (const auto &f : std::as_const(futures)) {
        QVERIFY(endedOnce(f));
        QVERIFY(!rejection(f)); // every accepted request was answered
    }
    QCOMPARE(exited.count(), 2);
    QCOMPARE(errors.count(), 0); // stopping on request is no crash
    QCOMPARE(supervisor.state(), LpmSupervisor::State::Stopped);
    QVERIFY(supervisor.health().isEmpty());
    QVERIFY(noneAlive(m_spawned));
    QCOMPARE(supervisor.softKill().isFinished(), true); // again: already done
}

void tst_Lifecycle::softKillWaitsForHandler()
{
    LpmSupervisor supervisor(configFor(1, { QStringLiteral("soft-handler") }));
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exited(&supervisor, &LpmSupervisor::workerExited);
    const QFuture<void> done = supervisor.softKill();
    QTRY_VERIFY_WITH_TIMEOUT(done.isFinished(), LongWaitMs);
    QCOMPARE(exited.count(), 1);
    QCOMPARE(exited.first().at(0).value<LpmWorkerExit>().exitCode(), 42); // the handler ran and called softKillDone()
}

void tst_Lifecycle::softKillWaitsForBusyWorker()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const auto busy = supervisor.enqueue(op(QStringLiteral("busy"), { { QStringLiteral("ms"), 3000 } }));
    QTRY_VERIFY_WITH_TIMEOUT(busy.isFinished(), LongWaitMs);
    const QFuture<void> done = supervisor.softKill();
    QVERIFY(!QTest::qWaitFor([&] { return done.isFinished(); }, 1000)); // busy: it stays
    QTRY_VERIFY_WITH_TIMEOUT(done.isFinished(), LongWaitMs);             // ready again: it goes
}

void tst_Lifecycle::softKillGraceEscalatesToHardKill()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const auto hung = supervisor.enqueue(op(QStringLiteral("hang")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("grace period over")));
    const QFuture<void> done = supervisor.softKill(300);
    QTRY_VERIFY_WITH_TIMEOUT(done.isFinished(), LongWaitMs);
    QVERIFY(endedOnce(hung));
    QCOMPARE(rejectionCode(hung), LpmError::Code::ShuttingDown);
    QVERIFY(noneAlive(m_spawned));
}

void tst_Lifecycle::softKillBeforeStartRejectsQueued()
{
    LpmSupervisor supervisor(configFor(1));
    const auto queued = supervisor.enqueue(op(QStringLiteral("echo")));
    const QFuture<void> done = supervisor.softKill();
    QVERIFY(done.isFinished());
    QVERIFY(endedOnce(queued));
    QCOMPARE(rejectionCode(queued), LpmError::Code::ShuttingDown);
}

// --- hard kill --------------------------------------------------------------------

void tst_Lifecycle::hardKillRejectsAndRemovesHungWorker()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const auto hung = supervisor.enqueue(op(QStringLiteral("hang")));
    QList<QFuture<LpmResponse>> futures{ hung };
    for (int i = 0; i < 5; ++i)
        futures.append(supervisor.enqueue(op(QStringLiteral("echo"))));
    QSignalSpy stopped(&supervisor, &LpmSupervisor::stateChanged);
    supervisor.hardKill();
    for (const auto &f : std::as_const(futures)) { // at once
        QVERIFY(endedOnce(f));
        QCOMPARE(rejectionCode(f), LpmError::Code::ShuttingDown);
    }
    QCOMPARE(supervisor.state(), LpmSupervisor::State::Stopping);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    QVERIFY(noneAlive(m_spawned)); // the hung worker was killed
    QCOMPARE(supervisor.pendingCount(), 0);
}

void tst_Lifecycle::hardKillRequestedReachesWorker()
{
    LpmSupervisor supervisor(configFor(1, { QStringLiteral("hard-handler") }));
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exited(&supervisor, &LpmSupervisor::workerExited);
    supervisor.hardKill();
    QVERIFY(exited.wait(LongWaitMs));
    QCOMPARE(exited.first().at(0).value<LpmWorkerExit>().exitCode(), 43);
    QCOMPARE(exited.first().at(0).value<LpmWorkerExit>().signal(), 0);
    QCOMPARE(exited.first().at(0).value<LpmWorkerExit>().reason(), LpmWorkerExit::Reason::Requested);
}

void tst_Lifecycle::startAgainAfterKill()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    supervisor.hardKill();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    const auto refused = supervisor.enqueue(op(QStringLiteral("echo")));
    QCOMPARE(rejectionCode(refused), LpmError::Code::ShuttingDown);
    QVERIFY(startAndWait(supervisor));
    QCOMPARE(supervisor.health().size(), 2);
    const auto f = supervisor.enqueue(op(QStringLiteral("echo")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(!rejection(f));
}

// --- SIGINT -----------------------------------------------------------------------

void tst_Lifecycle::sigintEmitsInterruptedWhenConnected()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QSignalSpy interrupted(&supervisor, &LpmSupervisor::interrupted); // a connection: no default
    ::raise(SIGINT);
    QVERIFY(interrupted.wait(LongWaitMs));
    QCOMPARE(supervisor.state(), LpmSupervisor::State::Online);
    const auto f = supervisor.enqueue(op(QStringLiteral("echo")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(!rejection(f));
}

void tst_Lifecycle::sigintDefaultHardKills()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const auto hung = supervisor.enqueue(op(QStringLiteral("hang")));
    ::raise(SIGINT);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    QCOMPARE(rejectionCode(hung), LpmError::Code::ShuttingDown);
}

// --- resize -----------------------------------------------------------------------

void tst_Lifecycle::resizeUpAndDownUnderLoad()
{
    LpmSupervisorConfig config = configFor(2);
    config.worker.restarts = 0; // growing and retiring must not count as restarts
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    QSignalSpy exited(&supervisor, &LpmSupervisor::workerExited);
    QSignalSpy errors(&supervisor, &LpmSupervisor::errorOccurred);
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 200; ++i)
        futures.append(supervisor.enqueue(sleepFor(10)));

    supervisor.resize(4);
    QCOMPARE(supervisor.targetCount(), 4);
    QTRY_COMPARE_WITH_TIMEOUT(spawned.count(), 2, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.health().size(), 4, LongWaitMs);
    for (int i = 0; i < 200; ++i)
        futures.append(supervisor.enqueue(sleepFor(10)));

    QSignalSpy states(&supervisor, &LpmSupervisor::workerStateChanged);
    supervisor.resize(1);
    QCOMPARE(supervisor.config().worker.count, 1);
    QCOMPARE(std::count_if(states.cbegin(), states.cend(), [](const QList<QVariant> &args) {
                 return args.at(1).value<LpmWorkerStatus::State>() == LpmWorkerStatus::State::Draining;
             }), 3);
    QTRY_COMPARE_WITH_TIMEOUT(exited.count(), 3, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(futures), LongWaitMs);
    for (const auto &f : std::as_const(futures)) {
        QVERIFY(endedOnce(f));
        QVERIFY(!rejection(f)); // retiring workers answered what they held
    }
    QCOMPARE(supervisor.health().size(), 1);
    QCOMPARE(errors.count(), 0);
    QCOMPARE(spawned.count(), 2); // nothing was "restarted"
    QCOMPARE(supervisor.restartCount(), 0);
    const auto f = supervisor.enqueue(op(QStringLiteral("echo")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(!rejection(f));
}

QTEST_GUILESS_MAIN(tst_Lifecycle)
#include "tst_lifecycle.moc"
