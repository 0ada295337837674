#include "lpmworkerprocess_p.h"

#include "lpmlogging_p.h"
#include "lpmmessage_p.h"

#include <cerrno>
#include <cstdio>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

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

namespace {
// How much of a worker's stderr is kept to explain its end.
constexpr qsizetype StderrTailBytes = 4096;
} // namespace

LpmWorkerProcess::LpmWorkerProcess(QObject *parent) : QObject(parent), m_process(this)
{
    // stdout goes straight to ours; stderr passes through us so that its last lines
    // can explain a crash. stdin is a pipe closed at once: a worker never steals the
    // application's terminal input.
    m_process.setProcessChannelMode(QProcess::ForwardedOutputChannel);
    connect(&m_process, &QProcess::readyReadStandardError, this,
            &LpmWorkerProcess::forwardStandardError);
    connect(&m_process, &QProcess::started, this, [this] {
        m_pid = m_process.processId();
        m_process.closeWriteChannel();
        Q_EMIT started(m_pid);
    });
    connect(&m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        m_exitCode = exitCode; // on a crash, Qt reports the signal number as the exit code
        m_exitStatus = status;
        Q_EMIT finished();
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return; // crashes arrive through finished()
        qCWarning(lcLpmSupervisor) << "cannot start worker" << m_process.program() << ":"
                                   << m_process.errorString();
        m_startFailure = m_process.errorString();
        Q_EMIT finished();
    });
}

LpmWorkerProcess::~LpmWorkerProcess()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.disconnect(this);
    killGroup();
    m_process.waitForFinished(5000);
}

LpmWorkerProcess::Channels LpmWorkerProcess::start(const LpmWorkerConfig &config, int slot, int count)
{
    m_uptime.start();
    int control[2];
    int descriptors[2];
    if (!makePair(SOCK_STREAM, control)) {
        failToStart(QStringLiteral("no channel could be created"));
        return {};
    }
    if (!makePair(SOCK_SEQPACKET, descriptors)) {
        ::close(control[0]);
        ::close(control[1]);
        failToStart(QStringLiteral("no channel could be created"));
        return {};
    }
    const int childControl = control[1];
    const int childDescriptors = descriptors[1];

    QProcessEnvironment environment = config.environment;
    environment.insert(QLatin1String(LpmIpc::ChannelFdVariable), QString::number(childControl));
    environment.insert(QLatin1String(LpmIpc::DescriptorChannelFdVariable),
                       QString::number(childDescriptors));
    environment.insert(QStringLiteral("LPM_WORKER_INDEX"), QString::number(slot));
    environment.insert(QStringLiteral("LPM_WORKER_COUNT"), QString::number(count));
    m_process.setProcessEnvironment(environment);

    // Formatted here: the child may only call async-signal-safe functions.
    const QByteArray oomScoreAdj = QByteArray::number(qBound(-1000, config.oomScoreAdj, 1000));
    const bool adjustOomScore = config.oomScoreAdj != 0;
    const pid_t supervisorPid = ::getpid();
    // Runs in the child between fork and exec: async-signal-safe calls only.
    m_process.setChildProcessModifier([childControl, childDescriptors, supervisorPid, oomScoreAdj,
                                       adjustOomScore] {
        markInheritedCloseOnExec();
        if (adjustOomScore) { // raising needs no privilege; a failure leaves it as it was
            const int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
            if (fd >= 0) {
                (void)!::write(fd, oomScoreAdj.constData(), size_t(oomScoreAdj.size()));
                ::close(fd);
            }
        }
        ::fcntl(childControl, F_SETFD, 0);
        ::fcntl(childDescriptors, F_SETFD, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        // A process group of its own: a terminal's Ctrl-C reaches the supervisor only,
        // which decides how its workers stop (soft kill, hard kill).
        ::setpgid(0, 0);
        if (::getppid() != supervisorPid) // the supervisor died before prctl took effect
            ::_exit(127);
    });
    m_process.setProgram(config.program);
    m_process.setArguments(config.arguments);
    m_process.start();
    // QProcess forks inside start(), so the child holds its copies by now. Closing ours
    // is what lets the parent see end-of-file when the child dies.
    ::close(childControl);
    ::close(childDescriptors);
    return { control[0], descriptors[0] };
}

void LpmWorkerProcess::killGroup()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    const pid_t pid = pid_t(m_process.processId());
    if (pid <= 0 || ::kill(-pid, SIGKILL) != 0) // not its group's leader (yet)
        m_process.kill();
}

void LpmWorkerProcess::killLeftovers()
{
    if (m_pid > 0 && m_process.state() == QProcess::NotRunning)
        ::kill(-pid_t(m_pid), SIGKILL);
}

bool LpmWorkerProcess::waitForExit(int ms)
{
    return m_process.state() == QProcess::NotRunning || m_process.waitForFinished(qMax(0, ms));
}

LpmWorkerExit LpmWorkerProcess::exitReport() const
{
    LpmWorkerExit exit;
    exit.setPid(m_pid);
    exit.setUptimeMs(m_uptime.isValid() ? m_uptime.elapsed() : 0);
    exit.setStderrTail(m_stderrTail);
    if (!m_startFailure.isEmpty()) {
        exit.setReason(LpmWorkerExit::Reason::FailedToStart);
        exit.setDetail(m_startFailure);
        return exit;
    }
    const bool signaled = m_exitStatus == QProcess::CrashExit;
    exit.setSignal(signaled ? m_exitCode : 0);
    exit.setExitCode(signaled ? 0 : m_exitCode);
    exit.setReason(signaled && m_exitCode == SIGKILL ? LpmWorkerExit::Reason::Killed
                                                     : LpmWorkerExit::Reason::Crashed);
    return exit;
}

void LpmWorkerProcess::failToStart(const QString &reason)
{
    m_startFailure = reason;
    // Reported as QProcess would: later, so the caller has finished setting up.
    QMetaObject::invokeMethod(this, &LpmWorkerProcess::finished, Qt::QueuedConnection);
}

void LpmWorkerProcess::forwardStandardError()
{
    const QByteArray bytes = m_process.readAllStandardError();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    m_stderrTail.append(bytes);
    if (m_stderrTail.size() > StderrTailBytes)
        m_stderrTail.remove(0, m_stderrTail.size() - StderrTailBytes);
}
