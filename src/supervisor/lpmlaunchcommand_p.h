#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmlauncher.h>
#include <lpm/lpmsupervisorconfig.h>
#include <lpm/lpmworkerexit.h>

#include <QtCore/qstringlist.h>

// The command line that starts a remote worker through its launcher, and what the
// launcher's exit says. A remote worker learns its channel, token and slot from
// variables set by env on its side: ssh carries no environment, and a prefix may
// start the worker in a world of its own (a container).
namespace LpmLaunchCommand {

struct Command
{
    QString program;
    QStringList arguments;
    // Run (detached) when the launcher is killed, to end the worker where it runs;
    // empty: killing the launcher is enough.
    QStringList cancel;
};

struct Worker
{
    int slot = 0;
    int count = 1;
    quint64 launch = 0; // the pool's count of launches: tells steps of one slot apart
    QByteArray token;
    // ssh: the ControlPath its connection is shared through; empty: none.
    QString sshControlPath;
    // Slurm: the job the step runs in.
    QString slurmJob;
};

// The LPM variables of a remote worker: channel on stdio, the pool's token, its slot.
QStringList variables(const Worker &worker);
Command forLauncher(const LpmLauncher &launcher, const LpmWorkerConfig &config, const Worker &worker);
// Quotes text for a POSIX shell: what ssh's remote side runs.
QString shellQuoted(const QString &text);

// ssh's own exit status when it failed itself (connecting, authenticating, a dropped
// connection).
constexpr int SshTransportFailure = 255;
// What a launcher's exit status says of the worker: ssh's 255 is its own failure
// (ConnectionLost); 128 + n is how the remote shell and srun report a death by
// signal n.
void readLauncherExit(LpmLauncher::Kind launcher, LpmWorkerExit *exit);

} // namespace LpmLaunchCommand
