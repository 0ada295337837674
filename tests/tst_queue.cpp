// SPEC "The queue and what it tells", with real worker processes: the queue bound
// (also against eight producer threads), waiting for room from another thread,
// priorities, autoscaling between its bounds without thrashing, and metrics that
// agree with what the test measures itself.

#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtCore/qdir.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qpoint.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <vector>

using namespace LpmTest;

namespace {

QVariantMap tagged(const QString &tag)
{
    return op(QStringLiteral("echo"), { { QStringLiteral("tag"), tag } });
}

QString tagOf(const LpmResponse &response)
{
    return response.data().toMap().value(QStringLiteral("echo")).toMap().value(QStringLiteral("tag")).toString();
}

int startingWorkers(const LpmSupervisor &supervisor)
{
    const QList<LpmWorkerStatus> workers = supervisor.workers();
    return int(std::count_if(workers.cbegin(), workers.cend(), [](const LpmWorkerStatus &w) {
        return w.state() == LpmWorkerStatus::State::Starting;
    }));
}

bool within(double value, double expected, double relative, double absolute)
{
    return std::abs(value - expected) <= expected * relative + absolute;
}

// Requests that hold their worker until the test opens the gate (a file appears).
class Gate
{
public:
    QVariantMap wait() const { return op(QStringLiteral("wait-file"), { { QStringLiteral("file"), path() } }); }
    QVariantMap spin() const { return op(QStringLiteral("spin"), { { QStringLiteral("file"), path() } }); }
    bool open() const
    {
        QFile file(path());
        return file.open(QIODevice::WriteOnly);
    }

private:
    QString path() const { return m_dir.filePath(QStringLiteral("open")); }
    QTemporaryDir m_dir;
};

} // namespace

class tst_Queue : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup();

    void queueFullRejectsAtOnceAndNamesTheBound();
    void retriesReenterAFullQueue();
    void boundHoldsUnderEightProducerThreads();
    void producersWaitingForRoomLoseNothing();
    void waitingForRoomTimesOut();
    void aWaiterIsLetInWhenTheQueueDrains();
    void queueLengthNotifies();
    void higherPriorityOvertakes();
    void autoscaleGrowsOneAtATimeWithinMax();
    void autoscaleWithWorkQueuedBeforeTheStart();
    void autoscaleDoesNotGetAroundTheRestartLimit();
    void autoscaleShrinksIdleWorkersToMin();
    void burstyLoadDoesNotThrash();
    void anIdleWorkerStaysAsHeadroom();
    void boundsCanChangeWhileRunning();
    void metricsAgreeWithMeasuredTimes();
    void failuresAreCounted();
    void aRetryWaitsOnceAndRunsOnce();
    void workerStatusHasCpuAndRunTime();

private:
    QSet<qint64> m_spawned;
};

void tst_Queue::cleanup()
{
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(m_spawned), LongWaitMs);
    m_spawned.clear();
}

void tst_Queue::queueFullRejectsAtOnceAndNamesTheBound()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxInFlight = 1;
    config.request.maxQueued = 3;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));

    QList<QFuture<LpmResponse>> accepted;
    accepted << supervisor.enqueue(sleepFor(800)); // held by the worker, not queued
    for (int i = 0; i < 3; ++i)
        accepted << supervisor.enqueue(tagged(QString::number(i)));
    QCOMPARE(supervisor.queueLength(), 3);

    QFuture<LpmResponse> refused = supervisor.enqueue(tagged(QStringLiteral("over")));
    QVERIFY(refused.isFinished()); // at once, in the caller's thread
    const auto error = rejection(refused);
    QVERIFY(error);
    QCOMPARE(error->code(), LpmError::Code::QueueFull);
    QVERIFY2(error->message().contains(QLatin1String("maxQueued is 3")), qPrintable(error->message()));
    QCOMPARE(supervisor.queueLength(), 3);

    // The pool serves what it accepted, then has room again.
    for (const auto &future : accepted) {
        QVERIFY(waitFor(future));
        QVERIFY2(!rejection(future), qPrintable(failureOf(future)));
    }
    QFuture<LpmResponse> later = supervisor.enqueue(tagged(QStringLiteral("later")));
    QVERIFY(waitFor(later));
    QCOMPARE(tagOf(later.result()), QStringLiteral("later"));
    QCOMPARE(supervisor.config().request.maxQueued, 3);
}

void tst_Queue::retriesReenterAFullQueue()
{
    // Work taken back from a dead worker is accepted work: it re-enters a full queue.
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxInFlight = 1;
    config.worker.backoffInitial = 0;
    config.request.maxQueued = 2;
    config.request.retries = 1;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));

    QFuture<LpmResponse> crashing = supervisor.enqueue(
            op(QStringLiteral("crash-later"), { { QStringLiteral("ms"), 300 } }), LpmRequestOptions{ {}, 0, 0 });
    QFuture<LpmResponse> first = supervisor.enqueue(tagged(QStringLiteral("a")));
    QFuture<LpmResponse> second = supervisor.enqueue(tagged(QStringLiteral("b")));
    QCOMPARE(supervisor.queueLength(), 2);
    QCOMPARE(rejectionCode(supervisor.enqueue(tagged(QStringLiteral("c")))), LpmError::Code::QueueFull);

    // crashing has no retries; a retried echo held at the crash must come back.
    LpmRequestOptions retried;
    retried.retries = 1;
    QVERIFY(waitFor(crashing));
    QCOMPARE(rejectionCode(crashing), LpmError::Code::WorkerCrashed);
    QVERIFY(waitFor(first));
    QVERIFY(waitFor(second));
    QCOMPARE(tagOf(first.result()), QStringLiteral("a"));
    QCOMPARE(tagOf(second.result()), QStringLiteral("b"));

    // Now a retried request is held at the crash while the queue is full.
    QFuture<LpmResponse> heldAtCrash = supervisor.enqueue(
            op(QStringLiteral("crash-later"), { { QStringLiteral("ms"), 300 } }), retried);
    QFuture<LpmResponse> x = supervisor.enqueue(tagged(QStringLiteral("x")));
    QFuture<LpmResponse> y = supervisor.enqueue(tagged(QStringLiteral("y")));
    QCOMPARE(supervisor.queueLength(), 2);
    QSignalSpy exited(&supervisor, &LpmSupervisor::workerExited);
    QVERIFY(exited.wait(LongWaitMs));
    // Three wait now, over the bound of two: none was dropped.
    QCOMPARE(supervisor.pendingCount(), 3);
    QVERIFY(waitFor(heldAtCrash)); // crashes again and has no retry left
    QCOMPARE(rejectionCode(heldAtCrash), LpmError::Code::WorkerCrashed);
    QVERIFY(waitFor(x));
    QVERIFY(waitFor(y));
    QVERIFY(!rejection(x) && !rejection(y));
}

void tst_Queue::boundHoldsUnderEightProducerThreads()
{
    constexpr int Bound = 40;
    constexpr int Producers = 8;
    constexpr int PerProducer = 150;
    LpmSupervisorConfig config = configFor(2);
    config.worker.maxInFlight = 1;
    config.request.maxQueued = Bound;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));

    int longestSeen = 0;
    connect(&supervisor, &LpmSupervisor::queueLengthChanged, this,
            [&](int length) { longestSeen = qMax(longestSeen, length); });
    std::atomic<int> longestInProducers{ 0 };
    std::vector<std::unique_ptr<QThread>> threads;
    std::vector<QList<QFuture<LpmResponse>>> futures(Producers);
    for (int p = 0; p < Producers; ++p) {
        threads.emplace_back(QThread::create([&, p] {
            for (int i = 0; i < PerProducer; ++i) {
                futures[size_t(p)].append(supervisor.enqueue(sleepFor(2)));
                const int length = supervisor.queueLength();
                int seen = longestInProducers.load();
                while (length > seen && !longestInProducers.compare_exchange_weak(seen, length)) {
                }
            }
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QTRY_VERIFY_WITH_TIMEOUT(thread->isFinished(), LongWaitMs);
    int answered = 0;
    int full = 0;
    for (const auto &list : futures) {
        for (const auto &future : list) {
            QVERIFY(waitFor(future));
            QVERIFY(endedOnce(future));
            const auto code = rejectionCode(future);
            if (!code)
                ++answered;
            else if (*code == LpmError::Code::QueueFull)
                ++full;
            else
                QFAIL(qPrintable(failureOf(future)));
        }
    }
    QCOMPARE(answered + full, Producers * PerProducer);
    QVERIFY2(full > 0, "the producers never filled the queue");
    QVERIFY2(longestSeen <= Bound, qPrintable(QString::number(longestSeen)));
    QVERIFY2(longestInProducers.load() <= Bound, qPrintable(QString::number(longestInProducers.load())));
    QCOMPARE(supervisor.handledCount(), answered);
}

void tst_Queue::producersWaitingForRoomLoseNothing()
{
    constexpr int Bound = 4;
    constexpr int Producers = 8;
    constexpr int PerProducer = 40;
    LpmSupervisorConfig config = configFor(2);
    config.worker.maxInFlight = 1;
    config.request.maxQueued = Bound;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));

    std::atomic<int> answered{ 0 };
    std::atomic<int> refusedAgain{ 0 };
    std::atomic<int> overBound{ 0 };
    std::vector<std::unique_ptr<QThread>> threads;
    for (int p = 0; p < Producers; ++p) {
        threads.emplace_back(QThread::create([&] {
            // All of a producer's requests outstanding at once: 320 against a bound of 4.
            QList<QFuture<LpmResponse>> futures;
            for (int i = 0; i < PerProducer; ++i) {
                QFuture<LpmResponse> future;
                for (;;) { // another producer may take the room first: wait again
                    QVERIFY(supervisor.waitForQueueRoom(LongWaitMs));
                    future = supervisor.enqueue(sleepFor(1));
                    if (!future.isFinished() || rejectionCode(future) != LpmError::Code::QueueFull)
                        break;
                    ++refusedAgain;
                }
                if (supervisor.queueLength() > Bound)
                    ++overBound;
                futures << future;
            }
            for (auto &future : futures) {
                future.waitForFinished();
                if (!rejection(future))
                    ++answered;
            }
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QTRY_VERIFY_WITH_TIMEOUT(thread->isFinished(), LongWaitMs);
    QCOMPARE(overBound.load(), 0);
    QCOMPARE(answered.load(), Producers * PerProducer);
    qDebug() << "refused after waiting (another producer was first):" << refusedAgain.load();
}

void tst_Queue::waitingForRoomTimesOut()
{
    LpmSupervisorConfig config = configFor(1, { QStringLiteral("noready") });
    config.request.maxQueued = 1;
    LpmSupervisor supervisor(config);
    connect(&supervisor, &LpmSupervisor::childSpawned, this, [this](qint64 pid) { m_spawned.insert(pid); });
    supervisor.start();
    QFuture<LpmResponse> waiting = supervisor.enqueue(tagged(QStringLiteral("w")));
    QCOMPARE(supervisor.queueLength(), 1);

    bool room = true;
    qint64 waitedMs = 0;
    std::unique_ptr<QThread> producer(QThread::create([&] {
        QElapsedTimer clock;
        clock.start();
        room = supervisor.waitForQueueRoom(300);
        waitedMs = clock.elapsed();
    }));
    producer->start();
    QTRY_VERIFY_WITH_TIMEOUT(producer->isFinished(), LongWaitMs);
    QVERIFY(!room);
    QVERIFY2(waitedMs >= 250, qPrintable(QString::number(waitedMs)));

    // In the supervisor's own thread it cannot wait: it says so and returns.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("waitForQueueRoom.*supervisor's thread")));
    QVERIFY(!supervisor.waitForQueueRoom(10000));

    // A waiter is let go when the bound is lifted.
    std::unique_ptr<QThread> released(QThread::create([&] { room = supervisor.waitForQueueRoom(LongWaitMs); }));
    released->start();
    QTest::qWait(50); // let it start waiting; it returns either way
    supervisor.setMaxQueued(0);
    QTRY_VERIFY_WITH_TIMEOUT(released->isFinished(), LongWaitMs);
    QVERIFY(room);
    supervisor.hardKill();
    QVERIFY(waitFor(waiting));
}

void tst_Queue::aWaiterIsLetInWhenTheQueueDrains()
{
    Gate gate;
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxInFlight = 1;
    config.request.maxQueued = 1;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QFuture<LpmResponse> held = supervisor.enqueue(gate.wait());
    QFuture<LpmResponse> queued = supervisor.enqueue(tagged(QStringLiteral("q")));
    QCOMPARE(supervisor.queueLength(), 1);

    std::atomic<bool> returned{ false };
    bool room = false;
    std::unique_ptr<QThread> producer(QThread::create([&] {
        room = supervisor.waitForQueueRoom(LongWaitMs);
        returned = true;
    }));
    producer->start();
    // Whether or not it waits yet, it cannot return while the queue stays full.
    QTest::qWait(200);
    QVERIFY(!returned);
    QVERIFY(gate.open()); // the held request answers, the queued one is sent: room
    QTRY_VERIFY_WITH_TIMEOUT(producer->isFinished(), LongWaitMs);
    QVERIFY(room);
    QVERIFY(waitFor(held));
    QVERIFY(waitFor(queued));
}

void tst_Queue::queueLengthNotifies()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxInFlight = 1;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QSignalSpy changed(&supervisor, &LpmSupervisor::queueLengthChanged);
    QList<QFuture<LpmResponse>> futures;
    futures << supervisor.enqueue(sleepFor(300));
    for (int i = 0; i < 5; ++i)
        futures << supervisor.enqueue(tagged(QString::number(i)));
    QVERIFY(changed.wait(LongWaitMs));
    // One emission for the burst, with the length at the end of it.
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().first().toInt(), 5);
    for (const auto &future : futures)
        QVERIFY(waitFor(future));
    QTRY_COMPARE_WITH_TIMEOUT(changed.last().first().toInt(), 0, LongWaitMs);
    // The property says so too.
    const QMetaProperty property = supervisor.metaObject()->property(
            supervisor.metaObject()->indexOfProperty("queueLength"));
    QVERIFY(property.hasNotifySignal());
}

void tst_Queue::higherPriorityOvertakes()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxInFlight = 1;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));

    QStringList order;
    QList<QFuture<LpmResponse>> futures;
    const auto send = [&](const QString &tag, int priority) {
        LpmRequestOptions options;
        options.priority = priority;
        futures << supervisor.enqueue(tagged(tag), options).then(this, [&order](const LpmResponse &r) {
            order << tagOf(r);
            return r;
        });
    };
    send(QStringLiteral("first"), 0); // taken at once; the rest wait behind it
    QCOMPARE(supervisor.queueLength(), 0);
    futures << supervisor.enqueue(sleepFor(300));
    for (int i = 0; i < 3; ++i)
        send(QStringLiteral("low%1").arg(i), -1);
    for (int i = 0; i < 3; ++i)
        send(QStringLiteral("normal%1").arg(i), 0);
    for (int i = 0; i < 3; ++i)
        send(QStringLiteral("high%1").arg(i), 10);
    send(QStringLiteral("middle"), 5);
    for (const auto &future : futures)
        QVERIFY(waitFor(future));
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 11, LongWaitMs);
    QCOMPARE(order, (QStringList{ QStringLiteral("first"), QStringLiteral("high0"), QStringLiteral("high1"),
                                  QStringLiteral("high2"), QStringLiteral("middle"), QStringLiteral("normal0"),
                                  QStringLiteral("normal1"), QStringLiteral("normal2"), QStringLiteral("low0"),
                                  QStringLiteral("low1"), QStringLiteral("low2") }));
}

void tst_Queue::autoscaleGrowsOneAtATimeWithinMax()
{
    Gate gate;
    LpmSupervisorConfig config = configFor(1);
    config.worker.minCount = 1;
    config.worker.maxCount = 3;
    config.worker.maxInFlight = 1;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QCOMPARE(supervisor.targetCount(), 1);

    QList<int> startingAtSpawn;
    connect(&supervisor, &LpmSupervisor::childSpawned, this,
            [&] { startingAtSpawn << startingWorkers(supervisor); });
    int largest = 0;
    connect(&supervisor, &LpmSupervisor::targetCountChanged, this, [&](int count) { largest = qMax(largest, count); });
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 12; ++i)
        futures << supervisor.enqueue(gate.wait());
    // Every worker holds one and nine wait: the pool grows to maxCount, no further.
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().size(), 3, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.queueLength(), 9, LongWaitMs);
    QVERIFY(gate.open());
    for (const auto &future : futures) {
        QVERIFY(waitFor(future));
        QVERIFY2(!rejection(future), qPrintable(failureOf(future)));
    }
    QCOMPARE(largest, 3);
    QCOMPARE(supervisor.targetCount(), 3);
    QCOMPARE(startingAtSpawn.size(), 2); // grew by two, never past maxCount
    for (int starting : startingAtSpawn)
        QCOMPARE(starting, 1); // only the new one was starting: one at a time
    QCOMPARE(supervisor.restartCount(), 0);
    QSet<qint64> answeredBy;
    for (const auto &future : futures)
        answeredBy.insert(LpmTest::answeredBy(future));
    QCOMPARE(answeredBy.size(), 3);
}

void tst_Queue::autoscaleWithWorkQueuedBeforeTheStart()
{
    Gate gate;
    LpmSupervisorConfig config = configFor(1);
    config.worker.minCount = 1;
    config.worker.maxCount = 3;
    config.worker.maxInFlight = 1;
    LpmSupervisor supervisor(config);
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 6; ++i)
        futures << supervisor.enqueue(gate.wait());
    int mostAlive = 0;
    connect(&supervisor, &LpmSupervisor::childSpawned, this, [&] {
        mostAlive = qMax(mostAlive, int(supervisor.workers().size()));
    });
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().size(), 3, LongWaitMs);
    QVERIFY(gate.open());
    for (const auto &future : futures)
        QVERIFY(waitFor(future));
    // The start spawned its count, then growth one by one: never two workers per slot.
    QCOMPARE(m_spawned.size(), 3);
    QVERIFY2(mostAlive <= 3, qPrintable(QString::number(mostAlive)));
    QSet<int> slotsHeld;
    for (const LpmWorkerStatus &worker : supervisor.workers())
        slotsHeld.insert(worker.slot());
    QCOMPARE(slotsHeld, (QSet<int>{ 0, 1, 2 }));
}

void tst_Queue::autoscaleDoesNotGetAroundTheRestartLimit()
{
    // Two workers, one restart allowed: slot 0 crashes twice, is lost to the limit, and
    // demand must not bring it back (or more) through growth.
    Gate gate;
    LpmSupervisorConfig config = configFor(2);
    config.worker.minCount = 1;
    config.worker.maxCount = 4;
    config.worker.maxInFlight = 1;
    config.worker.restarts = 1;
    config.worker.backoffInitial = 0;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QSignalSpy limit(&supervisor, &LpmSupervisor::restartLimitReached);
    for (int crash = 0; crash < 2; ++crash) {
        QSignalSpy exited(&supervisor, &LpmSupervisor::workerExited);
        QFuture<LpmResponse> f = supervisor.enqueue(op(QStringLiteral("crash")));
        QVERIFY(waitFor(f));
        QVERIFY(exited.count() > 0 || exited.wait(LongWaitMs));
    }
    QVERIFY(limit.count() > 0 || limit.wait(LongWaitMs));
    const int spawnedBefore = int(m_spawned.size());
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().size(), 1, LongWaitMs);
    // The one left is occupied and work waits: the pool is not at its target, so it
    // does not grow.
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 4; ++i)
        futures << supervisor.enqueue(gate.wait());
    QTest::qWait(500); // growth would start at once; nothing must
    QCOMPARE(int(m_spawned.size()), spawnedBefore);
    QCOMPARE(supervisor.workers().size(), 1);
    QVERIFY(gate.open());
    for (const auto &future : futures)
        QVERIFY(waitFor(future));
}

void tst_Queue::autoscaleShrinksIdleWorkersToMin()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.minCount = 1;
    config.worker.maxCount = 3;
    config.worker.maxInFlight = 1;
    config.worker.idleTimeout = 400;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 8; ++i)
        futures << supervisor.enqueue(sleepFor(250));
    QTRY_VERIFY_WITH_TIMEOUT(supervisor.targetCount() >= 2, LongWaitMs);
    for (const auto &future : futures)
        QVERIFY(waitFor(future));
    // Idle past idleTimeout: back to minCount, never below, and no restart.
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.targetCount(), 1, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().size(), 1, LongWaitMs);
    for (const QList<QVariant> &args : exits) {
        const LpmWorkerExit exit = args.first().value<LpmWorkerExit>();
        QCOMPARE(exit.reason(), LpmWorkerExit::Reason::Requested);
    }
    QCOMPARE(supervisor.restartCount(), 0);
    QTest::qWait(3 * 400); // nothing more happens to the last one
    QCOMPARE(supervisor.workers().size(), 1);
    QCOMPARE(supervisor.state(), LpmSupervisor::State::Online);
}

void tst_Queue::burstyLoadDoesNotThrash()
{
    constexpr int MaxCount = 4;
    LpmSupervisorConfig config = configFor(1);
    config.worker.minCount = 1;
    config.worker.maxCount = MaxCount;
    config.worker.maxInFlight = 1;
    config.worker.idleTimeout = 4000; // longer than the pauses between bursts
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    int spawns = 0;
    connect(&supervisor, &LpmSupervisor::childSpawned, this, [&] { ++spawns; });
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);

    for (int burst = 0; burst < 6; ++burst) {
        QList<QFuture<LpmResponse>> futures;
        for (int i = 0; i < 10; ++i)
            futures << supervisor.enqueue(sleepFor(60));
        for (const auto &future : futures)
            QVERIFY(waitFor(future));
        QTest::qWait(250); // the pause between bursts: shapes the load, waits for nothing
    }
    // Grown for the first bursts, then kept through the pauses: at most one spawn per
    // worker above minCount, none retired meanwhile.
    QVERIFY2(spawns <= MaxCount - 1, qPrintable(QString::number(spawns)));
    QVERIFY(spawns >= 1);
    QCOMPARE(exits.count(), 0);
}

void tst_Queue::anIdleWorkerStaysAsHeadroom()
{
    Gate burst;
    Gate steady;
    LpmSupervisorConfig config = configFor(1);
    config.worker.minCount = 1;
    config.worker.maxCount = 3;
    config.worker.maxInFlight = 1;
    config.worker.idleTimeout = 300;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 6; ++i)
        futures << supervisor.enqueue(burst.wait());
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().size(), 3, LongWaitMs);
    QVERIFY(burst.open());
    for (const auto &future : futures)
        QVERIFY(waitFor(future));
    // Two workers stay busy: the third, idle, is the headroom and stays.
    QList<QFuture<LpmResponse>> held{ supervisor.enqueue(steady.wait()), supervisor.enqueue(steady.wait()) };
    QTest::qWait(4 * 300); // long past idleTimeout: nothing may happen
    QCOMPARE(supervisor.targetCount(), 3);
    QVERIFY(steady.open());
    for (const auto &future : held)
        QVERIFY(waitFor(future));
    // All idle: down to minCount, the highest slots first.
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.targetCount(), 1, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().size(), 1, LongWaitMs);
    QCOMPARE(supervisor.workers().first().slot(), 0);
}

void tst_Queue::boundsCanChangeWhileRunning()
{
    LpmSupervisorConfig config = configFor(2);
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QCOMPARE(supervisor.config().worker.minCount, 2);
    QCOMPARE(supervisor.config().worker.maxCount, 2);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("worker bounds 3 .. 1 ignored")));
    QVERIFY(!supervisor.setWorkerBounds(3, 1));
    QSignalSpy resized(&supervisor, &LpmSupervisor::targetCountChanged);
    QVERIFY(supervisor.setWorkerBounds(3, 5)); // the pool grows into the bounds
    QCOMPARE(resized.count(), 1);
    QCOMPARE(supervisor.targetCount(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().size(), 3, LongWaitMs);
    QCOMPARE(supervisor.config().worker.maxCount, 5);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("worker count 9 brought within")));
    supervisor.resize(9);
    QCOMPARE(supervisor.targetCount(), 5);
    supervisor.setIdleTimeout(200);
    QCOMPARE(supervisor.config().worker.idleTimeout, 200);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.targetCount(), 3, LongWaitMs); // idle down to minCount
    supervisor.setMaxQueued(7);
    QCOMPARE(supervisor.config().request.maxQueued, 7);
}

void tst_Queue::metricsAgreeWithMeasuredTimes()
{
    constexpr int Requests = 16;
    constexpr int RunMs = 100;
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxInFlight = 1;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    supervisor.resetMetrics();

    // One worker, one at a time: request i waits for the i before it.
    QElapsedTimer clock;
    clock.start();
    QList<qint64> answeredAtMs;
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < Requests; ++i) {
        futures << supervisor.enqueue(sleepFor(RunMs)).then(this, [&](const LpmResponse &r) {
            answeredAtMs << clock.elapsed();
            return r;
        });
    }
    for (const auto &future : futures)
        QVERIFY(waitFor(future));
    QTRY_COMPARE_WITH_TIMEOUT(answeredAtMs.size(), Requests, LongWaitMs);
    const qint64 totalMs = clock.elapsed();

    const LpmPoolMetrics metrics = supervisor.metrics();
    const LpmLatency run = metrics.runTime();
    QCOMPARE(run.count(), Requests);
    // Each ran at least RunMs (the bucket standing for it may be 3 % lower) and, on
    // average, the time between answers.
    const double meanGapMs = double(answeredAtMs.last() - answeredAtMs.first()) / (Requests - 1);
    QVERIFY2(run.p50() >= RunMs * 1000 * 0.96, qPrintable(QString::number(run.p50())));
    QVERIFY2(within(run.mean() / 1000.0, meanGapMs, 0.15, 5),
             qPrintable(QStringLiteral("mean %1 us, gap %2 ms").arg(run.mean()).arg(meanGapMs)));
    // Request i was sent when request i-1 was answered: its wait is that answer's time.
    const LpmLatency wait = metrics.queueWait();
    QCOMPARE(wait.count(), Requests);
    QVERIFY2(within(wait.max() / 1000.0, double(answeredAtMs.at(Requests - 2)), 0.10, 20),
             qPrintable(QStringLiteral("max wait %1 us, answer %2 ms").arg(wait.max()).arg(answeredAtMs.at(Requests - 2))));
    QVERIFY2(within(wait.p50() / 1000.0, double(answeredAtMs.at(Requests / 2 - 2)), 0.15, 20),
             qPrintable(QStringLiteral("p50 wait %1 us").arg(wait.p50())));
    QVERIFY(wait.p50() <= wait.p90() && wait.p90() <= wait.p99() && wait.p99() <= wait.max());
    // Answers per second since the reset.
    QVERIFY2(within(metrics.throughput(), Requests * 1000.0 / double(totalMs), 0.25, 0.5),
             qPrintable(QStringLiteral("%1 per s over %2 ms").arg(metrics.throughput()).arg(totalMs)));
    // The worker held work nearly all the time since the reset (sampled every 500 ms).
    QVERIFY2(metrics.utilization() > 0.6, qPrintable(QString::number(metrics.utilization())));
    QCOMPARE(metrics.failed(), 0);

    supervisor.resetMetrics();
    QCOMPARE(supervisor.metrics().runTime().count(), 0);
    QCOMPARE(supervisor.metrics().queueWait().count(), 0);
}

void tst_Queue::failuresAreCounted()
{
    LpmSupervisorConfig config = configFor(1);
    config.worker.maxInFlight = 1;
    config.request.maxQueued = 2;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    LpmRequestOptions quick;
    quick.timeout = 50;
    QList<QFuture<LpmResponse>> futures;
    futures << supervisor.enqueue(sleepFor(1000), quick);            // times out
    futures << supervisor.enqueue(sleepFor(10));                     // queued
    futures << supervisor.enqueue(sleepFor(10));                     // queued
    futures << supervisor.enqueue(sleepFor(10));                     // QueueFull
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot cross processes")));
    futures << supervisor.enqueue(QVariant::fromValue(QPoint(1, 1))); // not serializable
    futures << supervisor.enqueue(sleepFor(10));                     // QueueFull
    for (const auto &future : futures)
        QVERIFY(waitFor(future));
    QCOMPARE(rejectionCode(futures.at(0)), LpmError::Code::TimedOut);
    QCOMPARE(rejectionCode(futures.at(3)), LpmError::Code::QueueFull);
    QCOMPARE(rejectionCode(futures.at(4)), LpmError::Code::NotSerializable);
    QCOMPARE(rejectionCode(futures.at(5)), LpmError::Code::QueueFull);
    QVERIFY(!rejection(futures.at(1)) && !rejection(futures.at(2)));
    QCOMPARE(supervisor.metrics().failed(), 4);
}

void tst_Queue::aRetryWaitsOnceAndRunsOnce()
{
    // A request whose worker dies is sent again: its wait counts once (up to its first
    // send), its run time from the send that was answered.
    QTemporaryDir dir;
    const QString marker = dir.filePath(QStringLiteral("crashed"));
    LpmSupervisorConfig config = configFor(1, { QStringLiteral("crash-once:") + marker });
    config.worker.backoffInitial = 0;
    config.request.retries = 1;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    supervisor.resetMetrics();
    QFuture<LpmResponse> f = supervisor.enqueue(sleepFor(50));
    QVERIFY(waitFor(f));
    QVERIFY2(!rejection(f), qPrintable(failureOf(f)));
    const LpmPoolMetrics metrics = supervisor.metrics();
    QCOMPARE(metrics.queueWait().count(), 1);
    QCOMPARE(metrics.runTime().count(), 1);
    QVERIFY(metrics.runTime().max() >= 50 * 1000);
    QVERIFY2(metrics.runTime().max() < 60 * 1000 * 1000, "the run time spans the crash"); // sanity
    QCOMPARE(metrics.failed(), 0);
}

void tst_Queue::workerStatusHasCpuAndRunTime()
{
    Gate gate;
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor, &m_spawned));
    LpmWorkerModel model(&supervisor);
    QFuture<LpmResponse> spinning = supervisor.enqueue(gate.spin()); // until the gate opens
    const auto cpuOfBusiest = [&] {
        double most = 0;
        for (const LpmWorkerStatus &worker : supervisor.workers())
            most = qMax(most, worker.cpuPercent());
        return most;
    };
    // A core kept busy shows; even on a loaded machine it gets a good share of one.
    QTRY_VERIFY_WITH_TIMEOUT(cpuOfBusiest() > 25, LongWaitMs);
    QVERIFY(gate.open());
    QVERIFY(waitFor(spinning));
    const qint64 spunMs = spinning.result().data().toMap().value(QStringLiteral("spun")).toLongLong();
    const qint64 pid = answeredBy(spinning);
    QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() == 2, LongWaitMs);
    bool found = false;
    for (const LpmWorkerStatus &worker : supervisor.workers()) {
        if (worker.pid() != pid) {
            QCOMPARE(worker.runTime().count(), 0);
            continue;
        }
        found = true;
        QCOMPARE(worker.runTime().count(), 1);
        QVERIFY2(worker.runTime().max() >= spunMs * 1000, qPrintable(QString::number(worker.runTime().max())));
    }
    QVERIFY(found);
    // The model's roles carry the same, for views and QML.
    const auto modelShowsTheRunTime = [&] {
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex index = model.index(row);
            if (model.data(index, LpmWorkerModel::PidRole).toLongLong() == pid)
                return model.data(index, LpmWorkerModel::RunTimeRole).value<LpmLatency>().count() == 1;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(modelShowsTheRunTime(), LongWaitMs);
    QVERIFY(model.roleNames().values().contains("cpuPercent"));
    QCOMPARE(model.data(model.index(0), LpmWorkerModel::CpuPercentRole).typeId(), QMetaType::Double);
}

QTEST_GUILESS_MAIN(tst_Queue)
#include "tst_queue.moc"
