#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qprocess.h>

// Starts a worker program with its end of a private channel.
//
// The channel is a socketpair: no name on the file system, so no other process can
// connect to it. The child keeps its end under the same descriptor number (named in
// LPM_IPC_FD); every other inherited descriptor is marked close-on-exec first, since
// Qt 6.4's QProcess closes nothing. The child also asks the kernel for SIGKILL when
// its parent dies, so no worker outlives a crashed supervisor, and it gets a process
// group of its own, so a terminal's Ctrl-C is the supervisor's to handle.
namespace LpmWorkerProcess {

// Starts process with program and arguments. On success returns the parent's end of
// the channel (the caller owns it); the child's end is already closed here. Returns
// -1 when no socketpair could be made (errno is logged); a program that cannot be
// executed is reported later by QProcess::errorOccurred(FailedToStart).
qintptr start(QProcess &process, const QString &program, const QStringList &arguments);

} // namespace LpmWorkerProcess
