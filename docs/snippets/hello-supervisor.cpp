// The supervisor of the README's example (examples/hello-supervisor/supervisor.cpp,
// shortened). Quoted by README.md and docs/src/index.qdoc; compiled, never run.

//! [supervisor]
#include <lpm/lpm.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);

    LpmSupervisorConfig config;                   // the original's defaults
    config.worker.program = QCoreApplication::applicationDirPath() + "/hello-worker";
    config.worker.count = 2;
    LpmSupervisor supervisor(config);

    // Connecting to interrupted() replaces the default SIGINT handling
    // (hard kill and quit).
    QObject::connect(&supervisor, &LpmSupervisor::interrupted, [&] {
        supervisor.softKill().then(&supervisor, [] { QCoreApplication::quit(); });
    });
    QObject::connect(&supervisor, &LpmSupervisor::online, [&] {
        for (int i = 0; i < 10; ++i) {
            supervisor.enqueue(QVariantMap{{"Hello", "World"}})
                .then(&supervisor, [](const LpmResponse &r) { qDebug() << r.id() << r.data(); })
                .onFailed(&supervisor, [](const LpmError &e) { qWarning() << e.message(); });
        }
    });
    supervisor.start();
    return app.exec();
}
//! [supervisor]
