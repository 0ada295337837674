#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmlaunchcommand_p.h"
#include "lpmsharedring_p.h"

#include <lpm/lpmsupervisorconfig.h>
#include <lpm/lpmworkerexit.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qprocess.h>

#include <array>
#include <memory>

class LpmForkServer;
class QSocketNotifier;

// One worker's operating-system process: started with its ends of a private channel,
// its stderr passed through (the last few KiB kept to explain its end), and killed
// together with its children.
//
// The channels are socketpairs: no name on the file system, so no other process can
// connect to them. The child keeps its ends under the same descriptor numbers (named
// in its environment); every other inherited descriptor is marked close-on-exec
// first, since Qt 6.4's QProcess closes nothing. The child also asks the kernel for
// SIGKILL when its parent dies, so no worker outlives a crashed supervisor, and it
// leads a process group of its own, so a terminal's Ctrl-C is the supervisor's to
// handle and a kill reaches the worker's own children too. Its oom_score_adj is raised,
// so that under memory pressure the kernel takes a worker before the application.
//
// With a fork server, the process is forked from its template instead (same channels,
// its stderr through a pipe of ours) and reaped by the template, which reports its end;
// it is signalled through a pidfd, which a reused pid cannot fool. Where the template
// cannot serve, the process starts the usual way.
//
// A remote worker's process here is its launcher (ssh, srun, a command), whose stdin
// and stdout are one socketpair: the channel.
class LpmWorkerProcess : public QObject
{
    Q_OBJECT
public:
    // The parent's ends of a worker's two channels and its shared rings; the caller
    // owns them.
    struct Channels
    {
        int control = -1;     // SOCK_STREAM: framed messages (LPM_IPC_FD in the child)
        int descriptors = -1; // SOCK_SEQPACKET: file descriptors (LPM_FD_CHANNEL_FD)
        // LpmWorkerConfig::sharedMemory (LPM_RING_IN_FD, LPM_RING_OUT_FD); null if none.
        std::unique_ptr<LpmSharedRing> toWorker;
        std::unique_ptr<LpmSharedRing> fromWorker;
    };

    explicit LpmWorkerProcess(QObject *parent = nullptr);
    // Kills a process still running: none is ever left behind.
    ~LpmWorkerProcess() override;

    // Starts config.program as the worker in slot of count. No channels (-1) when no
    // socketpair could be made; finished() follows then, as it does when the program
    // cannot be executed.
    Channels start(const LpmWorkerConfig &config, int slot, int count,
                   LpmForkServer *forkServer = nullptr);
    // A remote worker: the channel exists from here (control; no descriptors, no
    // rings), and launchRemote() starts command, its launcher, with config's environment,
    // its stdin and stdout being the channel. In between (a Slurm job being allocated)
    // the process counts as running; a kill, or failLaunch(), ends it as never started.
    Channels prepareRemote(const LpmWorkerConfig &config, LpmLauncher::Kind launcher);
    void launchRemote(const LpmLaunchCommand::Command &command);
    void failLaunch(const QString &why);
    bool isLaunchPending() const { return m_mode == Mode::LaunchPending; }
    qint64 pid() const { return m_pid; }
    bool isRunning() const;

    // The fork server's answers.
    void onForked(qint64 pid, int pidfd);
    void onForkFailed();
    void onForkLost();
    void onExitReported(int waitStatus);
    void onServerLost();
    // The fork server's template generation this process died with (0: none): the
    // pool charges one restart per template lost, not one per worker it took along.
    quint64 lostWithTemplate() const { return m_lostWithTemplate; }
    // SIGKILL to the whole process group while the worker is not yet reaped (its pid
    // then still names its group).
    void killGroup();
    // After the worker has exited: SIGKILL to whatever it left in its process group.
    // Safe: a process group's id is not reused while any member lives.
    void killLeftovers();
    // Blocks up to ms for the process to end; false if it still runs.
    bool waitForExit(int ms);
    // How it ended, once finished(): pid, signal or exit code, stderr tail, uptime, and
    // why it could not start (reason FailedToStart then). The caller sets the rest.
    LpmWorkerExit exitReport() const;

Q_SIGNALS:
    void started(qint64 pid);
    // The fork server could not serve: the process is being started the usual way, now.
    void fellBack();
    // The process is gone, or never ran.
    void finished();

private:
    enum class Mode {
        Exec,        // started by QProcess
        ForkPending, // asked of the fork server
        Forked,      // forked by it
        Abandoned,   // asked of it, then killed or lost before it was forked
        LaunchPending, // remote: the channel is made, the launcher not started yet
    };
    void abandon();
    // The child's descriptors, in LpmFork::ForkDescriptor order (-1: none).
    using ChildEnds = std::array<int, 5>;
    // Starts the program with ends, which are closed here once it has them.
    void execute(const LpmWorkerConfig &config, int slot, int count, const ChildEnds &ends);
    void forwardStandardError();
    void keepStderr(const QByteArray &bytes);
    void readStderrPipe();
    void closeForkEnds();
    void finishForked();
    void failToStart(const QString &reason);

    QProcess m_process;
    QElapsedTimer m_uptime;
    qint64 m_pid = 0;
    int m_exitCode = 0;
    QProcess::ExitStatus m_exitStatus = QProcess::NormalExit;
    QString m_startFailure;
    QByteArray m_stderrTail;

    Mode m_mode = Mode::Exec;
    // While a fork is pending: what an ordinary start would need instead.
    LpmWorkerConfig m_config;
    int m_slot = -1;
    int m_count = 0;
    ChildEnds m_forkEnds{ { -1, -1, -1, -1, -1 } };
    int m_pidfd = -1;
    int m_stderrPipe = -1;
    QSocketNotifier *m_stderrNotifier = nullptr;
    QSocketNotifier *m_pidfdNotifier = nullptr; // after the template is lost
    QPointer<LpmForkServer> m_server;
    quint64 m_lostWithTemplate = 0;
    LpmLauncher::Kind m_launcher = LpmLauncher::Kind::Local;
    QStringList m_remoteCancel; // LpmLaunchCommand::Command::cancel
    int m_launchEnd = -1;       // LaunchPending: the launcher's end of the channel
    bool m_ended = false; // a forked process is gone (its pidfd said so)
    bool m_reported = false;
};
