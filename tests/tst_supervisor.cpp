#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtCore/qpoint.h>
#include <QtCore/qtimer.h>
#include <QtCore/qset.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <thread>

using namespace LpmTest;

class tst_Supervisor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void onlineOnceAndChildSpawnedPerWorker();
    void manyRequestsInFlightAllAnsweredOnce();
    void idleWorkerFirst();
    void backlogSpreadWithInFlightCap();
    void lowestRssFirst();
    void healthComesWithTheAnswer();
    void healthReportsEveryWorker();
    void workersReportStateAndLoad();
    void responseCarriesIdAndCreatedAt();
    void unserializablePayloadRejected_data();
    void unserializablePayloadRejected();
    void unserializableAnswerRejected();
    void ackResolvesWithNull();
    void secondAnswerIgnored();
    void missingProgramReported();
    void enqueueFromOtherThreads();
    void workerStartedByHandExits();
    void protocolErrorDropsWorker_data();
    void protocolErrorDropsWorker();
    void destructionRejectsPending();

private:
    // Starts a supervisor and waits for online; records spawned pids.
    bool startAndWait(LpmSupervisor &supervisor);

    QSet<qint64> m_spawned; // every pid spawned by the current test
};

void tst_Supervisor::init()
{
    m_spawned.clear();
}

void tst_Supervisor::cleanup()
{
    // Every test's supervisor is gone by now: none of its workers may be left.
    for (qint64 pid : std::as_const(m_spawned))
        QTRY_VERIFY2_WITH_TIMEOUT(!isAlive(pid), qPrintable(QString::number(pid)), 10000);
}

bool tst_Supervisor::startAndWait(LpmSupervisor &supervisor)
{
    return LpmTest::startAndWait(supervisor, &m_spawned);
}

void tst_Supervisor::onlineOnceAndChildSpawnedPerWorker()
{
    LpmSupervisor supervisor(configFor(3));
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    QSignalSpy online(&supervisor, &LpmSupervisor::online);
    QVERIFY(startAndWait(supervisor));
    QCOMPARE(supervisor.state(), LpmSupervisor::State::Online);
    QCOMPARE(spawned.count(), 3);
    QSet<qint64> pids;
    for (const QList<QVariant> &args : std::as_const(spawned)) {
        const qint64 pid = args.at(0).toLongLong();
        QVERIFY(pid > 0);
        QVERIFY(isAlive(pid));
        pids.insert(pid);
    }
    QCOMPARE(pids.size(), 3);
    QVERIFY(!online.wait(300)); // exactly once
    QCOMPARE(online.count(), 1);
}

void tst_Supervisor::manyRequestsInFlightAllAnsweredOnce()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    constexpr int Count = 5000;
    QList<QFuture<LpmResponse>> futures;
    futures.reserve(Count);
    auto answers = std::make_shared<int>(0);
    for (int i = 0; i < Count; ++i) {
        futures.append(supervisor.enqueue(QVariantMap{ { QStringLiteral("n"), i } }));
        futures.last().then([answers](const LpmResponse &) { ++*answers; });
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(futures.cbegin(), futures.cend(),
                                         [](const auto &f) { return f.isFinished(); }),
                             LongWaitMs);
    QSet<QUuid> ids;
    QSet<qint64> workers;
    for (int i = 0; i < Count; ++i) {
        QVERIFY(endedOnce(futures.at(i)));
        const LpmResponse r = futures.at(i).result();
        const QVariantMap answer = r.data().toMap();
        QCOMPARE(answer.value(QStringLiteral("echo")).toMap().value(QStringLiteral("n")).toInt(), i);
        ids.insert(r.id());
        workers.insert(answer.value(QStringLiteral("pid")).toLongLong());
    }
    QCOMPARE(ids.size(), Count);
    QCOMPARE(workers.size(), 2); // the burst was spread, not sent to one worker
    QTRY_COMPARE(*answers, Count);
    QCOMPARE(supervisor.pendingCount(), 0);
    QCOMPARE(supervisor.queueLength(), 0);
}

void tst_Supervisor::idleWorkerFirst()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    const auto slow = supervisor.enqueue(op(QStringLiteral("sleep"), { { QStringLiteral("ms"), 5000 } }));
    QSet<qint64> quickWorkers;
    for (int i = 0; i < 5; ++i) {
        const auto quick = supervisor.enqueue(op(QStringLiteral("echo")));
        QTRY_VERIFY_WITH_TIMEOUT(quick.isFinished(), LongWaitMs);
        quickWorkers.insert(answeredBy(quick));
    }
    QVERIFY(!slow.isFinished()); // the quick ones never waited behind it
    QTRY_VERIFY_WITH_TIMEOUT(slow.isFinished(), LongWaitMs);
    QCOMPARE(quickWorkers.size(), 1);
    QVERIFY(!quickWorkers.contains(answeredBy(slow)));
}

void tst_Supervisor::backlogSpreadWithInFlightCap()
{
    LpmSupervisorConfig config = configFor(2);
    config.worker.maxInFlight = 1; // one job per worker at a time
    LpmSupervisor supervisor(config);
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 20; ++i) // queued before start: the first worker up must not take them all
        futures.append(supervisor.enqueue(op(QStringLiteral("sleep"), { { QStringLiteral("ms"), 50 } })));
    QVERIFY(startAndWait(supervisor));
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(futures), LongWaitMs);
    QHash<qint64, int> perWorker;
    for (const auto &f : std::as_const(futures)) {
        QVERIFY(endedOnce(f));
        ++perWorker[answeredBy(f)];
    }
    QCOMPARE(perWorker.size(), 2);
    for (int count : std::as_const(perWorker))
        QVERIFY2(count >= 5, qPrintable(QString::number(count)));
    // Never more than one in flight per worker meanwhile.
    const auto slow1 = supervisor.enqueue(op(QStringLiteral("sleep"), { { QStringLiteral("ms"), 1000 } }));
    const auto slow2 = supervisor.enqueue(op(QStringLiteral("sleep"), { { QStringLiteral("ms"), 1000 } }));
    const auto third = supervisor.enqueue(op(QStringLiteral("echo")));
    QCOMPARE(supervisor.queueLength(), 1);
    for (const LpmWorkerStatus &w : supervisor.workers())
        QCOMPARE(w.inFlight(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(third.isFinished() && slow1.isFinished() && slow2.isFinished(), LongWaitMs);
}

void tst_Supervisor::lowestRssFirst()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    const auto heavy = supervisor.enqueue(op(QStringLiteral("alloc"), { { QStringLiteral("mib"), 256 } }));
    QTRY_VERIFY_WITH_TIMEOUT(heavy.isFinished(), LongWaitMs);
    const qint64 heavyPid = answeredBy(heavy);
    // The heavy worker reports its memory right after answering.
    QTRY_VERIFY_WITH_TIMEOUT(anyWorker(supervisor, [heavyPid](const LpmWorkerHealth &h) {
                                 return h.pid == heavyPid && h.rss > 200 * 1024 * 1024;
                             }),
                             LongWaitMs);
    for (int i = 0; i < 20; ++i) {
        const auto light = supervisor.enqueue(op(QStringLiteral("echo")));
        QTRY_VERIFY_WITH_TIMEOUT(light.isFinished(), LongWaitMs);
        QVERIFY(answeredBy(light) != heavyPid);
    }
}

// A worker's report after an answer leaves in the same write as the answer: by the
// time the loop runs anything after the answer, the supervisor has the new figures
// (sent in a pass of their own, they cost the supervisor a second wake-up).
void tst_Supervisor::healthComesWithTheAnswer()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    qint64 pid = 0;
    qint64 rssAfterTheAnswer = -1;
    // Without a context object, the continuation runs as the answer is read; the
    // zero timer runs once that read is handled.
    const auto reported = supervisor.enqueue(op(QStringLiteral("alloc"), { { QStringLiteral("mib"), 256 } }))
            .then([&](const LpmResponse &response) {
                pid = response.data().toMap().value(QStringLiteral("pid")).toLongLong();
                QTimer::singleShot(0, &supervisor, [&] {
                    for (const LpmWorkerHealth &h : supervisor.health()) {
                        if (h.pid == pid)
                            rssAfterTheAnswer = h.rss;
                    }
                });
            });
    QTRY_VERIFY_WITH_TIMEOUT(rssAfterTheAnswer >= 0, LongWaitMs);
    QVERIFY2(rssAfterTheAnswer > 200 * 1024 * 1024, qPrintable(QString::number(rssAfterTheAnswer)));
}

void tst_Supervisor::healthReportsEveryWorker()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    // Each worker reports within 500 ms of starting; wait for the heap figures too.
    QTRY_VERIFY_WITH_TIMEOUT(supervisor.health().size() == 2
                                     && allWorkers(supervisor, [](const LpmWorkerHealth &h) {
                                            return h.heapTotal > 0;
                                        }),
                             LongWaitMs);
    const QList<LpmWorkerHealth> health = supervisor.health();
    QCOMPARE(health.size(), 2);
    QSet<qint64> pids;
    for (const LpmWorkerHealth &h : health) {
        QVERIFY(m_spawned.contains(h.pid));
        pids.insert(h.pid);
        QVERIFY2(h.rss > 1024 * 1024, qPrintable(QString::number(h.rss)));  // a Qt process
        QVERIFY2(h.rss < 512 * 1024 * 1024, qPrintable(QString::number(h.rss)));
        QVERIFY(h.heapUsed > 0);
        QVERIFY(h.heapTotal >= h.heapUsed);
    }
    QCOMPARE(pids.size(), 2);
}

void tst_Supervisor::workersReportStateAndLoad()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    QList<LpmWorkerStatus> workers = supervisor.workers();
    QCOMPARE(workers.size(), 2);
    for (const LpmWorkerStatus &w : std::as_const(workers)) {
        QVERIFY(m_spawned.contains(w.pid()));
        QCOMPARE(w.state(), LpmWorkerStatus::State::Ready);
        QCOMPARE(w.inFlight(), 0);
        QCOMPARE(w.handled(), 0);
    }
    QSignalSpy stateChanges(&supervisor, &LpmSupervisor::workerStateChanged);
    QSignalSpy healthUpdates(&supervisor, &LpmSupervisor::healthUpdated);
    const auto slow = supervisor.enqueue(op(QStringLiteral("sleep"), { { QStringLiteral("ms"), 2000 } }));
    workers = supervisor.workers();
    QCOMPARE(workers.at(0).inFlight() + workers.at(1).inFlight(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(slow.isFinished(), LongWaitMs);
    QCOMPARE(supervisor.handledCount(), 1);
    const qint64 slowPid = answeredBy(slow);
    for (const LpmWorkerStatus &w : supervisor.workers())
        QCOMPARE(w.handled(), w.pid() == slowPid ? 1 : 0);
    // busy() shows, with its pid.
    const auto busy = supervisor.enqueue(op(QStringLiteral("busy"), { { QStringLiteral("ms"), 60000 } }));
    QTRY_VERIFY_WITH_TIMEOUT(busy.isFinished(), LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(stateChanges.cbegin(), stateChanges.cend(), [&](const QList<QVariant> &args) {
        return args.at(0).toLongLong() == answeredBy(busy)
                && args.at(1).value<LpmWorkerStatus::State>() == LpmWorkerStatus::State::Busy;
    }), LongWaitMs);
    QVERIFY(healthUpdates.count() > 0 || healthUpdates.wait(LongWaitMs));
    QCOMPARE(supervisor.restartCount(), 0);
}

void tst_Supervisor::responseCarriesIdAndCreatedAt()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const qint64 before = monotonicNowNs();
    const auto f = supervisor.enqueue(QVariantMap{ { QStringLiteral("Hello"), QStringLiteral("World") } });
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    const LpmResponse r = f.result();
    QCOMPARE(r.id().version(), QUuid::Random);
    QCOMPARE(r.id().variant(), QUuid::DCE);
    QVERIFY(r.createdAt() >= before);
    QVERIFY(!r.hasStream());
    QCOMPARE(r.data().toMap().value(QStringLiteral("echo")).toMap().value(QStringLiteral("Hello")),
             QVariant(QStringLiteral("World")));
}

void tst_Supervisor::unserializablePayloadRejected_data()
{
    QTest::addColumn<QVariant>("payload");
    QTest::addColumn<QString>("typeName");
    QTest::newRow("QPoint") << QVariant::fromValue(QPoint(1, 2)) << QStringLiteral("QPoint");
    QTest::newRow("QObject*") << QVariant::fromValue(static_cast<QObject *>(this))
                              << QStringLiteral("QObject*");
    QTest::newRow("nested") << QVariant(QVariantMap{ { QStringLiteral("a"),
                                                       QVariantList{ 1, QVariant::fromValue(QPointF(1, 2)) } } })
                            << QStringLiteral("QPointF");
}

void tst_Supervisor::unserializablePayloadRejected()
{
    QFETCH(QVariant, payload);
    QFETCH(QString, typeName);
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("cannot cross processes.*%1")
                                                    .arg(QRegularExpression::escape(typeName))));
    const auto refused = supervisor.enqueue(payload);
    QVERIFY(refused.isFinished()); // at once, in the caller's thread
    const auto error = rejection(refused);
    QVERIFY(error);
    QCOMPARE(error->code(), LpmError::Code::NotSerializable);
    QVERIFY2(error->message().contains(typeName), qPrintable(error->message()));
    // The pool carries on.
    const auto next = supervisor.enqueue(op(QStringLiteral("echo")));
    QTRY_VERIFY_WITH_TIMEOUT(next.isFinished(), LongWaitMs);
    QVERIFY(!rejection(next));
}

void tst_Supervisor::unserializableAnswerRejected()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const auto f = supervisor.enqueue(op(QStringLiteral("unserializable")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    const auto error = rejection(f);
    QVERIFY(error);
    QCOMPARE(error->code(), LpmError::Code::NotSerializable);
    const auto next = supervisor.enqueue(op(QStringLiteral("echo")));
    QTRY_VERIFY_WITH_TIMEOUT(next.isFinished(), LongWaitMs);
    QVERIFY(!rejection(next));
}

void tst_Supervisor::ackResolvesWithNull()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const auto f = supervisor.enqueue(op(QStringLiteral("ack")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(!rejection(f));
    QVERIFY(f.result().data().isNull());
}

void tst_Supervisor::secondAnswerIgnored()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QSignalSpy errors(&supervisor, &LpmSupervisor::errorOccurred);
    const auto f = supervisor.enqueue(op(QStringLiteral("twice")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QCOMPARE(f.result().data().toMap().value(QStringLiteral("answer")).toInt(), 1);
    // The worker refused its own second answer: nothing reached the supervisor.
    const auto next = supervisor.enqueue(op(QStringLiteral("echo")));
    QTRY_VERIFY_WITH_TIMEOUT(next.isFinished(), LongWaitMs);
    QCOMPARE(answeredBy(next), answeredBy(f));
    QCOMPARE(errors.count(), 0);
}

void tst_Supervisor::missingProgramReported()
{
    LpmSupervisorConfig config = configFor(2);
    config.worker.program = QStringLiteral("/nonexistent/lpm-worker");
    LpmSupervisor supervisor(config);
    QSignalSpy errors(&supervisor, &LpmSupervisor::errorOccurred);
    const auto early = supervisor.enqueue(op(QStringLiteral("echo")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot start worker")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot start worker")));
    supervisor.start();
    QTRY_VERIFY_WITH_TIMEOUT(early.isFinished(), LongWaitMs);
    const auto error = rejection(early);
    QVERIFY(error);
    QCOMPARE(error->code(), LpmError::Code::WorkerFailedToStart);
    QVERIFY2(error->message().contains(QLatin1String("/nonexistent/lpm-worker")),
             qPrintable(error->message()));
    QVERIFY(errors.count() >= 1);
    QCOMPARE(errors.first().at(0).value<LpmSupervisor::Error>(),
             LpmSupervisor::Error::WorkerFailedToStart);
    QCOMPARE(supervisor.error(), LpmSupervisor::Error::WorkerFailedToStart);
    QVERIFY(!supervisor.errorString().isEmpty());
    // Later requests fail at once instead of waiting forever.
    const auto late = supervisor.enqueue(op(QStringLiteral("echo")));
    QVERIFY(late.isFinished());
    QCOMPARE(rejection(late)->code(), LpmError::Code::WorkerFailedToStart);
}

void tst_Supervisor::enqueueFromOtherThreads()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    constexpr int Threads = 4;
    constexpr int PerThread = 250;
    std::atomic<int> answered { 0 };
    std::atomic<int> wrong { 0 };
    std::vector<std::thread> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.emplace_back([&, t] {
            QList<QFuture<LpmResponse>> futures;
            for (int i = 0; i < PerThread; ++i)
                futures.append(supervisor.enqueue(QVariantMap{ { QStringLiteral("n"), t * PerThread + i } }));
            for (int i = 0; i < PerThread; ++i) {
                futures[i].waitForFinished(); // fine off the supervisor's thread
                const int n = futures[i].result().data().toMap().value(QStringLiteral("echo"))
                                      .toMap().value(QStringLiteral("n")).toInt();
                if (n != t * PerThread + i)
                    ++wrong;
                ++answered;
            }
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered.load(), Threads * PerThread, LongWaitMs);
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(wrong.load(), 0);
}

void tst_Supervisor::workerStartedByHandExits()
{
    QProcess byHand;
    byHand.start(QStringLiteral(LPM_TESTWORKER), {});
    QVERIFY(byHand.waitForFinished(LongWaitMs));
    QCOMPARE(byHand.exitStatus(), QProcess::NormalExit);
    QCOMPARE(byHand.exitCode(), 2);
    const QString stderrText = QString::fromLocal8Bit(byHand.readAllStandardError());
    QVERIFY2(stderrText.contains(QLatin1String("must be started by an LpmSupervisor")),
             qPrintable(stderrText));
}

void tst_Supervisor::protocolErrorDropsWorker_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QString>("warning");
    QTest::newRow("oversized frame") << QStringLiteral("garbage")
                                     << QStringLiteral("broke the protocol: a frame announced");
    QTest::newRow("unknown id") << QStringLiteral("unknown-id")
                                << QStringLiteral("broke the protocol: it answered request");
}

void tst_Supervisor::protocolErrorDropsWorker()
{
    QFETCH(QString, operation);
    QFETCH(QString, warning);
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QSignalSpy errors(&supervisor, &LpmSupervisor::errorOccurred);
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QRegularExpression::escape(warning)));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: ")));
    const auto f = supervisor.enqueue(op(operation));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QCOMPARE(rejection(f)->code(), LpmError::Code::WorkerCrashed);
    QVERIFY(std::any_of(errors.cbegin(), errors.cend(), [](const QList<QVariant> &args) {
        return args.at(0).value<LpmSupervisor::Error>() == LpmSupervisor::Error::ProtocolError;
    }));
    QTRY_COMPARE_WITH_TIMEOUT(spawned.count(), 1, LongWaitMs);
    const auto next = supervisor.enqueue(op(QStringLiteral("echo")));
    QTRY_VERIFY_WITH_TIMEOUT(next.isFinished(), LongWaitMs);
    QVERIFY(!rejection(next));
}

void tst_Supervisor::destructionRejectsPending()
{
    QList<QFuture<LpmResponse>> futures;
    {
        LpmSupervisor supervisor(configFor(1));
        QVERIFY(startAndWait(supervisor));
        for (int i = 0; i < 10; ++i)
            futures.append(supervisor.enqueue(op(QStringLiteral("sleep"), { { QStringLiteral("ms"), 10000 } })));
    }
    for (const auto &f : std::as_const(futures)) {
        QVERIFY(f.isFinished());
        const auto error = rejection(f); // an LpmError, not a bare cancellation
        QVERIFY(error);
        QCOMPARE(error->code(), LpmError::Code::ShuttingDown);
    }
}

QTEST_GUILESS_MAIN(tst_Supervisor)
#include "tst_supervisor.moc"
