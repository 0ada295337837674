#include "lpmworkerprocess_p.h"

#include "lpmforkprotocol_p.h"
#include "lpmforkserver_p.h"
#include "lpmlogging_p.h"
#include "lpmmessage_p.h"
#include "lpmsharedring_p.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qsocketnotifier.h>

#include <cerrno>
#include <cstdio>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
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
    if (m_mode == Mode::ForkPending && m_server)
        m_server->cancel(this);
    if (isRunning()) {
        m_process.disconnect(this);
        killGroup();
        if (m_mode == Mode::Exec)
            m_process.waitForFinished(5000);
        else if (m_mode == Mode::Forked)
            waitForExit(5000);
    }
    closeForkEnds();
    if (m_launchEnd >= 0)
        ::close(m_launchEnd);
    delete m_stderrNotifier;
    delete m_pidfdNotifier;
    if (m_stderrPipe >= 0)
        ::close(m_stderrPipe);
    if (m_pidfd >= 0)
        ::close(m_pidfd);
}

bool LpmWorkerProcess::isRunning() const
{
    switch (m_mode) {
    case Mode::Exec:
        return m_process.state() != QProcess::NotRunning;
    case Mode::ForkPending:
    case Mode::LaunchPending:
        return true;
    case Mode::Forked:
        return !m_ended;
    case Mode::Abandoned:
        return false;
    }
    return false;
}

LpmWorkerProcess::Channels LpmWorkerProcess::start(const LpmWorkerConfig &config, int slot, int count,
                                                   LpmForkServer *forkServer)
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
    Channels channels;
    channels.control = control[0];
    channels.descriptors = descriptors[0];
    ChildEnds ends{ { control[1], descriptors[1], -1, -1, -1 } };
    // A fork server's template (no slot) never takes requests: no rings for it.
    if (slot >= 0 && config.sharedMemory > 0) {
        channels.toWorker = LpmSharedRing::create(config.sharedMemory, &ends[LpmFork::RingToWorker]);
        if (channels.toWorker)
            channels.fromWorker = LpmSharedRing::create(config.sharedMemory, &ends[LpmFork::RingFromWorker]);
        if (!channels.fromWorker && channels.toWorker) {
            channels.toWorker.reset();
            ::close(std::exchange(ends[LpmFork::RingToWorker], -1));
        }
    }
    int stderrPipe[2];
    if (forkServer && forkServer->state() != LpmForkServer::State::Unavailable
        && ::pipe2(stderrPipe, O_CLOEXEC) == 0) {
        m_mode = Mode::ForkPending;
        m_config = config;
        m_slot = slot;
        m_count = count;
        m_forkEnds = ends;
        m_forkEnds[LpmFork::StandardError] = stderrPipe[1];
        m_stderrPipe = stderrPipe[0];
        ::fcntl(m_stderrPipe, F_SETFL, O_NONBLOCK);
        m_server = forkServer;
        forkServer->requestFork(this, slot, count, m_forkEnds.data());
    } else {
        execute(config, slot, count, ends);
    }
    return channels;
}

void LpmWorkerProcess::execute(const LpmWorkerConfig &config, int slot, int count, const ChildEnds &ends)
{
    const int childControl = ends[LpmFork::Control];
    const int childDescriptors = ends[LpmFork::Descriptors];
    const int ringIn = ends[LpmFork::RingToWorker];
    const int ringOut = ends[LpmFork::RingFromWorker];
    QProcessEnvironment environment = config.environment;
    environment.insert(QLatin1String(LpmIpc::ChannelFdVariable), QString::number(childControl));
    environment.insert(QLatin1String(LpmIpc::DescriptorChannelFdVariable),
                       QString::number(childDescriptors));
    if (ringIn >= 0) {
        environment.insert(QLatin1String(LpmIpc::RingToWorkerFdVariable), QString::number(ringIn));
        environment.insert(QLatin1String(LpmIpc::RingFromWorkerFdVariable), QString::number(ringOut));
    } else { // none of ours: whatever the caller's environment says is not a ring
        environment.remove(QLatin1String(LpmIpc::RingToWorkerFdVariable));
        environment.remove(QLatin1String(LpmIpc::RingFromWorkerFdVariable));
    }
    if (slot >= 0) { // a fork server's template has no slot: its children get theirs
        environment.insert(QStringLiteral("LPM_WORKER_INDEX"), QString::number(slot));
        environment.insert(QStringLiteral("LPM_WORKER_COUNT"), QString::number(count));
    }
    m_process.setProcessEnvironment(environment);

    // Formatted here: the child may only call async-signal-safe functions.
    const QByteArray oomScoreAdj = QByteArray::number(qBound(-1000, config.oomScoreAdj, 1000));
    const bool adjustOomScore = config.oomScoreAdj != 0;
    const pid_t supervisorPid = ::getpid();
    // Runs in the child between fork and exec: async-signal-safe calls only.
    m_process.setChildProcessModifier([childControl, childDescriptors, ringIn, ringOut, supervisorPid,
                                       oomScoreAdj, adjustOomScore] {
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
        if (ringIn >= 0) {
            ::fcntl(ringIn, F_SETFD, 0);
            ::fcntl(ringOut, F_SETFD, 0);
        }
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
    for (const int fd : ends) {
        if (fd >= 0)
            ::close(fd);
    }
}

LpmWorkerProcess::Channels LpmWorkerProcess::prepareRemote(const LpmWorkerConfig &config,
                                                           LpmLauncher::Kind launcher)
{
    m_uptime.start();
    m_launcher = launcher;
    int control[2];
    if (!makePair(SOCK_STREAM, control)) {
        failToStart(QStringLiteral("no channel could be created"));
        return {};
    }
    m_mode = Mode::LaunchPending;
    m_launchEnd = control[1];
    m_process.setProcessEnvironment(config.environment);
    Channels channels;
    channels.control = control[0];
    return channels;
}

void LpmWorkerProcess::launchRemote(const LpmLaunchCommand::Command &command)
{
    if (m_mode != Mode::LaunchPending)
        return; // killed while it waited
    m_mode = Mode::Exec;
    m_remoteCancel = command.cancel;
    const int childEnd = std::exchange(m_launchEnd, -1);
    const pid_t supervisorPid = ::getpid();
    // Runs in the child between fork and exec: async-signal-safe calls only. QProcess
    // has set up stdio by then; the channel replaces stdin and stdout.
    m_process.setChildProcessModifier([childEnd, supervisorPid] {
        markInheritedCloseOnExec();
        ::dup2(childEnd, STDIN_FILENO); // dup2 clears close-on-exec on the copies
        ::dup2(childEnd, STDOUT_FILENO);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::setpgid(0, 0);
        if (::getppid() != supervisorPid)
            ::_exit(127);
    });
    m_process.setProgram(command.program);
    m_process.setArguments(command.arguments);
    m_process.start();
    ::close(childEnd);
}

void LpmWorkerProcess::failLaunch(const QString &why)
{
    if (m_mode != Mode::LaunchPending)
        return;
    m_mode = Mode::Exec;
    ::close(std::exchange(m_launchEnd, -1));
    qCWarning(lcLpmSupervisor).noquote() << "cannot start a remote worker:" << why;
    failToStart(why);
}

void LpmWorkerProcess::onForked(qint64 pid, int pidfd)
{
    if (m_mode != Mode::ForkPending) {
        ::close(pidfd);
        return;
    }
    m_mode = Mode::Forked;
    m_pid = pid;
    m_pidfd = pidfd;
    closeForkEnds(); // the child has its copies: end of file reaches us when it dies
    m_stderrNotifier = new QSocketNotifier(m_stderrPipe, QSocketNotifier::Read, this);
    connect(m_stderrNotifier, &QSocketNotifier::activated, this, &LpmWorkerProcess::readStderrPipe);
    Q_EMIT started(m_pid);
}

void LpmWorkerProcess::onForkFailed()
{
    if (m_mode != Mode::ForkPending)
        return;
    m_mode = Mode::Exec;
    m_server = nullptr;
    ::close(std::exchange(m_stderrPipe, -1));
    ::close(std::exchange(m_forkEnds[LpmFork::StandardError], -1));
    const ChildEnds ends = std::exchange(m_forkEnds, { { -1, -1, -1, -1, -1 } });
    execute(m_config, m_slot, m_count, ends);
    Q_EMIT fellBack();
}

void LpmWorkerProcess::onForkLost()
{
    if (m_mode != Mode::ForkPending)
        return;
    m_lostWithTemplate = m_server ? m_server->generation() : 0;
    abandon();
}

void LpmWorkerProcess::abandon()
{
    m_mode = Mode::Abandoned;
    if (m_server)
        m_server->cancel(this);
    m_server = nullptr;
    closeForkEnds();
    if (m_stderrPipe >= 0)
        ::close(std::exchange(m_stderrPipe, -1));
    // Reported as a worker killed before it ran, later, as QProcess would.
    m_exitStatus = QProcess::CrashExit;
    m_exitCode = SIGKILL;
    QMetaObject::invokeMethod(this, &LpmWorkerProcess::finished, Qt::QueuedConnection);
}

void LpmWorkerProcess::onExitReported(int waitStatus)
{
    if (m_mode != Mode::Forked || m_reported)
        return;
    if (waitStatus < 0) { // reaped by the kernel: how it ended is unknown, so not cleanly
        m_exitStatus = QProcess::NormalExit;
        m_exitCode = 255;
    } else if (WIFSIGNALED(waitStatus)) {
        m_exitStatus = QProcess::CrashExit;
        m_exitCode = WTERMSIG(waitStatus);
    } else {
        m_exitStatus = QProcess::NormalExit;
        m_exitCode = WEXITSTATUS(waitStatus);
    }
    finishForked();
}

void LpmWorkerProcess::onServerLost()
{
    if (m_mode != Mode::Forked || m_reported || m_pidfdNotifier)
        return;
    // The kernel kills it with its template (its parent-death signal); its pidfd tells
    // when it is gone, and nobody is left to say how: SIGKILL.
    m_lostWithTemplate = m_server ? m_server->generation() : 0;
    m_pidfdNotifier = new QSocketNotifier(m_pidfd, QSocketNotifier::Read, this);
    connect(m_pidfdNotifier, &QSocketNotifier::activated, this, [this] {
        m_exitStatus = QProcess::CrashExit;
        m_exitCode = SIGKILL;
        finishForked();
    });
}

void LpmWorkerProcess::finishForked()
{
    m_reported = true;
    m_ended = true;
    readStderrPipe(); // its last words
    delete std::exchange(m_stderrNotifier, nullptr);
    delete std::exchange(m_pidfdNotifier, nullptr);
    Q_EMIT finished();
}

void LpmWorkerProcess::closeForkEnds()
{
    for (int &fd : m_forkEnds) {
        if (fd >= 0)
            ::close(std::exchange(fd, -1));
    }
}

void LpmWorkerProcess::readStderrPipe()
{
    if (m_stderrPipe < 0)
        return;
    char buffer[16 * 1024];
    for (;;) {
        const ssize_t n = ::read(m_stderrPipe, buffer, sizeof(buffer));
        if (n > 0) {
            keepStderr(QByteArray::fromRawData(buffer, n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 && m_stderrNotifier) // end of file: the child and its children are done
            m_stderrNotifier->setEnabled(false);
        return;
    }
}

void LpmWorkerProcess::killGroup()
{
    switch (m_mode) {
    case Mode::Exec: {
        if (m_process.state() == QProcess::NotRunning)
            return;
        if (!m_remoteCancel.isEmpty()) { // the worker runs elsewhere: end it there too
            QStringList command = std::exchange(m_remoteCancel, {});
            QProcess cancel;
            cancel.setProcessEnvironment(m_process.processEnvironment());
            cancel.setProgram(command.takeFirst());
            cancel.setArguments(command);
            cancel.startDetached();
        }
        const pid_t pid = pid_t(m_process.processId());
        if (pid <= 0 || ::kill(-pid, SIGKILL) != 0) // not its group's leader (yet)
            m_process.kill();
        return;
    }
    case Mode::ForkPending:
        abandon(); // a child forked for it after all is killed on arrival
        return;
    case Mode::Forked:
        if (m_ended)
            return;
        // The pidfd reaches this process and no other. Once it has died, the template may
        // have reaped it and its pid (its group's id) may be another's: the group is
        // signalled only while the process itself still is there.
        if (LpmFork::signalPidFd(m_pidfd, SIGKILL) || errno != ESRCH)
            ::kill(-pid_t(m_pid), SIGKILL);
        return;
    case Mode::Abandoned:
        return;
    case Mode::LaunchPending:
        // Ended before it began: as killed, so that the caller's reason (a start
        // timeout, a stop) stands and the slot is refilled as after any kill.
        m_mode = Mode::Exec;
        ::close(std::exchange(m_launchEnd, -1));
        m_exitStatus = QProcess::CrashExit;
        m_exitCode = SIGKILL;
        QMetaObject::invokeMethod(this, &LpmWorkerProcess::finished, Qt::QueuedConnection);
        return;
    }
}

void LpmWorkerProcess::killLeftovers()
{
    if (m_pid > 0 && !isRunning())
        ::kill(-pid_t(m_pid), SIGKILL);
}

bool LpmWorkerProcess::waitForExit(int ms)
{
    const QDeadlineTimer deadline(qMax(0, ms));
    while (m_mode == Mode::ForkPending && m_server && !deadline.hasExpired())
        m_server->pump(int(qMin<qint64>(deadline.remainingTime(), 50)));
    switch (m_mode) {
    case Mode::Exec:
        return m_process.state() == QProcess::NotRunning
                || m_process.waitForFinished(int(deadline.remainingTime()));
    case Mode::ForkPending:
    case Mode::LaunchPending:
        return false;
    case Mode::Abandoned:
        return true;
    case Mode::Forked:
        break;
    }
    if (m_ended)
        return true;
    // Its pidfd turns readable when it has died; the template's report follows later.
    struct pollfd polled = { m_pidfd, POLLIN, 0 };
    int ready;
    do {
        ready = ::poll(&polled, 1, int(deadline.remainingTime()));
    } while (ready < 0 && errno == EINTR);
    if (ready > 0)
        m_ended = true;
    return m_ended;
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
    if (!signaled)
        LpmLaunchCommand::readLauncherExit(m_launcher, &exit);
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
    keepStderr(m_process.readAllStandardError());
}

void LpmWorkerProcess::keepStderr(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    m_stderrTail.append(bytes);
    if (m_stderrTail.size() > StderrTailBytes)
        m_stderrTail.remove(0, m_stderrTail.size() - StderrTailBytes);
}
