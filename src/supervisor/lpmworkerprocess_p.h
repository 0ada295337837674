#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qprocess.h>

// Starts a worker program with its end of a private channel, and ends it.
//
// The channels are socketpairs: no name on the file system, so no other process can
// connect to them. The child keeps its ends under the same descriptor numbers (named
// in its environment); every other inherited descriptor is marked close-on-exec
// first, since Qt 6.4's QProcess closes nothing. The child also asks the kernel for
// SIGKILL when its parent dies, so no worker outlives a crashed supervisor, and it
// leads a process group of its own, so a terminal's Ctrl-C is the supervisor's to
// handle and a kill reaches the worker's own children too.
namespace LpmWorkerProcess {

// The parent's ends of a worker's two channels; the caller owns them.
struct Channels
{
    int control = -1;     // SOCK_STREAM: framed messages (LPM_IPC_FD in the child)
    int descriptors = -1; // SOCK_SEQPACKET: file descriptors (LPM_FD_CHANNEL_FD)
};

// Starts process with program and arguments. The children's ends are closed here
// once the child has them. Returns no channels (-1) when no socketpair could be made
// (errno is logged); a program that cannot be executed is reported later by
// QProcess::errorOccurred(FailedToStart).
Channels start(QProcess &process, const QString &program, const QStringList &arguments);

// SIGKILL to the worker's whole process group, while the worker is not yet reaped
// (its pid then still names its group).
void killGroup(QProcess &process);

} // namespace LpmWorkerProcess
