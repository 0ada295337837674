// SPEC "Edge paths", one test each, with real worker processes: last words, late
// answers, unsendable requests, re-entrant settles, bounded destruction, the start
// timeout, retries during a soft kill, SIGINT restored, kills that reach children.

#include "lpmipctesthelpers.h"
#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qtemporarydir.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <csignal>
#include <cstring>

using namespace LpmTest;
using LpmIpcTest::openDescriptors;

namespace {

QVariantMap blockThenStream(int ms, qint64 bytes)
{
    return op(QStringLiteral("block-then-stream"), { { QStringLiteral("ms"), ms }, { QStringLiteral("bytes"), bytes } });
}

// Every byte of a response stream, once it has ended; empty on error.
QByteArray readStream(QIODevice *device)
{
    auto *stream = qobject_cast<LpmStream *>(device);
    const QByteArray all = stream ? LpmIpcTest::readAllOf(stream, LongWaitMs) : QByteArray();
    return stream && stream->isFinished() ? all : QByteArray();
}

} // namespace

class tst_EdgePaths : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void lastWordsOfAWorkerThatQuits_data();
    void lastWordsOfAWorkerThatQuits();
    void lastEventOfAWorkerThatQuits();
    void continuationsMayCallBackWhileACrashSettles_data();
    void continuationsMayCallBackWhileACrashSettles();
    void lateStreamAnswersLeaveNothingBehind();
    void unsendableSocketRejectsAndTheQueueFlows();
    void oversizedEventAnswerRejectsTheWorkersFuture();
    void destructionIsBoundedByOneGrace();
    void destructionEndsOpenStreamsWithAnError();
    void startTimeoutKillsAndRefills();
    void retriesRunDuringASoftKill();
    void retryAfterEveryOtherWorkerRetired();
    void sigintIsRestoredAfterTheLastSupervisor();
    void hardKillReachesTheWorkersChildren();

private:
    bool startAndWait(LpmSupervisor &supervisor) { return LpmTest::startAndWait(supervisor, &m_spawned); }

    QSet<qint64> m_spawned;
};

void tst_EdgePaths::initTestCase()
{
    ::signal(SIGINT, SIG_DFL);
}

void tst_EdgePaths::init()
{
    m_spawned.clear();
}

void tst_EdgePaths::cleanup()
{
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(m_spawned), 10000);
}

// --- last words ------------------------------------------------------------------

void tst_EdgePaths::lastWordsOfAWorkerThatQuits_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<qint64>("streamBytes");
    QTest::newRow("an answer") << QStringLiteral("respond-then-quit") << qint64(-1);
    QTest::newRow("a stream answer") << QStringLiteral("stream-back-then-quit") << qint64(3 << 20);
}

void tst_EdgePaths::lastWordsOfAWorkerThatQuits()
{
    QFETCH(QString, operation);
    QFETCH(qint64, streamBytes);
    LpmSupervisorConfig config = configFor(1);
    config.worker.restarts = 100;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    // One at a time, so that each worker has answered exactly one request when it quits.
    for (int i = 0; i < 10; ++i) {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: exit code 0")));
        const auto f = supervisor.enqueue(op(operation, { { QStringLiteral("bytes"), streamBytes } }));
        QVERIFY(waitFor(f));
        QVERIFY2(!rejection(f), qPrintable(failureOf(f)));
        if (streamBytes > 0)
            QCOMPARE(readStream(f.result().stream()).size(), streamBytes);
        else
            QCOMPARE(f.result().data().toMap().value(QStringLiteral("last")), QVariant(true));
        QTRY_COMPARE_WITH_TIMEOUT(exits.count(), i + 1, LongWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(supervisor.state() == LpmSupervisor::State::Online
                                         && supervisor.workers().value(0).state() == LpmWorkerStatus::State::Ready,
                                 LongWaitMs);
    }
}

void tst_EdgePaths::lastEventOfAWorkerThatQuits()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QSignalSpy events(&supervisor, &LpmSupervisor::eventReceived);
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: exit code 0")));
    const auto f = supervisor.enqueue(op(QStringLiteral("event-then-quit"), { { QStringLiteral("name"), QStringLiteral("bye") } }));
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 1, LongWaitMs);
    // The event was delivered before the exit was handled.
    QCOMPARE(events.count(), 1);
    QCOMPARE(events.at(0).at(0).toString(), QStringLiteral("bye"));
    QVERIFY(waitFor(f));
    QCOMPARE(rejectionCode(f), LpmError::Code::WorkerCrashed); // it never answered
}

// --- re-entrant settles ------------------------------------------------------------

void tst_EdgePaths::continuationsMayCallBackWhileACrashSettles_data()
{
    QTest::addColumn<QString>("call");
    QTest::newRow("hardKill") << QStringLiteral("hardKill");
    QTest::newRow("softKill") << QStringLiteral("softKill");
    QTest::newRow("resize") << QStringLiteral("resize");
    QTest::newRow("enqueue") << QStringLiteral("enqueue");
}

void tst_EdgePaths::continuationsMayCallBackWhileACrashSettles()
{
    QFETCH(QString, call);
    LpmSupervisorConfig config = configFor(1);
    config.worker.restarts = 10;
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    QList<QFuture<LpmResponse>> held, followUps;
    QList<QFuture<LpmResponse>> derived;
    for (int i = 0; i < 20; ++i)
        held.append(supervisor.enqueue(sleepFor(60000)));
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().value(0).inFlight(), 20, LongWaitMs);
    // No context: each runs right inside the settle of the crash.
    for (const auto &f : held) {
        derived.append(QFuture<LpmResponse>(f).onFailed([&](const LpmError &) {
            if (call == QLatin1String("hardKill"))
                supervisor.hardKill();
            else if (call == QLatin1String("softKill"))
                supervisor.softKill();
            else if (call == QLatin1String("resize"))
                supervisor.resize(3);
            else
                followUps.append(supervisor.enqueue(op(QStringLiteral("echo"))));
            return LpmResponse();
        }));
    }
    const qint64 pid = supervisor.health().value(0).pid;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 9")));
    ::kill(pid_t(pid), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(held), LongWaitMs);
    for (const auto &f : held) {
        QVERIFY(endedOnce(f));
        QCOMPARE(rejectionCode(f), LpmError::Code::WorkerCrashed);
    }
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(followUps), LongWaitMs);
    for (const auto &f : followUps)
        QVERIFY(endedOnce(f));
    if (call == QLatin1String("enqueue")) {
        QCOMPARE(followUps.size(), 20);
        for (const auto &f : followUps)
            QVERIFY(!rejection(f));
    }
    supervisor.hardKill();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
}

// --- late answers ----------------------------------------------------------------

void tst_EdgePaths::lateStreamAnswersLeaveNothingBehind()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    // Warm: the first stream creates what lives on (notifiers, buffers).
    const auto warm = supervisor.enqueue(op(QStringLiteral("stream-back"), { { QStringLiteral("bytes"), 1024 } }));
    QVERIFY(waitFor(warm));
    QCOMPARE(readStream(warm.result().stream()).size(), 1024);
    const int before = openDescriptors();
    LpmRequestOptions options;
    options.timeout = 50;
    QList<QFuture<LpmResponse>> late;
    for (int i = 0; i < 20; ++i) // the worker answers each after its timeout, unread Cancel pending
        late.append(supervisor.enqueue(blockThenStream(150, 8 << 20), options));
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(late), LongWaitMs);
    for (const auto &f : late)
        QCOMPARE(rejectionCode(f), LpmError::Code::TimedOut);
    // Every late answer has come, been dropped and had its descriptor closed.
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().value(0).inFlight(), 0, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(), before, LongWaitMs);
    // Its pumps ended with them, so the worker can retire: a soft kill without grace ends.
    const QFuture<void> stopped = supervisor.softKill();
    QVERIFY(waitFor(stopped));
}

// --- unsendable requests ---------------------------------------------------------

void tst_EdgePaths::unsendableSocketRejectsAndTheQueueFlows()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QTcpSocket client;
    client.connectToHost(server.serverAddress(), server.serverPort());
    QVERIFY(server.waitForNewConnection(LongWaitMs));
    QTcpSocket *accepted = server.nextPendingConnection();
    const qint64 preludeBytes = (64 << 20) + 1; // more than a frame holds
    const QByteArray chunk(1 << 20, 'p');
    qint64 written = 0;
    while (written < preludeBytes) {
        written += client.write(chunk.left(int(qMin<qint64>(chunk.size(), preludeBytes - written))));
        client.waitForBytesWritten(100);
        accepted->waitForReadyRead(10);
    }
    QTRY_VERIFY_WITH_TIMEOUT((accepted->waitForReadyRead(10), accepted->bytesAvailable() >= preludeBytes), LongWaitMs);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refusing an oversized payload")));
    const auto refused = supervisor.enqueue(op(QStringLiteral("echo-socket")), accepted);
    QVERIFY(refused.isFinished()); // at once, in the caller's thread
    QCOMPARE(rejectionCode(refused), LpmError::Code::PayloadTooLarge);
    QCOMPARE(accepted->state(), QAbstractSocket::ConnectedState); // left as it was
    const auto next = supervisor.enqueue(op(QStringLiteral("echo")));
    QVERIFY(waitFor(next));
    QVERIFY(!rejection(next));
}

void tst_EdgePaths::oversizedEventAnswerRejectsTheWorkersFuture()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    bool responded = true;
    connect(&supervisor, &LpmSupervisor::eventReceived, this, [&](const QString &, const LpmEvent &event) {
        responded = event.respond(QByteArray((64 << 20) + 1, 'a'));
    });
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not answering an event - its payload is too large")));
    const auto f = supervisor.enqueue(op(QStringLiteral("event"), { { QStringLiteral("name"), QStringLiteral("big") } }));
    QVERIFY(waitFor(f));
    QVERIFY(!responded);
    QCOMPARE(f.result().data().toMap().value(QStringLiteral("error")).toString(), QStringLiteral("PayloadTooLarge"));
}

// --- destruction -----------------------------------------------------------------

void tst_EdgePaths::destructionIsBoundedByOneGrace()
{
    constexpr int Workers = 6;
    QElapsedTimer clock;
    {
        LpmSupervisor supervisor(configFor(Workers));
        QVERIFY(startAndWait(supervisor));
        LpmSupervisorConfig config = supervisor.config();
        QList<QFuture<LpmResponse>> hung;
        for (int i = 0; i < Workers; ++i) // one each: idle workers come first
            hung.append(supervisor.enqueue(op(QStringLiteral("hang"))));
        QTRY_VERIFY_WITH_TIMEOUT(allWorkers(supervisor, [&](const LpmWorkerHealth &h) {
            const auto status = supervisor.workers();
            return std::all_of(status.cbegin(), status.cend(), [](const LpmWorkerStatus &s) { return s.inFlight() == 1; });
        }), LongWaitMs);
        clock.start();
    } // each is in a handler that never returns: none reads its end-of-file
    const qint64 ms = clock.elapsed();
    // One grace for all (3 s), not one each (18 s).
    QVERIFY2(ms < 9000, qPrintable(QString::number(ms)));
}

void tst_EdgePaths::destructionEndsOpenStreamsWithAnError()
{
    QSharedPointer<QIODevice> kept;
    {
        LpmSupervisor supervisor(configFor(1));
        QVERIFY(startAndWait(supervisor));
        const auto f = supervisor.enqueue(op(QStringLiteral("endless-stream-back")));
        QVERIFY(waitFor(f));
        LpmResponse response = f.result();
        QVERIFY(response.hasStream());
        kept = QSharedPointer<QIODevice>(response.stream(), [response](QIODevice *) {}); // keeps it alive
        QTRY_VERIFY_WITH_TIMEOUT(kept->bytesAvailable() > 0, LongWaitMs);
    }
    auto *stream = qobject_cast<LpmStream *>(kept.data());
    QVERIFY(stream->hasError());
    QVERIFY(!stream->isFinished());
    kept.reset();
}

// --- the start timeout -----------------------------------------------------------

void tst_EdgePaths::startTimeoutKillsAndRefills()
{
    LpmSupervisorConfig config = configFor(1, { QStringLiteral("noready") });
    config.worker.startTimeout = 300;
    config.worker.restarts = 2;
    LpmSupervisor supervisor(config);
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QSignalSpy limit(&supervisor, &LpmSupervisor::restartLimitReached);
    const auto waiting = supervisor.enqueue(op(QStringLiteral("echo")));
    for (int i = 0; i < 3; ++i) {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("did not call ready\\(\\) within 300 ms")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 9")));
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Restart limit reached")));
    connect(&supervisor, &LpmSupervisor::childSpawned, this, [this](qint64 pid) { m_spawned.insert(pid); });
    supervisor.start();
    QTRY_COMPARE_WITH_TIMEOUT(limit.count(), 1, LongWaitMs);
    QCOMPARE(exits.count(), 3); // the first worker and its two replacements
    // A request no worker can ever take rejects instead of waiting forever.
    QVERIFY(waitFor(waiting));
    QCOMPARE(rejectionCode(waiting), LpmError::Code::RestartLimitReached);
    QCOMPARE(supervisor.state(), LpmSupervisor::State::Starting);
    const QFuture<void> stopped = supervisor.softKill();
    QVERIFY(waitFor(stopped));
}

// --- soft kill -------------------------------------------------------------------

void tst_EdgePaths::retriesRunDuringASoftKill()
{
    QTemporaryDir dir;
    LpmSupervisorConfig config = configFor(2, { QStringLiteral("crash-once:") + dir.filePath(QStringLiteral("crashed")) });
    LpmSupervisor supervisor(config);
    QVERIFY(startAndWait(supervisor));
    LpmRequestOptions retry;
    retry.retries = 1;
    // One request each (idle workers come first): the worker that made the marker
    // crashes on its own, mid-drain, while the other may already be retiring.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    const QList<QFuture<LpmResponse>> requests{ supervisor.enqueue(sleepFor(300), retry),
                                                supervisor.enqueue(sleepFor(300), retry) };
    const QFuture<void> stopped = supervisor.softKill();
    for (const auto &f : requests) {
        QVERIFY(waitFor(f));
        QVERIFY2(!rejection(f), qPrintable(failureOf(f)));
        QCOMPARE(f.result().data().toMap().value(QStringLiteral("slept")), QVariant(true));
    }
    QVERIFY(waitFor(stopped));
}

void tst_EdgePaths::retryAfterEveryOtherWorkerRetired()
{
    QTemporaryDir dir;
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    LpmRequestOptions retry;
    retry.retries = 1;
    // Both workers that run it crash.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    // Its worker crashes a while into the drain, once the idle one has retired and gone:
    // a worker must come back for the retry, or it would reject ShuttingDown.
    const auto f = supervisor.enqueue(op(QStringLiteral("crash-later"), { { QStringLiteral("ms"), 500 } }), retry);
    const auto holding = [&supervisor] {
        const QList<LpmWorkerStatus> workers = supervisor.workers();
        return std::any_of(workers.cbegin(), workers.cend(), [](const LpmWorkerStatus &w) { return w.inFlight() == 1; });
    };
    QTRY_VERIFY_WITH_TIMEOUT(holding(), LongWaitMs);
    const QFuture<void> stopped = supervisor.softKill();
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 1, LongWaitMs); // the idle one, asked to stop
    QVERIFY(waitFor(f));
    // The retry ran on a worker spawned for it (which crashes too, a while later: the
    // one retry is spent then, and the rejection says so).
    QCOMPARE(rejectionCode(f), LpmError::Code::WorkerCrashed);
    QVERIFY2(failureOf(f).contains(QLatin1String("No retries were left")), qPrintable(failureOf(f)));
    QVERIFY(supervisor.restartCount() >= 1);
    QVERIFY(waitFor(stopped));
}

// --- SIGINT ----------------------------------------------------------------------

void tst_EdgePaths::sigintIsRestoredAfterTheLastSupervisor()
{
    static int seen = 0;
    struct sigaction mine, now;
    std::memset(&mine, 0, sizeof(mine));
    mine.sa_handler = [](int) { ++seen; };
    sigemptyset(&mine.sa_mask);
    ::sigaction(SIGINT, &mine, nullptr);
    {
        LpmSupervisor a(configFor(1));
        {
            LpmSupervisor b(configFor(1));
        }
        ::sigaction(SIGINT, nullptr, &now);
        QVERIFY(now.sa_handler != mine.sa_handler); // still LPM's while one supervisor lives
    }
    ::sigaction(SIGINT, nullptr, &now);
    QVERIFY(now.sa_handler == mine.sa_handler); // the application's own again
    ::raise(SIGINT);
    QCOMPARE(seen, 1);
    ::signal(SIGINT, SIG_DFL);
}

// --- kills -----------------------------------------------------------------------

void tst_EdgePaths::hardKillReachesTheWorkersChildren()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const auto f = supervisor.enqueue(op(QStringLiteral("spawn-grandchild")));
    QVERIFY(waitFor(f));
    const qint64 grandchild = f.result().data().toMap().value(QStringLiteral("grandchild")).toLongLong();
    QVERIFY(grandchild > 0);
    QVERIFY(isAlive(grandchild));
    supervisor.hardKill();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    // Not our child: it is gone once it no longer exists (init reaps it).
    QTRY_VERIFY_WITH_TIMEOUT(::kill(pid_t(grandchild), 0) != 0, LongWaitMs);
}

QTEST_GUILESS_MAIN(tst_EdgePaths)
#include "tst_edgepaths.moc"
