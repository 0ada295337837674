// Remote workers: the same behaviour as local ones through each launcher that relays
// stdio (a plain command, ssh to 127.0.0.1, ssh to a second host in a network
// namespace, srun in a single-node Slurm), and the failures that belong to launchers.

#include "lpmslurmfixture.h"
#include "lpmsshfixture.h"
#include "lpmtesthelpers.h"

#include <QtCore/qbuffer.h>
#include <QtCore/qcryptographichash.h>
#include <QtCore/qdiriterator.h>
#include <QtCore/quuid.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>

using namespace LpmTest;

namespace {

// byte i is (i * 7 + i / 4096) mod 256, as the test worker makes it
QByteArray pattern(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = char((i * 7 + i / 4096) & 0xff);
    return bytes;
}

// Processes whose command line holds marker: a launcher, a remote shell, a worker.
QList<qint64> processesMarked(const QString &marker)
{
    QList<qint64> found;
    QDirIterator it(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        it.next();
        bool isPid = false;
        const qint64 pid = it.fileName().toLongLong(&isPid);
        if (!isPid || pid == QCoreApplication::applicationPid())
            continue;
        QFile cmdline(it.filePath() + QStringLiteral("/cmdline"));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(marker.toUtf8()))
            found.append(pid);
    }
    return found;
}

// A worker holds a request: it was sent, so the worker reads it before anything later.
bool holdsARequest(const LpmSupervisor &supervisor)
{
    const QList<LpmWorkerStatus> workers = supervisor.workers();
    return std::any_of(workers.cbegin(), workers.cend(), [](const LpmWorkerStatus &w) { return w.inFlight() > 0; });
}

// The ssh masters a pool started: they name their socket in their command line.
QList<qint64> sshMasters()
{
    QList<qint64> masters;
    for (const qint64 pid : processesMarked(QStringLiteral("/lpm-ssh-"))) {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains("[mux]"))
            masters.append(pid);
    }
    return masters;
}

bool allReady(const LpmSupervisor &supervisor)
{
    const QList<LpmWorkerStatus> workers = supervisor.workers();
    return std::all_of(workers.cbegin(), workers.cend(),
                       [](const LpmWorkerStatus &w) { return w.state() == LpmWorkerStatus::State::Ready; });
}

// Established TCP connections from this machine to port (client ends only).
int connectionsTo(int port)
{
    int count = 0;
    for (const char *table : { "/proc/net/tcp", "/proc/net/tcp6" }) {
        QFile file{ QString::fromLatin1(table) };
        if (!file.open(QIODevice::ReadOnly))
            continue;
        file.readLine(); // header
        while (!file.atEnd()) {
            const QList<QByteArray> fields = file.readLine().simplified().split(' ');
            if (fields.size() > 3 && fields.at(3) == "01"
                && fields.at(2).split(':').value(1).toInt(nullptr, 16) == port)
                ++count;
        }
    }
    return count;
}

// A launcher that is only a process relaying stdio: sh runs the command it is given.
LpmLauncher shellCommand(const QString &before = {})
{
    return LpmLauncher::command({ QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                  before + QStringLiteral("exec \"$@\""), QStringLiteral("lpm-launch") });
}

} // namespace

class tst_Remote : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void roundTrips_data() { launchers(); }
    void roundTrips();
    void streamsBothWays_data() { launchers(); }
    void streamsBothWays();
    void aStreamAnswerOutlivesItsWorker_data() { launchers(); }
    void aStreamAnswerOutlivesItsWorker();
    void eventsAndBroadcasts_data() { launchers(); }
    void eventsAndBroadcasts();
    void timeoutsAndLateAnswers_data() { launchers(); }
    void timeoutsAndLateAnswers();
    void retriedAfterTheWorkerCrashed_data() { launchers(); }
    void retriedAfterTheWorkerCrashed();
    void retriedAfterTheLauncherWasKilled_data() { launchers(); }
    void retriedAfterTheLauncherWasKilled();
    void softKillLeavesNothing_data() { launchers(); }
    void softKillLeavesNothing();
    void hardKillLeavesNothing_data() { launchers(); }
    void hardKillLeavesNothing();
    void hangDetectionCrossesTheLauncher_data() { launchers(); }
    void hangDetectionCrossesTheLauncher();
    void stdoutDoesNotBreakTheChannel_data() { launchers(); }
    void stdoutDoesNotBreakTheChannel();

    void socketsNeedALocalWorker();
    void mixedPoolSendsSocketsToLocalWorkers();
    void aProgramThatPrintsFirstIsRefused();
    void anEchoingProgramIsRefused();
    void anUnreachableHostIsAConnectionLoss();
    void workersOnOneHostShareAConnection();
    void slurmWorkersAreLongLivedSteps();
    void outsideAJobThePoolAllocatesItsOwn();
    void aPendingAllocationIsWithdrawn();

private:
    void launchers();
    LpmSupervisorConfig configWith(const LpmLauncher &launcher, int workers = 1);
    // The fixture's reason it could not start, skipped (or failed, in CI) here.
    bool available(const QString &why, const char *what);
    // A pool of workers through the row's launcher; false when it is not available.
    bool remoteConfig(const QString &kind, int workers, LpmSupervisorConfig *config);
    // The Slurm jobs pools asked for (not the fixture's own).
    QStringList poolJobs() const;

    SshFixture m_loopback;
    SshFixture m_isolated;
    SlurmFixture m_slurm;
    QString m_loopbackWhy;
    QString m_isolatedWhy;
    QString m_slurmWhy;
    QString m_marker; // in every worker's arguments: finds what a test left behind
};

void tst_Remote::initTestCase()
{
    // In CI every launcher must be exercised; elsewhere a missing sshd skips its rows.
    m_loopback.start(false, &m_loopbackWhy);
    m_isolated.start(true, &m_isolatedWhy);
    m_slurm.start(&m_slurmWhy);
}

void tst_Remote::cleanupTestCase()
{
    m_loopback.stop();
    m_isolated.stop();
    m_slurm.stop();
}

void tst_Remote::init()
{
    m_marker = QStringLiteral("--marker=") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

void tst_Remote::launchers()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("command") << QStringLiteral("command");
    QTest::newRow("ssh") << QStringLiteral("ssh");
    QTest::newRow("ssh to another host") << QStringLiteral("ssh-isolated");
    QTest::newRow("slurm") << QStringLiteral("slurm");
}

bool tst_Remote::available(const QString &why, const char *what)
{
    if (why.isEmpty())
        return true;
    const QString message = QStringLiteral("no %1: %2").arg(QLatin1String(what), why);
    if (qEnvironmentVariableIsSet("CI"))
        QTest::qFail(qPrintable(message), __FILE__, __LINE__);
    else
        QTest::qSkip(qPrintable(message), __FILE__, __LINE__);
    return false;
}

LpmSupervisorConfig tst_Remote::configWith(const LpmLauncher &launcher, int workers)
{
    LpmSupervisorConfig config = configFor(workers, { QStringLiteral("echo"), m_marker });
    config.worker.launchers = { launcher };
    config.worker.backoffInitial = 0;
    return config;
}

bool tst_Remote::remoteConfig(const QString &kind, int workers, LpmSupervisorConfig *config)
{
    if (kind == QLatin1String("command")) {
        *config = configWith(shellCommand(), workers);
    } else if (kind == QLatin1String("ssh")) {
        if (!available(m_loopbackWhy, "sshd on 127.0.0.1"))
            return false;
        *config = configWith(m_loopback.launcher(), workers);
    } else if (kind == QLatin1String("ssh-isolated")) {
        if (!available(m_isolatedWhy, "sshd in a network namespace"))
            return false;
        *config = configWith(m_isolated.launcher(), workers);
    } else {
        if (!available(m_slurmWhy, "Slurm"))
            return false;
        *config = configWith(LpmLauncher::slurm(), workers);
        config->worker.environment = m_slurm.environment();
    }
    return true;
}

#define REMOTE_CONFIG(config, workers)                                                     \
    QFETCH(QString, kind);                                                                 \
    LpmSupervisorConfig config;                                                            \
    if (!remoteConfig(kind, workers, &config))                                             \
        return

void tst_Remote::roundTrips()
{
    REMOTE_CONFIG(config, 2);
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 300; ++i)
        futures.append(supervisor.enqueue(QVariantMap{ { QStringLiteral("n"), i },
                                                       { QStringLiteral("bytes"), QByteArray(i * 100, 'x') } }));
    QSet<qint64> answeredBy;
    for (int i = 0; i < futures.size(); ++i) {
        QVERIFY(waitFor(futures[i]));
        QVERIFY2(endedOnce(futures[i]), qPrintable(failureOf(futures[i])));
        const QVariantMap echo = futures[i].result().data().toMap().value(QStringLiteral("echo")).toMap();
        QCOMPARE(echo.value(QStringLiteral("n")).toInt(), i);
        QCOMPARE(echo.value(QStringLiteral("bytes")).toByteArray(), QByteArray(i * 100, 'x'));
    }
    // Health comes from the workers' own reports.
    QTRY_VERIFY_WITH_TIMEOUT(allWorkers(supervisor, [](const LpmWorkerHealth &h) { return h.rss > 0; }),
                             LongWaitMs);
}

void tst_Remote::streamsBothWays()
{
    REMOTE_CONFIG(config, 1);
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));

    const QByteArray sent = pattern(5 * 1024 * 1024 + 17);
    QBuffer source;
    source.setData(sent);
    source.open(QIODevice::ReadOnly);
    const auto hashed = supervisor.enqueue(op(QStringLiteral("hash-stream")), &source);
    QVERIFY(waitFor(hashed));
    QVERIFY2(endedOnce(hashed), qPrintable(failureOf(hashed)));
    const QVariantMap answer = hashed.result().data().toMap();
    QVERIFY2(!answer.contains(QStringLiteral("error")), qPrintable(answer.value(QStringLiteral("error")).toString()));
    QCOMPARE(answer.value(QStringLiteral("bytes")).toLongLong(), sent.size());
    QCOMPARE(answer.value(QStringLiteral("sha256")).toByteArray(),
             QCryptographicHash::hash(sent, QCryptographicHash::Sha256).toHex());

    const qint64 size = 6 * 1024 * 1024 + 5;
    const auto back = supervisor.enqueue(op(QStringLiteral("stream-back"), { { QStringLiteral("bytes"), size } }));
    QVERIFY(waitFor(back));
    QVERIFY2(endedOnce(back), qPrintable(failureOf(back)));
    auto *stream = qobject_cast<LpmStream *>(back.result().stream());
    QVERIFY(stream);
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += stream->readAll(), stream->isFinished() || stream->hasError()),
                             LongWaitMs);
    received += stream->readAll();
    QVERIFY2(!stream->hasError(), qPrintable(stream->errorString()));
    QCOMPARE(received.size(), size);
    QVERIFY(received == pattern(size));
}

void tst_Remote::aStreamAnswerOutlivesItsWorker()
{
    REMOTE_CONFIG(config, 1);
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    const qint64 size = 6 * 1024 * 1024 + 1;
    const auto back = supervisor.enqueue(op(QStringLiteral("stream-back"), { { QStringLiteral("bytes"), size } }));
    QVERIFY(waitFor(back));
    QVERIFY2(endedOnce(back), qPrintable(failureOf(back)));
    auto *stream = qobject_cast<LpmStream *>(back.result().stream());
    QVERIFY(stream);
    // The worker is asked to stop while most of the stream is still to be read: it
    // exits once every byte is on this side, and the stream ends whole.
    supervisor.softKill();
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += stream->readAll(), stream->isFinished() || stream->hasError()),
                             LongWaitMs);
    received += stream->readAll();
    QVERIFY2(!stream->hasError(), qPrintable(stream->errorString()));
    QCOMPARE(received.size(), size);
    QVERIFY(received == pattern(size));
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);

    // A worker whose event loop ends with a stream unsent: the stream fails, never
    // ends short.
    supervisor.start();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Online, LongWaitMs);
    const auto quitting = supervisor.enqueue(op(QStringLiteral("stream-back-then-quit"), { { QStringLiteral("bytes"), size } }));
    QVERIFY(waitFor(quitting));
    if (const std::optional<LpmError> refused = rejection(quitting))
        return; // the worker was gone before its answer left: rejected, which is honest too
    auto *cut = qobject_cast<LpmStream *>(quitting.result().stream());
    QVERIFY(cut);
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += cut->readAll(), cut->isFinished() || cut->hasError()), LongWaitMs);
    got += cut->readAll();
    QVERIFY2(cut->hasError() || (got.size() == size && got == pattern(size)),
             qPrintable(QStringLiteral("%1 of %2 bytes, finished").arg(got.size()).arg(size)));
}

void tst_Remote::eventsAndBroadcasts()
{
    REMOTE_CONFIG(config, 1);
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QSignalSpy events(&supervisor, &LpmSupervisor::eventReceived);
    connect(&supervisor, &LpmSupervisor::eventReceived, this, [](const QString &, LpmEvent event) {
        event.respond(QVariantMap{ { QStringLiteral("seen"), event.data() } });
    });
    const auto f = supervisor.enqueue(op(QStringLiteral("event"), { { QStringLiteral("name"), QStringLiteral("progress") },
                                                                   { QStringLiteral("payload"), 42 } }));
    QVERIFY(waitFor(f));
    QVERIFY2(endedOnce(f), qPrintable(failureOf(f)));
    QCOMPARE(events.count(), 1);
    QCOMPARE(events.first().at(0).toString(), QStringLiteral("progress"));
    const QVariantMap reply = f.result().data().toMap().value(QStringLiteral("reply")).toMap();
    QCOMPARE(reply.value(QStringLiteral("seen")).toInt(), 42);
    QVERIFY(supervisor.broadcast(QStringLiteral("config"), QVariantMap{ { QStringLiteral("level"), 3 } }));
    const auto after = supervisor.enqueue(QVariantMap{ { QStringLiteral("still"), true } });
    QVERIFY(waitFor(after));
    QVERIFY2(endedOnce(after), qPrintable(failureOf(after)));
}

void tst_Remote::timeoutsAndLateAnswers()
{
    REMOTE_CONFIG(config, 1);
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    LpmRequestOptions quick;
    quick.timeout = 200;
    const auto late = supervisor.enqueue(sleepFor(1500), quick);
    QVERIFY(waitFor(late));
    QCOMPARE(rejectionCode(late), LpmError::Code::TimedOut);
    // Its answer comes later and is dropped; the worker serves on.
    const auto next = supervisor.enqueue(sleepFor(1600));
    QVERIFY(waitFor(next));
    QVERIFY2(endedOnce(next), qPrintable(failureOf(next)));
    QCOMPARE(supervisor.workers().size(), 1);
}

void tst_Remote::retriedAfterTheWorkerCrashed()
{
    REMOTE_CONFIG(config, 1);
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited")));
    LpmRequestOptions once;
    once.retries = 1;
    const auto crashing = supervisor.enqueue(op(QStringLiteral("crash")), once);
    QVERIFY(waitFor(crashing));
    // crash aborts every time: the retry crashes too, and the second exit rejects it.
    QCOMPARE(rejectionCode(crashing), LpmError::Code::WorkerCrashed);
    const LpmWorkerExit exit = rejection(crashing)->workerExit();
    QCOMPARE(exit.reason(), LpmWorkerExit::Reason::Crashed);
    QCOMPARE(exit.signal(), SIGABRT);
    QVERIFY(exits.count() >= 2);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Online, LongWaitMs);
    const auto after = supervisor.enqueue(QVariantMap{ { QStringLiteral("after"), 1 } });
    QVERIFY(waitFor(after));
    QVERIFY2(endedOnce(after), qPrintable(failureOf(after)));
}

void tst_Remote::retriedAfterTheLauncherWasKilled()
{
    REMOTE_CONFIG(config, 1);
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited")));
    const auto first = supervisor.enqueue(QVariantMap{});
    QVERIFY(waitFor(first));
    const qint64 firstWorker = answeredBy(first); // its pid where it runs
    LpmRequestOptions once;
    once.retries = 1;
    const auto f = supervisor.enqueue(sleepFor(2000), once);
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().value(0).inFlight(), 1, LongWaitMs);
    const qint64 launcher = supervisor.health().value(0).pid;
    QVERIFY(::kill(pid_t(launcher), SIGKILL) == 0);
    QVERIFY(waitFor(f));
    QVERIFY2(endedOnce(f), qPrintable(failureOf(f))); // answered by the replacement
    QVERIFY(answeredBy(f) != firstWorker);
    supervisor.softKill();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    // The first worker lost its channel with its launcher, and exited.
    QTRY_VERIFY_WITH_TIMEOUT(processesMarked(m_marker).isEmpty(), LongWaitMs);
}

void tst_Remote::softKillLeavesNothing()
{
    REMOTE_CONFIG(config, 2);
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QVERIFY(!processesMarked(m_marker).isEmpty());
    const auto working = supervisor.enqueue(sleepFor(500));
    supervisor.softKill();
    QVERIFY(waitFor(working));
    QVERIFY2(endedOnce(working), qPrintable(failureOf(working))); // drained, not dropped
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(processesMarked(m_marker).isEmpty(), LongWaitMs);
}

void tst_Remote::hardKillLeavesNothing()
{
    REMOTE_CONFIG(config, 2);
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    // One worker blocks its event loop: it hears nothing until its launcher is gone.
    const auto blocked = supervisor.enqueue(op(QStringLiteral("block"), { { QStringLiteral("ms"), 3000 } }));
    // Sent: the worker reads it before the hard kill, which it then hears too late.
    QTRY_VERIFY_WITH_TIMEOUT(holdsARequest(supervisor), LongWaitMs);
    supervisor.hardKill();
    QVERIFY(waitFor(blocked));
    QVERIFY(rejectionCode(blocked).has_value());
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(processesMarked(m_marker).isEmpty(), LongWaitMs);
}

void tst_Remote::hangDetectionCrossesTheLauncher()
{
    REMOTE_CONFIG(config, 1);
    config.worker.hangTimeout = 1500;
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    // A long handler that says it lives is left alone ...
    const auto beating = supervisor.enqueue(op(QStringLiteral("block-heartbeat"), { { QStringLiteral("ms"), 4000 } }));
    QVERIFY(waitFor(beating));
    QVERIFY2(endedOnce(beating), qPrintable(failureOf(beating)));
    // ... one that does not is killed as hung, with its launcher.
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("killing worker")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited")));
    const auto silent = supervisor.enqueue(op(QStringLiteral("block"), { { QStringLiteral("ms"), 6000 } }));
    QVERIFY(waitFor(silent));
    QCOMPARE(rejectionCode(silent), LpmError::Code::WorkerCrashed);
    QCOMPARE(exits.first().at(0).value<LpmWorkerExit>().reason(), LpmWorkerExit::Reason::Hung);
}

void tst_Remote::stdoutDoesNotBreakTheChannel()
{
    REMOTE_CONFIG(config, 1);
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    const QString text = QStringLiteral("a line the worker printed on stdout");
    const auto printed = supervisor.enqueue(op(QStringLiteral("print-stdout"), { { QStringLiteral("text"), text } }));
    QVERIFY(waitFor(printed));
    QVERIFY2(endedOnce(printed), qPrintable(failureOf(printed)));
    // It went to stderr, which the launcher relays and an exit report keeps.
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited")));
    supervisor.enqueue(op(QStringLiteral("crash")));
    QTRY_VERIFY_WITH_TIMEOUT(!exits.isEmpty(), LongWaitMs);
    QVERIFY(exits.first().at(0).value<LpmWorkerExit>().stderrTail().contains(text.toUtf8()));
}

void tst_Remote::socketsNeedALocalWorker()
{
    LpmSupervisor supervisor(configWith(shellCommand(), 1));
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(server.waitForNewConnection(LongWaitMs));
    QTcpSocket *accepted = server.nextPendingConnection();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refusing a socket")));
    const auto f = supervisor.enqueue(op(QStringLiteral("echo-socket")), accepted);
    QVERIFY(f.isFinished()); // at once
    QCOMPARE(rejectionCode(f), LpmError::Code::UnsupportedOnRemote);
    QCOMPARE(accepted->state(), QAbstractSocket::ConnectedState); // still the caller's
    QTcpServer shared;
    QVERIFY(shared.listen(QHostAddress::LocalHost));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("UnsupportedOnRemote")));
    QVERIFY(!supervisor.broadcast(QStringLiteral("listen"), {}, &shared));
}

void tst_Remote::mixedPoolSendsSocketsToLocalWorkers()
{
    LpmSupervisorConfig config = configWith(shellCommand(), 4);
    config.worker.launchers = { LpmLauncher::local(), shellCommand() };
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QSet<qint64> servedBy;
    for (int i = 0; i < 6; ++i) {
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(server.waitForNewConnection(LongWaitMs));
        const auto f = supervisor.enqueue(op(QStringLiteral("echo-socket")), server.nextPendingConnection());
        QVERIFY(waitFor(f));
        QVERIFY2(endedOnce(f), qPrintable(failureOf(f)));
        servedBy.insert(answeredBy(f));
        client.write("ping");
        QByteArray echoed;
        while (echoed.size() < 4 && client.waitForReadyRead(LongWaitMs))
            echoed += client.readAll();
        QCOMPARE(echoed, QByteArray("ping"));
    }
    // Slots 0 and 2 are local: only they took connections.
    QSet<qint64> local;
    for (const LpmWorkerStatus &status : supervisor.workers()) {
        if (status.slot() % 2 == 0)
            local.insert(status.health().pid);
    }
    QVERIFY2(local.contains(servedBy), "a socket went to a remote worker");
}

void tst_Remote::aProgramThatPrintsFirstIsRefused()
{
    // A shell start-up file that prints is the classic way to break a stdio channel.
    LpmSupervisorConfig config = configWith(shellCommand(QStringLiteral("echo Welcome to the cluster; ")), 1);
    config.worker.restarts = 0;
    LpmSupervisor supervisor(config);
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("broke the protocol")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(".")));
    supervisor.start();
    QTRY_VERIFY_WITH_TIMEOUT(!exits.isEmpty(), LongWaitMs);
    const LpmWorkerExit exit = exits.first().at(0).value<LpmWorkerExit>();
    QCOMPARE(exit.reason(), LpmWorkerExit::Reason::ProtocolError);
    QVERIFY2(exit.detail().contains(QStringLiteral("Welcome to the cluster")), qPrintable(exit.detail()));
}

void tst_Remote::anEchoingProgramIsRefused()
{
    // cat greets with the supervisor's own hello: without the pool's token in it.
    LpmSupervisorConfig config = configWith(LpmLauncher::command({ QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                                                   QStringLiteral("exec cat"), QStringLiteral("x") }),
                                            1);
    config.worker.restarts = 0;
    LpmSupervisor supervisor(config);
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("broke the protocol")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(".")));
    supervisor.start();
    QTRY_VERIFY_WITH_TIMEOUT(!exits.isEmpty(), LongWaitMs);
    const LpmWorkerExit exit = exits.first().at(0).value<LpmWorkerExit>();
    QCOMPARE(exit.reason(), LpmWorkerExit::Reason::ProtocolError);
    QVERIFY2(exit.detail().contains(QStringLiteral("token")), qPrintable(exit.detail()));
}

void tst_Remote::anUnreachableHostIsAConnectionLoss()
{
    if (!available(m_loopbackWhy, "sshd on 127.0.0.1"))
        return;
    // A port nobody listens on, on loopback.
    QStringList options = m_loopback.options();
    options[options.indexOf(QStringLiteral("-p")) + 1] = QString::number([] {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
    }());
    LpmSupervisorConfig config = configWith(LpmLauncher::ssh(m_loopback.host(), options), 1);
    config.worker.restarts = 1;
    LpmSupervisor supervisor(config);
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(".")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(".")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(".")));
    supervisor.start();
    const auto f = supervisor.enqueue(QVariantMap{});
    QVERIFY(waitFor(f));
    QVERIFY(rejectionCode(f).has_value()); // no worker ever came up
    QVERIFY(exits.count() >= 1);
    const LpmWorkerExit exit = exits.first().at(0).value<LpmWorkerExit>();
    QCOMPARE(exit.reason(), LpmWorkerExit::Reason::ConnectionLost);
    QCOMPARE(exit.exitCode(), 255);
    QVERIFY2(exit.description().contains(QStringLiteral("connection")), qPrintable(exit.description()));
}

void tst_Remote::workersOnOneHostShareAConnection()
{
    if (!available(m_loopbackWhy, "sshd on 127.0.0.1"))
        return;
    QSet<qint64> masters;
    {
        LpmSupervisor supervisor(configWith(m_loopback.launcher(), 3));
        QSet<qint64> spawned;
        QVERIFY(startAndWait(supervisor, &spawned));
        // One master, serving every worker's ssh, with its socket in the pool's directory.
        const QList<qint64> found = sshMasters();
        masters = QSet<qint64>(found.cbegin(), found.cend());
        QCOMPARE(masters.size(), 1);
        // All three started together, yet one connection serves them: the others
        // waited for it rather than each making their own.
        QCOMPARE(connectionsTo(m_loopback.port()), 1);
        // A respawn goes through it too.
        QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited")));
        supervisor.enqueue(op(QStringLiteral("crash")));
        QTRY_VERIFY_WITH_TIMEOUT(!exits.isEmpty(), LongWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Online, LongWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(supervisor.workers().size() == 3 && allReady(supervisor), LongWaitMs);
        const auto after = supervisor.enqueue(QVariantMap{});
        QVERIFY(waitFor(after));
        QCOMPARE(connectionsTo(m_loopback.port()), 1);
    }
    // The pool ended its master with itself.
    QTRY_VERIFY_WITH_TIMEOUT(std::none_of(masters.cbegin(), masters.cend(), [](qint64 pid) { return isAlive(pid); }),
                             LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(processesMarked(m_marker).isEmpty(), LongWaitMs);
}

QStringList tst_Remote::poolJobs() const
{
    QStringList jobs = m_slurm.jobs();
    jobs.removeIf([](const QString &line) {
        return !line.contains(QLatin1String(" lpm-")) || line.endsWith(QLatin1String(" lpm-tests"));
    });
    return jobs;
}

void tst_Remote::slurmWorkersAreLongLivedSteps()
{
    if (!available(m_slurmWhy, "Slurm"))
        return;
    LpmSupervisorConfig config = configWith(LpmLauncher::slurm(), 2);
    config.worker.environment = m_slurm.environment();
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.workers().size(), 2, LongWaitMs);
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 50; ++i)
        futures.append(supervisor.enqueue(QVariantMap{ { QStringLiteral("n"), i } }));
    for (const auto &f : std::as_const(futures)) {
        QVERIFY(waitFor(f));
        QVERIFY2(endedOnce(f), qPrintable(failureOf(f)));
    }
    // One step per worker, never one per request: controllers rate-limit step creation.
    const auto ours = [this] {
        QStringList steps = m_slurm.steps();
        steps.removeIf([](const QString &line) { return !line.contains(QLatin1String(" lpm-")); });
        return steps;
    };
    QTRY_COMPARE_WITH_TIMEOUT(ours().size(), 2, LongWaitMs); // earlier pools' steps may still be leaving
    // A hard kill of a worker that hears nothing ends its step as well.
    const auto blocked = supervisor.enqueue(op(QStringLiteral("block"), { { QStringLiteral("ms"), 20000 } }));
    QTRY_VERIFY_WITH_TIMEOUT(holdsARequest(supervisor), LongWaitMs);
    supervisor.hardKill();
    QVERIFY(waitFor(blocked));
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(ours().isEmpty(), LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(processesMarked(m_marker).isEmpty(), LongWaitMs);
}

void tst_Remote::outsideAJobThePoolAllocatesItsOwn()
{
    if (!available(m_slurmWhy, "Slurm"))
        return;
    QCOMPARE(poolJobs().size(), 0);
    {
        // --quiet keeps salloc from naming the job: the pool finds it by its name.
        LpmSupervisorConfig config = configWith(LpmLauncher::slurm({}, { QStringLiteral("--time=10"), QStringLiteral("--quiet") }), 2);
        config.worker.environment = m_slurm.environmentWithoutJob();
        LpmSupervisor supervisor(config);
        QSet<qint64> spawned;
        QVERIFY(startAndWait(supervisor, &spawned));
        const auto f = supervisor.enqueue(QVariantMap{ { QStringLiteral("in"), QStringLiteral("its own job") } });
        QVERIFY(waitFor(f));
        QVERIFY2(endedOnce(f), qPrintable(failureOf(f)));
        QCOMPARE(poolJobs().size(), 1); // one job for the pool, asked for once
        // Stopped, the pool gives its job back; started again, it asks anew.
        supervisor.softKill();
        QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(poolJobs().size(), 0, LongWaitMs);
        QVERIFY(startAndWait(supervisor, &spawned));
        QCOMPARE(poolJobs().size(), 1);
    }
    // Destroyed, likewise.
    QTRY_COMPARE_WITH_TIMEOUT(poolJobs().size(), 0, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(processesMarked(m_marker).isEmpty(), LongWaitMs);
}

void tst_Remote::aPendingAllocationIsWithdrawn()
{
    if (!available(m_slurmWhy, "Slurm"))
        return;
    // A job that will not start for an hour: its workers wait for it, time out, are
    // replaced and wait again; a kill ends them at once and withdraws the request.
    LpmSupervisorConfig config = configWith(LpmLauncher::slurm({}, { QStringLiteral("--begin=now+3600") }), 2);
    config.worker.environment = m_slurm.environmentWithoutJob();
    config.worker.startTimeout = 1500;
    // Under a sanitizer a replacement may time out too before the kill, so these are
    // counted rather than expected one by one.
    const CountedWarnings startFailures({ QStringLiteral("did not call ready"), QStringLiteral("exited:") });
    LpmSupervisor supervisor(config);
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    supervisor.start();
    const auto waiting = supervisor.enqueue(QVariantMap{ { QStringLiteral("waits"), true } });
    QTRY_COMPARE_WITH_TIMEOUT(poolJobs().size(), 1, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(exits.count() >= 2, LongWaitMs);
    const LpmWorkerExit exit = exits.first().at(0).value<LpmWorkerExit>();
    QCOMPARE(exit.reason(), LpmWorkerExit::Reason::StartTimedOut); // not a broken program
    QVERIFY(startFailures.count() >= 2); // that time-out was told, and so was the exit
    QVERIFY(!waiting.isFinished()); // accepted work waits for a worker
    supervisor.hardKill();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    QVERIFY(waitFor(waiting));
    QVERIFY(rejectionCode(waiting).has_value());
    QTRY_COMPARE_WITH_TIMEOUT(poolJobs().size(), 0, LongWaitMs);
    // With nothing queued, a soft kill need not wait for the job either.
    supervisor.start();
    QTRY_COMPARE_WITH_TIMEOUT(poolJobs().size(), 1, LongWaitMs);
    supervisor.softKill(); // an hour's wait would outlast the bound below
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(poolJobs().size(), 0, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(processesMarked(m_marker).isEmpty(), LongWaitMs);
}

QTEST_GUILESS_MAIN(tst_Remote)
#include "tst_remote.moc"
