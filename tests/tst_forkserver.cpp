// worker.forkServer: workers forked from one template that ran the worker program up
// to ready(), with their own channel, slot, stderr and exit report; a template that
// cannot fork safely, or cannot start, leaves the pool to start workers normally.

#include "lpmtesthelpers.h"

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

#include <csignal>

#include <unistd.h>

using namespace LpmTest;

namespace {

LpmSupervisorConfig forkingConfig(int workers, const QStringList &arguments = {})
{
    LpmSupervisorConfig config = configFor(workers, arguments);
    config.worker.forkServer = true;
    return config;
}

QVariantMap answerOf(LpmSupervisor &supervisor, const QVariantMap &payload)
{
    QFuture<LpmResponse> future = supervisor.enqueue(payload);
    if (!waitFor(future) || rejection(future))
        return {};
    return future.result().data().toMap();
}

// Asks every worker (one request each, in flight together) for op's answer.
QList<QVariantMap> askEveryWorker(LpmSupervisor &supervisor, const QString &name, int workers)
{
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < workers; ++i)
        futures.append(supervisor.enqueue(op(QStringLiteral("block"), { { QStringLiteral("ms"), 300 } })));
    QList<QVariantMap> answers;
    for (int i = 0; i < workers; ++i)
        futures.append(supervisor.enqueue(op(name)));
    for (const QFuture<LpmResponse> &future : futures) {
        if (waitFor(future) && !rejection(future))
            answers.append(future.result().data().toMap());
    }
    return answers.mid(workers);
}

int linesIn(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return int(file.readAll().count('\n'));
}

int readyCount(const LpmSupervisor &supervisor)
{
    const QList<LpmWorkerStatus> workers = supervisor.workers();
    return int(std::count_if(workers.cbegin(), workers.cend(), [](const LpmWorkerStatus &w) {
        return w.state() == LpmWorkerStatus::State::Ready;
    }));
}

// The fields of /proc/<pid>/stat after the command's name: state, parent, ...
QList<QByteArray> statOf(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2).split(' ');
}

qint64 parentOf(const LpmSupervisor &supervisor)
{
    const QList<LpmWorkerHealth> health = supervisor.health();
    return health.isEmpty() ? 0 : statOf(health.first().pid).value(1).toLongLong();
}

// This process's children that still run (not zombies).
QList<qint64> runningChildren()
{
    QList<qint64> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        const QList<QByteArray> fields = statOf(pid);
        if (fields.value(1).toLongLong() == ::getpid() && fields.value(0) != "Z")
            children.append(pid);
    }
    return children;
}

} // namespace

class tst_ForkServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void workersAreForkedFromOneStartUp();
    void eachWorkerHasItsOwnWakeUps();
    void crossThreadAnswersArrive();
    void respawnsAndRecyclesAreForked();
    void exitsAreReportedAsForAnyWorker();
    void aLostTemplateIsReplaced();
    void aLostTemplateCostsOneRestart();
    void threadsAtReadyFallBackToNormalStarts();
    void aTemplateThatCannotStartFallsBack();
    void killsAndDestructionLeaveNoProcess();
    void aKillWhileTheTemplateStartsStopsAtOnce();
    void destructionWhileForksWaitLeavesNoProcess();
};

void tst_ForkServer::workersAreForkedFromOneStartUp()
{
    QTemporaryDir dir;
    const QString marks = dir.filePath(QStringLiteral("startups"));
    LpmSupervisor supervisor(forkingConfig(3, { QStringLiteral("startup-mark:") + marks }));
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));

    QCOMPARE(linesIn(marks), 1); // the program's start-up ran once, in the template
    const QList<QVariantMap> lineage = askEveryWorker(supervisor, QStringLiteral("lineage"), 3);
    QCOMPARE(lineage.size(), 3);
    QSet<qint64> pids;
    QSet<qint64> parents;
    for (const QVariantMap &answer : lineage) {
        pids.insert(answer.value(QStringLiteral("pid")).toLongLong());
        parents.insert(answer.value(QStringLiteral("ppid")).toLongLong());
    }
    QCOMPARE(pids.size(), 3);
    QCOMPARE(parents.size(), 1);
    const qint64 templatePid = *parents.cbegin();
    QVERIFY(templatePid != ::getpid());
    QFile file(marks);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().trimmed().toLongLong(), templatePid);
    QCOMPARE(spawned, pids); // childSpawned names the workers, never the template

    // Each has its own slot in its environment, set after the fork.
    const QList<QVariantMap> env = askEveryWorker(supervisor, QStringLiteral("env"), 3);
    QSet<int> indexes;
    for (const QVariantMap &answer : env) {
        indexes.insert(answer.value(QStringLiteral("index")).toInt());
        QCOMPARE(answer.value(QStringLiteral("count")).toInt(), 3);
    }
    QCOMPARE(indexes, (QSet<int>{ 0, 1, 2 }));
}

void tst_ForkServer::eachWorkerHasItsOwnWakeUps()
{
    // An event loop's wake-up descriptor shared by two processes lets one eat the
    // other's wake-ups: every worker must hold its own.
    LpmSupervisor supervisor(forkingConfig(3));
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    const QList<QVariantMap> answers = askEveryWorker(supervisor, QStringLiteral("eventfds"), 3);
    QCOMPARE(answers.size(), 3);
    QSet<qint64> seen;
    for (const QVariantMap &answer : answers) {
        const QVariantList ids = answer.value(QStringLiteral("ids")).toList();
        QVERIFY2(!ids.isEmpty(), "a Qt event loop holds at least one eventfd");
        for (const QVariant &id : ids) {
            QVERIFY2(!seen.contains(id.toLongLong()),
                     qPrintable(QStringLiteral("eventfd %1 is shared by two workers").arg(id.toLongLong())));
            seen.insert(id.toLongLong());
        }
    }
}

void tst_ForkServer::crossThreadAnswersArrive()
{
    LpmSupervisor supervisor(forkingConfig(3));
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 300; ++i)
        futures.append(supervisor.enqueue(op(QStringLiteral("thread-echo"), { { QStringLiteral("i"), i } })));
    QSet<qint64> answeredByPids;
    for (const QFuture<LpmResponse> &future : futures) {
        QVERIFY(waitFor(future));
        QVERIFY2(!rejection(future), qPrintable(failureOf(future)));
        answeredByPids.insert(answeredBy(future));
    }
    QVERIFY(answeredByPids.size() >= 2);
}

void tst_ForkServer::respawnsAndRecyclesAreForked()
{
    QTemporaryDir dir;
    const QString marks = dir.filePath(QStringLiteral("startups"));
    LpmSupervisorConfig config = forkingConfig(2, { QStringLiteral("startup-mark:") + marks });
    config.worker.maxRequests = 3;
    config.worker.backoffInitial = 0;
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    const qint64 templatePid = parentOf(supervisor);
    QVERIFY(templatePid > 0);

    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    const qint64 crashed = answerOf(supervisor, op(QStringLiteral("lineage"))).value(QStringLiteral("pid")).toLongLong();
    QVERIFY(crashed > 0);
    ::kill(pid_t(crashed), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(!exits.isEmpty(), LongWaitMs);
    for (int i = 0; i < 12; ++i) { // a recycle's worth at least, whoever answers
        const QVariantMap answer = answerOf(supervisor, op(QStringLiteral("lineage")));
        QCOMPARE(answer.value(QStringLiteral("ppid")).toLongLong(), templatePid);
    }
    // One replacement for the crash, and at least one recycle.
    QTRY_VERIFY_WITH_TIMEOUT(spawned.size() >= 4, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(supervisor.health().size() == 2 && parentOf(supervisor) == templatePid, LongWaitMs);
    QCOMPARE(linesIn(marks), 1);
}

void tst_ForkServer::exitsAreReportedAsForAnyWorker()
{
    LpmSupervisorConfig config = forkingConfig(1);
    config.worker.backoffInitial = 0;
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);

    QFuture<LpmResponse> exited = supervisor.enqueue(op(QStringLiteral("exit"), { { QStringLiteral("code"), 7 } }));
    QVERIFY(waitFor(exited));
    QCOMPARE(rejectionCode(exited), LpmError::Code::WorkerCrashed);
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 1, LongWaitMs);
    LpmWorkerExit exit = exits.takeFirst().at(0).value<LpmWorkerExit>();
    QCOMPARE(exit.reason(), LpmWorkerExit::Reason::Crashed);
    QCOMPARE(exit.exitCode(), 7);
    QCOMPARE(exit.signal(), 0);
    QCOMPARE(exit.slot(), 0);

    // Its stderr is its own, and explains its end.
    QTRY_VERIFY_WITH_TIMEOUT(readyCount(supervisor) == 1, LongWaitMs);
    QFuture<LpmResponse> aborted = supervisor.enqueue(op(QStringLiteral("crash-with-message")));
    QVERIFY(waitFor(aborted));
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 1, LongWaitMs);
    exit = exits.takeFirst().at(0).value<LpmWorkerExit>();
    QCOMPARE(exit.reason(), LpmWorkerExit::Reason::Crashed);
    QCOMPARE(exit.signal(), SIGABRT);
    QVERIFY2(exit.stderrTail().contains("flux capacitor"), exit.stderrTail().constData());
}

void tst_ForkServer::aLostTemplateIsReplaced()
{
    QTemporaryDir dir;
    const QString marks = dir.filePath(QStringLiteral("startups"));
    LpmSupervisorConfig config = forkingConfig(2, { QStringLiteral("startup-mark:") + marks });
    config.worker.backoffInitial = 0;
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    const qint64 templatePid = parentOf(supervisor);
    QVERIFY(templatePid > 0);
    const QSet<qint64> first = spawned;

    // Its workers die with it (the kernel's parent-death signal) and are replaced,
    // forked from a new template.
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("fork server ended")));
    ::kill(pid_t(templatePid), SIGKILL);
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 2, LongWaitMs);
    for (const QList<QVariant> &args : exits)
        QCOMPARE(args.at(0).value<LpmWorkerExit>().signal(), SIGKILL);
    QTRY_COMPARE_WITH_TIMEOUT(readyCount(supervisor), 2, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(first), LongWaitMs); // reaped by init, as orphans
    const qint64 newTemplate = parentOf(supervisor);
    QVERIFY(newTemplate > 0 && newTemplate != templatePid && newTemplate != ::getpid());
    QCOMPARE(linesIn(marks), 2);
    QCOMPARE(answerOf(supervisor, op(QStringLiteral("lineage"))).value(QStringLiteral("ppid")).toLongLong(),
             newTemplate);
}

void tst_ForkServer::aLostTemplateCostsOneRestart()
{
    // One OOM kill of the template takes four workers along: that is one event for the
    // restart policy, not four, or a pool could not survive it under a tight limit.
    LpmSupervisorConfig config = forkingConfig(4);
    config.worker.restarts = 1;
    config.worker.backoffInitial = 0;
    LpmSupervisor supervisor(config);
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    const qint64 templatePid = parentOf(supervisor);
    QVERIFY(templatePid > 0);
    QSignalSpy limit(&supervisor, &LpmSupervisor::restartLimitReached);
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("fork server ended")));
    ::kill(pid_t(templatePid), SIGKILL);
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 4, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(readyCount(supervisor), 4, LongWaitMs);
    QCOMPARE(limit.count(), 0);
    QCOMPARE(supervisor.restartCount(), 4);

    // A worker's own crash after that is the one restart the limit allows...
    const qint64 victim = supervisor.health().value(0).pid;
    ::kill(pid_t(victim), SIGKILL);
    QTRY_COMPARE_WITH_TIMEOUT(exits.count(), 5, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(limit.count(), 1, LongWaitMs); // ...already spent on the template
}

void tst_ForkServer::threadsAtReadyFallBackToNormalStarts()
{
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("fork server cannot serve: 2 threads run")));
    LpmSupervisor supervisor(forkingConfig(2, { QStringLiteral("thread-at-start") }));
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    const QList<QVariantMap> lineage = askEveryWorker(supervisor, QStringLiteral("lineage"), 2);
    QCOMPARE(lineage.size(), 2);
    for (const QVariantMap &answer : lineage)
        QCOMPARE(answer.value(QStringLiteral("ppid")).toLongLong(), qint64(::getpid()));
}

void tst_ForkServer::aTemplateThatCannotStartFallsBack()
{
    // The template has no slot, so this program exits in the template only.
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("fork server cannot serve: it exited with code 3")));
    LpmSupervisor supervisor(forkingConfig(2, { QStringLiteral("exit-without-index") }));
    QSet<qint64> spawned;
    QVERIFY(startAndWait(supervisor, &spawned));
    QCOMPARE(answerOf(supervisor, op(QStringLiteral("lineage"))).value(QStringLiteral("ppid")).toLongLong(),
             qint64(::getpid()));
    QCOMPARE(supervisor.restartCount(), 0);
}

void tst_ForkServer::killsAndDestructionLeaveNoProcess()
{
    QSet<qint64> everything;
    {
        LpmSupervisor supervisor(forkingConfig(3));
        QSet<qint64> spawned;
        QVERIFY(startAndWait(supervisor, &spawned));
        const qint64 templatePid = parentOf(supervisor);
        QVERIFY(templatePid > 0);
        everything = spawned;
        everything.insert(templatePid);

        supervisor.hardKill();
        QTRY_VERIFY_WITH_TIMEOUT(supervisor.state() == LpmSupervisor::State::Stopped, LongWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(noneAlive(everything), LongWaitMs);

        // It starts again, from a new template, and is destroyed while serving.
        spawned.clear();
        QVERIFY(startAndWait(supervisor, &spawned));
        everything += spawned;
        QVERIFY(parentOf(supervisor) > 0);
        everything.insert(parentOf(supervisor));
        QCOMPARE(answerOf(supervisor, op(QStringLiteral("lineage"))).value(QStringLiteral("ppid")).toLongLong(),
                 parentOf(supervisor));
        QVERIFY(!everything.contains(::getpid()));
    }
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(everything), LongWaitMs);
}

void tst_ForkServer::aKillWhileTheTemplateStartsStopsAtOnce()
{
    // The template takes a minute to reach ready(): the kill does not wait for it.
    LpmSupervisor supervisor(forkingConfig(3, { QStringLiteral("ready-after:60000") }));
    QSignalSpy exits(&supervisor, &LpmSupervisor::workerExited);
    supervisor.start();
    QTRY_VERIFY_WITH_TIMEOUT(!runningChildren().isEmpty(), LongWaitMs); // the template runs
    supervisor.hardKill();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, 20000);
    QCOMPARE(exits.count(), 3);
    QTRY_VERIFY_WITH_TIMEOUT(runningChildren().isEmpty(), LongWaitMs);
    QCOMPARE(supervisor.restartCount(), 0);
}

void tst_ForkServer::destructionWhileForksWaitLeavesNoProcess()
{
    {
        LpmSupervisor supervisor(forkingConfig(4, { QStringLiteral("ready-after:60000") }));
        supervisor.start();
        QTRY_VERIFY_WITH_TIMEOUT(!runningChildren().isEmpty(), LongWaitMs);
    }
    QTRY_VERIFY_WITH_TIMEOUT(runningChildren().isEmpty(), LongWaitMs);
}

QTEST_GUILESS_MAIN(tst_ForkServer)
#include "tst_forkserver.moc"
