#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmrestartpolicy_p.h"

#include <lpm/lpmerror.h>
#include <lpm/lpmsupervisorconfig.h>
#include <lpm/lpmworkerexit.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qobject.h>

#include <map>
#include <optional>
#include <vector>

class LpmForkServer;
class LpmSlurmAllocation;
class LpmSshMultiplexer;
class LpmWorkerHandle;
class QTimer;

// The workers' lives: spawning them into slots, replacing the lost ones under the
// restart policy and each slot's backoff, recycling them (the replacement first),
// growing and shrinking the pool, sampling their memory, sharing listening servers
// with every worker (respawned ones too), and stopping them all.
// What the workers do is the router's business; when the pool is up is the state
// machine's (LpmSupervisorPrivate).
class LpmWorkerPool : public QObject
{
    Q_OBJECT
public:
    // Destruction waits this long for all workers together, then kills the rest.
    static constexpr int StopGraceMs = 3000;
    static constexpr int HealthSampleMs = 500;

    LpmWorkerPool(const LpmSupervisorConfig &config, QObject *parent);
    ~LpmWorkerPool() override;

    // Alive or starting, in spawn order.
    const std::vector<LpmWorkerHandle *> &workers() const { return m_workers; }
    // Those whose process runs (started, not yet exited).
    std::vector<const LpmWorkerHandle *> liveWorkers() const;
    int targetCount() const { return m_targetCount; }
    // Workers not asked to stop, a recycled one counting as its replacement.
    int activeCount() const;
    // Slots waiting out a backoff before they are refilled.
    int respawnsPending() const;
    // Milliseconds until slot may be refilled after a crash, or -1: no wait.
    int respawnDelay(int slot) const;
    // Workers that called ready() and are neither stopping nor gone.
    int readyCount() const;
    int restartCount() const { return m_restartCount; }
    // Why no worker can ever take a request now, or nullopt if one may.
    std::optional<LpmError> unservableReason() const;

    // Spawns targetCount() workers. The failure, if the configuration cannot start any.
    std::optional<LpmError> start();
    // Sets the target; while running, grows at once or retires the least busy workers.
    void resize(int count, bool running);
    // Recycling happens only while the pool runs (starting or online).
    void setRunning(bool running) { m_running = running; }
    // A worker has exited: forgotten (deleted later) and its start failure noted.
    void remove(LpmWorkerHandle *worker, const LpmWorkerExit &exit);
    // Refills lost slots under the restart policy, each once its backoff is over. While
    // draining, only when work waits that no remaining worker will take, and at once.
    void replaceLost(bool draining, bool workWaiting);
    // Draining: every worker holding nothing is asked to stop.
    void retireIdle();
    // Shrinks the target by one and retires this worker, idle; false (nothing done) if
    // a recycle replaces it or it is a replacement still starting.
    bool shrinkRetiring(LpmWorkerHandle *worker);
    void hardKillAll(int graceMs);
    // For destruction: every worker is stopped at once and waited for together, at
    // most StopGraceMs, then the rest are killed. Blocks; emits nothing.
    void stopAll();
    void stopTimers();
    // The pool has stopped: its fork server's template ends too (the next start makes a
    // new one), and so do its shared ssh connections. Only once no worker is left, for
    // the template's end kills its children.
    void releaseStartHelpers();
    // How the worker in slot is started (LpmWorkerConfig::launchers).
    LpmLauncher launcherFor(int slot) const;
    // Whether a launcher is local: only a local worker can take a socket or a shared
    // server. Thread-safe.
    bool canHaveLocalWorkers() const { return m_hasLocalLauncher; }
    // Shares a listening server (fd, ours from now on) with every worker, now and later.
    void shareServer(const QByteArray &body, int fd);

Q_SIGNALS:
    // A handle was made and is about to start: connect to it now.
    void spawned(LpmWorkerHandle *worker);
    void restartLimitReached(const QString &message);
    // The restart window has room again, or a backoff is over: replaceLost() may now
    // succeed.
    void restartAllowed();
    // Slot's worker crashed; it is refilled in delayMs.
    void failedToStart(const LpmError &failure);
    void healthSampled();

private:
    LpmWorkerHandle *spawn(int slot);
    void startRemote(LpmWorkerHandle *worker, const LpmLauncher &launcher);
    int freeSlot() const;
    bool isOccupied(int slot) const;
    // The slot to refill next, or -1 when every missing one waits out a backoff (the
    // shortest wait is then in *waitMs).
    int slotToRefill(bool draining, qint64 *waitMs) const;
    void noteCrash(int slot, const LpmWorkerExit &exit);
    void recycle(LpmWorkerHandle *worker, const QString &why);
    void onReady(LpmWorkerHandle *worker);
    bool isBeingReplaced(const LpmWorkerHandle *worker) const;

    const LpmSupervisorConfig m_config;
    int m_targetCount;
    std::vector<LpmWorkerHandle *> m_workers;
    LpmRestartPolicy m_restartPolicy;
    QElapsedTimer m_clock;
    QTimer *m_restartTimer; // fires when the restart window has room again
    QTimer *m_backoffTimer; // fires when the earliest slot's backoff is over
    QTimer *m_healthTimer;  // samples every worker's RSS
    std::optional<LpmError> m_startFailure; // requests fail instead of waiting
    bool m_restartLimitHit = false;
    bool m_running = false;
    int m_restartCount = 0;
    struct Slot
    {
        int crashesInARow = 0;
        qint64 respawnAt = -1; // ms on m_clock; -1: no backoff
        int restarts = 0;
        // Lost with a fork server's template whose loss another slot was charged for.
        bool freeRefill = false;
    };
    std::map<int, Slot> m_slots;
    // Replacements starting, and the worker each replaces once it is ready (with why).
    struct Recycle
    {
        LpmWorkerHandle *old;
        QString why;
    };
    std::map<LpmWorkerHandle *, Recycle> m_replacements;
    // Listening sockets shared with every worker: our own copy of each descriptor and
    // the (name, payload) body that goes with it.
    struct SharedServer
    {
        QByteArray body;
        int fd;
    };
    std::vector<SharedServer> m_sharedServers;
    // worker.forkServer: made with the first worker, let go once the pool has stopped.
    LpmForkServer *m_forkServer = nullptr;
    // Remote workers: the pool's token, which their hello must carry back, and their
    // shared ssh connections.
    const QByteArray m_token;
    std::unique_ptr<LpmSshMultiplexer> m_ssh;
    LpmSlurmAllocation *m_slurmJob = nullptr; // ours, when not run inside a job
    quint64 m_remoteLaunches = 0;
    const bool m_hasLocalLauncher; // read from any thread (enqueue with a socket)
    // A template that dies takes every worker it forked along: one restart is charged
    // for it, and the other slots it emptied are refilled free (Slot::freeRefill).
    quint64 m_chargedTemplateLoss = 0;
};
