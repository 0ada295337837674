#include "lpmworkerprocess_p.h"

#include "lpmlogging_p.h"
#include "lpmmessage_p.h"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace LpmWorkerProcess {

namespace {

// In the child, between fork and exec: only async-signal-safe calls.
void markInheritedCloseOnExec()
{
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return;
    // Kernels before 5.11 lack the flag: mark each descriptor up to the limit.
    struct rlimit limit;
    const int last = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
            ? int(qMin<rlim_t>(limit.rlim_cur, 1 << 20))
            : 65536;
    for (int fd = 3; fd < last; ++fd)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

bool makePair(int type, int fds[2])
{
    if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) == 0)
        return true;
    qCWarning(lcLpmSupervisor) << "socketpair failed:" << std::strerror(errno);
    return false;
}

} // namespace

Channels start(QProcess &process, const QString &program, const QStringList &arguments)
{
    int control[2];
    int descriptors[2];
    if (!makePair(SOCK_STREAM, control))
        return {};
    if (!makePair(SOCK_SEQPACKET, descriptors)) {
        ::close(control[0]);
        ::close(control[1]);
        return {};
    }
    const int childControl = control[1];
    const int childDescriptors = descriptors[1];

    static const QProcessEnvironment baseEnvironment = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment environment = baseEnvironment;
    environment.insert(QLatin1String(LpmIpc::ChannelFdVariable), QString::number(childControl));
    environment.insert(QLatin1String(LpmIpc::DescriptorChannelFdVariable),
                       QString::number(childDescriptors));
    process.setProcessEnvironment(environment);

    const pid_t supervisorPid = ::getpid();
    // Runs in the child between fork and exec: async-signal-safe calls only.
    process.setChildProcessModifier([childControl, childDescriptors, supervisorPid] {
        markInheritedCloseOnExec();
        ::fcntl(childControl, F_SETFD, 0);
        ::fcntl(childDescriptors, F_SETFD, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        // A process group of its own: a terminal's Ctrl-C reaches the supervisor only,
        // which decides how its workers stop (soft kill, hard kill).
        ::setpgid(0, 0);
        if (::getppid() != supervisorPid) // the supervisor died before prctl took effect
            ::_exit(127);
    });
    process.setProgram(program);
    process.setArguments(arguments);
    process.start();
    // QProcess forks inside start(), so the child holds its copies by now. Closing ours
    // is what lets the parent see end-of-file when the child dies.
    ::close(childControl);
    ::close(childDescriptors);
    return { control[0], descriptors[0] };
}

void killGroup(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    const pid_t pid = pid_t(process.processId());
    if (pid <= 0 || ::kill(-pid, SIGKILL) != 0) // not its group's leader (yet)
        process.kill();
}

} // namespace LpmWorkerProcess
