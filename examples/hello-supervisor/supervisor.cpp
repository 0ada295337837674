// The original package's README example, ported to Qt: two workers, ten requests of
// {Hello: "World"}, the answers printed; Ctrl-C soft-kills the pool (each worker
// finishes what it holds) and exits. Without --wait it soft-kills by itself once
// every answer is in. --ssh HOST or --slurm runs the same workers on another machine:
// one line of the configuration (config.worker.launchers) is all that changes.
#include <lpm/lpm.h>

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qprocess.h>

#include <cstdio>

namespace {

void say(const QString &line)
{
    std::printf("%s\n", qPrintable(line));
    std::fflush(stdout);
}

QString json(const QVariant &value)
{
    return QString::fromUtf8(QJsonDocument::fromVariant(value).toJson(QJsonDocument::Compact));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("LPM's hello world: two workers, ten requests."));
    parser.addHelpOption();
    const QCommandLineOption waitOption(QStringLiteral("wait"),
                                        QStringLiteral("Keep the pool up until Ctrl-C."));
    const QCommandLineOption delayOption(QStringLiteral("delay"),
                                         QStringLiteral("How long a worker takes per request."),
                                         QStringLiteral("ms"), QStringLiteral("2000"));
    const QCommandLineOption sshOption(QStringLiteral("ssh"),
                                       QStringLiteral("Run the workers on HOST through ssh (keys, ~/.ssh/config)."),
                                       QStringLiteral("host"));
    const QCommandLineOption sshOptionsOption(QStringLiteral("ssh-options"),
                                              QStringLiteral("Options for ssh, as on its command line (\"-p 2222 -i key\")."),
                                              QStringLiteral("options"));
    const QCommandLineOption remoteProgramOption(QStringLiteral("remote-program"),
                                                 QStringLiteral("The worker's path on that host (default: this one's)."),
                                                 QStringLiteral("path"));
    const QCommandLineOption slurmOption(QStringLiteral("slurm"),
                                         QStringLiteral("Run each worker as a step of a Slurm job: the one this runs "
                                                        "in, or one it asks for."));
    parser.addOptions({ waitOption, delayOption, sshOption, sshOptionsOption, remoteProgramOption, slurmOption });
    parser.process(app);

    LpmSupervisorConfig config;
    config.worker.program = QCoreApplication::applicationDirPath() + QStringLiteral("/hello-worker");
    config.worker.arguments = { parser.value(delayOption) };
    config.worker.count = 2;
    if (parser.isSet(sshOption))
        config.worker.launchers = { LpmLauncher::ssh(parser.value(sshOption),
                                                     QProcess::splitCommand(parser.value(sshOptionsOption)),
                                                     parser.value(remoteProgramOption)) };
    else if (parser.isSet(slurmOption))
        config.worker.launchers = { LpmLauncher::slurm() };
    LpmSupervisor supervisor(config);

    auto softKillAndQuit = [&supervisor] {
        supervisor.softKill().then(&supervisor, [] {
            say(QStringLiteral("Soft kill done: every worker finished its requests and exited."));
            QCoreApplication::quit();
        });
    };
    // Connecting to interrupted() replaces the default (hard kill and quit).
    QObject::connect(&supervisor, &LpmSupervisor::interrupted, &supervisor, [&] {
        say(QStringLiteral("SIGINT received: soft-killing the pool."));
        softKillAndQuit();
    });
    QObject::connect(&supervisor, &LpmSupervisor::childSpawned, &supervisor,
                     [](qint64 pid) { say(QStringLiteral("Worker %1 spawned.").arg(pid)); });

    int answered = 0;
    QObject::connect(&supervisor, &LpmSupervisor::online, &supervisor, [&] {
        say(QStringLiteral("All workers are online."));
        const QVariantMap payload{ { QStringLiteral("Hello"), QStringLiteral("World") } };
        for (int i = 0; i < 10; ++i) {
            say(QStringLiteral("Enqueuing a request with payload %1").arg(json(payload)));
            supervisor.enqueue(payload)
                    .then(&supervisor, [&](const LpmResponse &response) {
                        say(QStringLiteral("Answer to %1 from worker %2: %3")
                                    .arg(response.id().toString(QUuid::WithoutBraces))
                                    .arg(response.data().toMap().value(QStringLiteral("pid")).toLongLong())
                                    .arg(json(response.data())));
                        if (++answered == 10) {
                            if (parser.isSet(waitOption)) {
                                say(QStringLiteral("All answers received. Press Ctrl-C to soft-kill the pool."));
                            } else {
                                say(QStringLiteral("All answers received: soft-killing the pool."));
                                softKillAndQuit();
                            }
                        }
                    })
                    .onFailed(&supervisor, [](const LpmError &error) {
                        say(QStringLiteral("Request failed: %1").arg(error.message()));
                    });
        }
    });
    QObject::connect(&supervisor, &LpmSupervisor::errorOccurred, &supervisor, [&supervisor] {
        say(QStringLiteral("Supervisor error: %1").arg(supervisor.errorString()));
    });

    supervisor.start();
    return app.exec();
}
