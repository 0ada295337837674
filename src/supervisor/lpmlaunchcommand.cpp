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
    // One long-lived step per worker, sharing the job's resources with the others;
    // unbuffered, or srun would hold the channel's bytes back until a newline. Named,
    // so that a kill can find the step.
    const QString step = QStringLiteral("lpm-%1-%2-%3")
                                 .arg(QString::fromLatin1(worker.token))
                                 .arg(worker.slot)
                                 .arg(worker.launch);
    QStringList arguments{ QStringLiteral("--overlap"), QStringLiteral("-n1"), QStringLiteral("-N1"),
                           QStringLiteral("--quiet"), QStringLiteral("--unbuffered"),
                           QStringLiteral("--job-name=") + step };
    if (!worker.slurmJob.isEmpty())
        arguments += QStringLiteral("--jobid=") + worker.slurmJob;
    arguments += launcher.options();
    arguments += envCommand(config.program, config, worker);
    Command command{ QStringLiteral("srun"), arguments, {} };
    if (!worker.slurmJob.isEmpty()) {
        // A killed srun normally takes its step along; scancel makes sure, in case the
        // controller only notices later.
        command.cancel = { QStringLiteral("sh"), QStringLiteral("-c"),
                           QStringLiteral("squeue -h -s -j \"$1\" -o '%i %j' | while read id name; do "
                                          "[ \"$name\" = \"$2\" ] && scancel --quiet \"$id\"; done"),
                           QStringLiteral("lpm-scancel"), worker.slurmJob, step };
    }
    return command;
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

void readLauncherExit(LpmLauncher::Kind launcher, LpmWorkerExit *exit)
{
    constexpr int ShellSignalBase = 128;
    constexpr int LastSignal = 64;
    if (launcher != LpmLauncher::Kind::Ssh && launcher != LpmLauncher::Kind::Slurm)
        return; // a command's status is whatever it says
    const int code = exit->exitCode();
    if (launcher == LpmLauncher::Kind::Ssh && code == SshTransportFailure) {
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
