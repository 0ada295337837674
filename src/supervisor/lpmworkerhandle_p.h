#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmdispatcher_p.h"
#include "lpmendpoint_p.h"
#include "lpmlaunchcommand_p.h"
#include "lpmlatencywindow_p.h"

#include <lpm/lpmerror.h>
#include <lpm/lpmstream.h>
#include <lpm/lpmsupervisorconfig.h>
#include <lpm/lpmworkerexit.h>
#include <lpm/lpmworkerhealth.h>
#include <lpm/lpmworkerstatus.h>

#include <QtCore/qobject.h>
#include <QtCore/qset.h>
#include <QtCore/quuid.h>

#include <memory>
#include <optional>

class LpmCpuSampler;
class LpmPendingRequest;
class LpmStatmReader;
class LpmForkServer;
class LpmWorkerProcess;
class LpmWorkerWatch;
class QTimer;

// The supervisor's view of one worker process: the process, its endpoint, its state,
// and its own accounting (how many requests it holds, which connections, which
// answers it no longer waits for). Which request it holds is the request table's to
// know. Upward it speaks only in typed signals; no protocol message leaves it.
class LpmWorkerHandle : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Starting, // spawned; has not called ready() yet
        Ready,    // takes requests
        Busy,     // called busy(): takes none until ready() again
        Exited,   // the process is gone (or never started)
    };

    // Bytes waiting for the worker past which it takes no new request until it has read
    // some (its answers still come); far below LpmChannel::MaxBacklog, which kills.
    static constexpr qint64 DispatchBacklog = 16 * 1024 * 1024;

    LpmWorkerHandle(int slot, QObject *parent = nullptr);
    ~LpmWorkerHandle() override;

    // Starts the process as the worker in its slot of a pool of count. Its failure to
    // start, like every end, comes as exited().
    // forkServer: null, or the one to fork from.
    void start(const LpmWorkerConfig &config, int count, LpmForkServer *forkServer);
    // A remote worker, whose hello must carry token: its channel and watch are set up
    // here, and its launcher's command starts with launch(), at once or once the
    // launcher can (a Slurm job being allocated), or never: failLaunch().
    void startRemote(const LpmWorkerConfig &config, LpmLauncher::Kind launcher, const QByteArray &token);
    void launch(const LpmLaunchCommand::Command &command);
    void failLaunch(const QString &why);
    bool isRemote() const { return m_load.remote; }

    // Sends a request this worker then holds. False (with error) when it could not.
    bool sendRequest(LpmPendingRequest *request, QString *error);
    // The request's future has ended: the worker is told, its stream stopped, and its
    // answer (or the worker's word that it dropped it) is taken quietly when it comes.
    void cancel(const QUuid &id, const QString &why);
    // The router found an answer this worker had no business sending.
    void reportProtocolError(const QString &reason);

    void replyToEvent(const QUuid &id, const QByteArray &encodedPayload);
    void rejectEvent(const QUuid &id, LpmError::Code code, const QString &detail);
    void sendBroadcast(const QString &name, const QByteArray &encodedPayload);
    // A listening socket (fd passes here) with its event name and payload as body.
    void shareServer(const QByteArray &body, int fd);

    // Asks the worker to answer what it holds and exit (its softKillRequested()); it
    // takes nothing new from now on and its exit is expected: Requested, or Recycled
    // (with why) when it is replaced under a recycling policy.
    void retire();
    void retireRecycled(const QString &why);
    // The recycle could not happen (its replacement failed, or the slot waits out a
    // backoff): recycleDue() may come again.
    void rearmRecycle();
    // Asks the worker to exit now (its hardKillRequested()); SIGKILL after graceMs.
    void hardKill(int graceMs);
    // Closes the channel: a worker exits when its channel ends. Expected too.
    void stop();
    // For destruction: waits up to msLeft for the process to exit; false if it still runs.
    bool waitForExit(int msLeft);
    // SIGKILL to the worker's process group, now.
    void killNow();

    State state() const { return m_state; }
    qint64 pid() const { return m_health.pid; }
    int slot() const { return m_slot; }
    bool hasBeenReady() const { return m_hasBeenReady; }
    bool isStopping() const { return m_stopping; }
    bool isRunning() const;
    // See LpmWorkerProcess::lostWithTemplate().
    quint64 lostWithTemplate() const;
    const LpmWorkerLoad &load() const { return m_load; }
    const LpmWorkerHealth &health() const { return m_health; }
    LpmWorkerStatus status() const;
    // status().state() without building a snapshot.
    LpmWorkerStatus::State publicState() const;
    // Reads the resident set size and CPU time from /proc, so even a hung worker's
    // figures are known, and checks the policies that depend on memory and age.
    void sampleHealth();
    // How long it took to answer a request (for its status' run time).
    void recordRunTime(qint64 nowNs, qint64 runNs) { m_runTimes.record(nowNs, runNs); }
    // Adds the time it held work and the time it was up since the last call.
    void takeWorkerTime(qint64 nowNs, qint64 *busyNs, qint64 *aliveNs);
    // Since when (ns, monotonic) it has held nothing while ready, or -1 when it holds
    // work, a connection, or has not been ready.
    qint64 idleSince() const;
    // Respawns its slot has seen, for its status.
    void setRestarts(int restarts) { m_restarts = restarts; }

Q_SIGNALS:
    void started(qint64 pid);
    void stateChanged(LpmWorkerHandle::State state);
    // state() or isStopping() changed.
    void statusChanged();
    // The answer to request id; the receiver owns stream (null without one).
    void answered(const QUuid &id, const QVariant &data, LpmStream *stream);
    // The worker could not send its answer to request id.
    void answerFailed(const QUuid &id, const LpmError &error);
    void eventReceived(const QUuid &id, const QString &name, const QVariant &payload,
                       qint64 createdAt);
    // It may take more now: a connection closed, a dropped answer came, its backlog fell.
    void roomAvailable();
    // A recycling policy says it is time to replace it (once).
    void recycleDue(const QString &why);
    // It broke the protocol and is being killed; exited() follows.
    void protocolError(const QString &reason);
    // The process is gone, everything it sent before has been delivered.
    void exited(const LpmWorkerExit &exit);

private:
    // What every start shares: the watch before the process, the endpoint and the
    // start timer after it.
    void watch(const LpmWorkerConfig &config);
    void attach(LpmEndpoint *endpoint, const LpmWorkerConfig &config);
    void onMessage(const LpmIpc::Message &message, const LpmEndpoint::Attached &attached);
    void onAnswer(const LpmIpc::Message &message, LpmStream *stream);
    void onProcessFinished();
    void onChannelLost();
    void killFor(LpmWorkerExit::Reason reason, const QString &why);
    void setState(State state);
    void updateAccepting();
    // Tells the watch whether the worker holds work (the only time it is judged).
    void workChanged();
    void finish();

    LpmWorkerProcess *m_process;
    LpmEndpoint *m_endpoint = nullptr;
    LpmWorkerWatch *m_watch = nullptr;
    std::unique_ptr<LpmStatmReader> m_statm;
    std::unique_ptr<LpmCpuSampler> m_cpu;
    QTimer *m_startTimer = nullptr;
    const int m_slot;
    State m_state = State::Starting;
    bool m_hasBeenReady = false;
    bool m_stopping = false;
    bool m_hardKilled = false;
    bool m_backlogged = false;
    LpmWorkerLoad m_load;
    LpmWorkerHealth m_health;
    QSet<QUuid> m_abandoned; // canceled: one answer or word of dropping it is still due
    QSet<QUuid> m_sockets;   // handed-over connections still open in the worker
    qint64 m_handled = 0;
    int m_restarts = 0;
    QString m_recycledBecause; // set when retired under a recycling policy
    // Time holding work (ns, monotonic): since when, in all, and as last sampled.
    bool m_holdingWork = false;
    qint64 m_busySince = 0;
    qint64 m_idleSince = 0;
    qint64 m_busyNs = 0;
    qint64 m_busySampledNs = 0;
    qint64 m_aliveSampledAt = 0; // 0: not ready yet
    qint64 m_exitedAt = 0;
    LpmLatencyWindow m_runTimes{ 12, 5 }; // a minute in five-second slots
    // Why LPM ended it, when it did (a kill for cause).
    std::optional<LpmWorkerExit::Reason> m_killReason;
    QString m_killDetail;
};
