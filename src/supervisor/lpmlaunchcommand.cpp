#include "lpmlaunchcommand_p.h"

#include "lpmmessage_p.h"

#include <csignal>

namespace LpmLaunchCommand {

QStringList variables(const Worker &worker)
{
    return {
        QStringLiteral("%1=%2").arg(QLatin1String(LpmIpc::ChannelFdVariable),
                                    QLatin1String(LpmIpc::StdioChannel)),
        QStringLiteral("%1=%2").arg(QLatin1String(LpmIpc::PoolTokenVariable),
                                    QString::fromLatin1(worker.token)),
        QStringLiteral("LPM_WORKER_INDEX=%1").arg(worker.slot),
        QStringLiteral("LPM_WORKER_COUNT=%1").arg(worker.count),
    };
}

QString shellQuoted(const QString &text)
{
    if (!text.isEmpty()
        && std::all_of(text.begin(), text.end(), [](QChar c) {
               return c.isLetterOrNumber() || QStringView(u"-_./=:,+@%").contains(c);
           }))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

namespace {

// env VARIABLES... program arguments...
QStringList envCommand(const QString &program, const LpmWorkerConfig &config, const Worker &worker)
{
    QStringList command{ QStringLiteral("env") };
    command += variables(worker);
    command += program;
    command += config.arguments;
    return command;
}

Command sshCommand(const LpmLauncher &launcher, const LpmWorkerConfig &config, const Worker &worker)
{
    QStringList arguments{ QStringLiteral("-T"), QStringLiteral("-o"), QStringLiteral("BatchMode=yes") };
    if (!worker.sshControlPath.isEmpty()) {
        // The first worker's ssh leaves a master in the background (in a session of
        // its own, so killing a worker's group spares it); the pool ends it.
        arguments += { QStringLiteral("-o"), QStringLiteral("ControlMaster=auto"),
                       QStringLiteral("-o"), QStringLiteral("ControlPath=") + worker.sshControlPath,
                       QStringLiteral("-o"), QStringLiteral("ControlPersist=30") };
    }
    arguments += launcher.options();
    arguments += { QStringLiteral("--"), launcher.host() };
    const QString program = launcher.remoteProgram().isEmpty() ? config.program : launcher.remoteProgram();
    QStringList words;
    for (const QString &word : envCommand(program, config, worker))
        words += shellQuoted(word);
    // Not exec'd: the shell stays to turn the worker's death by a signal into exit
    // status 128 + signal, which ssh relays (a signal itself would become ssh's 255).
    arguments += words.join(QLatin1Char(' ')) + QStringLiteral("; exit $?");
    return { QStringLiteral("ssh"), arguments };
}

Command slurmCommand(const LpmLauncher &launcher, const LpmWorkerConfig &config, const Worker &worker)
{
    // One long-lived step per worker, sharing the job's resources with the others.
    QStringList arguments{ QStringLiteral("--overlap"), QStringLiteral("-n1"), QStringLiteral("-N1"),
                           QStringLiteral("--quiet") };
    if (!worker.slurmJob.isEmpty())
        arguments += QStringLiteral("--jobid=") + worker.slurmJob;
    arguments += launcher.options();
    arguments += envCommand(config.program, config, worker);
    return { QStringLiteral("srun"), arguments };
}

} // namespace

Command forLauncher(const LpmLauncher &launcher, const LpmWorkerConfig &config, const Worker &worker)
{
    switch (launcher.kind()) {
    case LpmLauncher::Kind::Ssh:
        return sshCommand(launcher, config, worker);
    case LpmLauncher::Kind::Slurm:
        return slurmCommand(launcher, config, worker);
    case LpmLauncher::Kind::Command: {
        QStringList words = launcher.prefix() + envCommand(config.program, config, worker);
        const QString program = words.takeFirst();
        return { program, words };
    }
    case LpmLauncher::Kind::Local:
        break;
    }
    return { config.program, config.arguments };
}

void readSshExit(LpmWorkerExit *exit)
{
    constexpr int ShellSignalBase = 128;
    constexpr int LastSignal = 64;
    const int code = exit->exitCode();
    if (code == SshTransportFailure) {
        exit->setReason(LpmWorkerExit::Reason::ConnectionLost);
        exit->setDetail(QStringLiteral("ssh exited with 255: it could not reach the host, or lost it"));
    } else if (code > ShellSignalBase && code <= ShellSignalBase + LastSignal) {
        exit->setExitCode(0);
        exit->setSignal(code - ShellSignalBase);
        if (exit->signal() == SIGKILL)
            exit->setReason(LpmWorkerExit::Reason::Killed);
    }
}

} // namespace LpmLaunchCommand
