// The README's shorter C++ examples, each in a function that gives it the names it
// uses. Quoted by README.md and the pages in docs/src; compiled, never run.

#include <lpm/lpm.h>

#include <QtCore/qdebug.h>
#include <QtCore/qlocale.h>
#include <QtCore/qtranslator.h>

void printMetrics(const LpmSupervisor &supervisor)
{
    //! [metrics]
    const LpmPoolMetrics m = supervisor.metrics();
    qDebug() << m.throughput() << "answers/s," << m.utilization() * 100 << "% busy,"
             << "run time p50/p99" << m.runTime().p50() << m.runTime().p99() << "us,"
             << "queue wait p99" << m.queueWait().p99() << "us," << m.failed() << "failed";
    //! [metrics]
}

void installTranslator()
{
    //! [translations]
    QTranslator lpm;
    if (lpm.load(QLocale(), "lpm", "_", ":/i18n"))
        QCoreApplication::installTranslator(&lpm);
    //! [translations]
}

// connect() and this, as in a member function of the application's own QObject.
class Application : public QObject
{
public:
    void events(LpmWorker *worker, LpmSupervisor &supervisor)
    {
        //! [events]
        // worker
        worker->sendEvent("progress", 42).then(worker, [](const QVariant &reply) { qDebug() << reply; });
        // supervisor
        connect(&supervisor, &LpmSupervisor::eventReceived,
                [](const QString &name, const LpmEvent &event) { event.respond("keep going"); });
        //! [events]
    }

    void promiseStyle(LpmSupervisor &supervisor)
    {
        //! [promise]
        QtFuture::connect(&supervisor, &LpmSupervisor::online).then([] { qDebug() << "online"; });
        connect(&supervisor, &LpmSupervisor::childSpawned, this,
                [](qint64 pid) { qDebug() << "first spawn" << pid; }, Qt::SingleShotConnection);
        //! [promise]
    }
};

LpmSupervisorConfig configure()
{
    //! [config]
    LpmSupervisorConfig config;
    config.worker.program = QCoreApplication::applicationDirPath() + "/my-worker";
    config.worker.count = 2;
    config.worker.maxMemory = 160 * 1024 * 1024; // recycle a worker above 160 MiB
    config.worker.hangTimeout = 10000;
    config.request.timeout = 5000;
    config.request.retries = 1;
    config.request.maxQueued = 10000;
    //! [config]
    return config;
}

LpmSupervisorConfig acrossMachines(LpmSupervisorConfig config)
{
    //! [launchers]
    // Workers 0 and 2 here, 1 and 3 on render2 (keys and jump hosts from ~/.ssh/config):
    config.worker.count = 4;
    config.worker.launchers = {LpmLauncher::local(), LpmLauncher::ssh("render2")};

    // Or each worker a step of the Slurm job this runs in (or of one it asks for):
    config.worker.launchers = {LpmLauncher::slurm({"--cpus-per-task=4"}, {"--time=60"})};
    //! [launchers]
    return config;
}

void enqueueWithOptions(LpmSupervisor &supervisor)
{
    //! [options]
    LpmRequestOptions urgent;
    urgent.priority = 10; // before the background work
    urgent.timeout = 500;
    supervisor.enqueue(QVariantMap{{"job", "preview"}}, urgent);
    //! [options]
}

void printHealth(const LpmSupervisor &supervisor)
{
    //! [health]
    for (const LpmWorkerHealth &h : supervisor.health())
        qDebug() << h.pid << "rss" << h.rss / 1024 << "KiB, heap" << h.heapUsed << "of" << h.heapTotal;
    //! [health]
}
