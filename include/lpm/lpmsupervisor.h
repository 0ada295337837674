#pragma once

#include <lpm/lpmerror.h>
#include <lpm/lpmevent.h>
#include <lpm/lpmglobal.h>
#include <lpm/lpmpoolmetrics.h>
#include <lpm/lpmresponse.h>
#include <lpm/lpmsupervisorconfig.h>
#include <lpm/lpmworkerhealth.h>
#include <lpm/lpmworkerstatus.h>

#include <QtCore/qfuture.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qprocess.h>
#include <QtCore/qvariant.h>

#include <memory>

QT_BEGIN_NAMESPACE
class QAbstractSocket;
class QIODevice;
class QTcpServer;
QT_END_NAMESPACE

class LpmSupervisorPrivate;

class LPM_EXPORT LpmSupervisor : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(int queueLength READ queueLength NOTIFY queueLengthChanged)
public:
    enum class State {
        Stopped,   // no worker runs: not started yet, or stopped by a kill
        Starting,  // workers are being spawned and have not all called ready()
        Online,    // every worker called ready() at least once
        Draining,  // softKill(): finishing accepted work, then stopping the workers
        Stopping,  // hardKill(): waiting for the workers to exit
    };
    Q_ENUM(State)

    enum class Error {
        NoError,             // nothing went wrong
        WorkerFailedToStart, // the worker program is missing or not executable
        WorkerCrashed,       // a worker exited without being asked to
        RestartLimitReached, // the restart policy refused to replace a dead worker
        ProtocolError,       // a worker sent something malformed and was dropped
    };
    Q_ENUM(Error)

    explicit LpmSupervisor(const LpmSupervisorConfig &config, QObject *parent = nullptr);
    ~LpmSupervisor() override;

    LpmSupervisorConfig config() const;
    State state() const;
    Error error() const;
    QString errorString() const;

    // Spawns config().worker.count workers. Requests may be enqueued before. After a
    // kill has stopped the pool, start() brings it up again.
    void start();

    // Thread-safe. The future resolves with the worker's answer or rejects with LpmError.
    // Cancelling it (QFuture::cancel()) withdraws the request: a queued one is never sent,
    // a running one's worker gets LpmRequest::canceled(). Seen within a tenth of a second
    // while a few thousand requests are pending, later in a deeper backlog.
    QFuture<LpmResponse> enqueue(const QVariant &payload, const LpmRequestOptions &options = {});
    // Sends stream's bytes to the worker too (LpmRequest::stream()), with bounded memory.
    // stream must be open for reading, live in the supervisor's thread and be called
    // from there, and stay valid until it has been read; a retry replays it from where
    // it started if it is not sequential, and rejects otherwise.
    QFuture<LpmResponse> enqueue(const QVariant &payload, QIODevice *stream,
                                 const LpmRequestOptions &options = {});
    // Hands a connected socket to the worker holding the fewest connections
    // (LpmRequest::socket()), with the bytes already read from it. The socket is left
    // unconnected here, the connection itself untouched. Thread-safe when called in the
    // socket's thread. A handed-over connection dies with its worker: never retried.
    QFuture<LpmResponse> enqueue(const QVariant &payload, QAbstractSocket *socket,
                                 const LpmRequestOptions &options = {});

    // Sends an event to every live worker (LpmWorker::eventReceived). Workers spawned
    // later do not get past broadcasts. Returns false, with a warning, if the payload
    // cannot cross processes; nothing is sent then.
    bool broadcast(const QString &name, const QVariant &payload = {});
    // Shares a listening server with every worker, now and every worker spawned later
    // (LpmWorker::serverReceived): each accepts on the same socket, so the kernel spreads
    // the connections. The server stops accepting here (pauseAccepting()); the pool keeps
    // its own copy of the socket, so the server may be deleted. Returns false, with a
    // warning, if server is not listening or the payload cannot cross processes.
    bool broadcast(const QString &name, const QVariant &payload, QTcpServer *server);

    // The latest figures of every live worker, in spawn order.
    QList<LpmWorkerHealth> health() const;
    // State, load and figures of every live worker, in spawn order.
    QList<LpmWorkerStatus> workers() const;
    // Respawns of dead workers since construction (growth by resize() and recycling
    // are not).
    int restartCount() const;
    // Slots waiting out their backoff before a new worker fills them.
    int respawnsPending() const;
    // Requests answered since construction (resolved, not rejected).
    qint64 handledCount() const;

    // Stops accepting requests (new ones reject with ShuttingDown), lets queued and
    // in-flight work finish, then stops every worker. The future resolves once all
    // have exited. With graceMs >= 0, whatever is still running after that long is
    // hard-killed.
    QFuture<void> softKill(int graceMs = -1);
    // Rejects everything pending with ShuttingDown and stops every worker now: each
    // gets hardKillRequested() and exits; one still alive after a short grace is killed.
    void hardKill();
    // Grows the pool at once, or retires the workers with the least work, which answer
    // what they hold and exit. Neither counts as a restart. A fixed-size pool's bounds
    // (minCount = maxCount) follow the count; an autoscaling pool goes on from there,
    // and a count outside its bounds is brought within them, with a warning.
    void resize(int count);
    // The number of workers the pool maintains (config().worker.count until resize()
    // or autoscaling changes it).
    int targetCount() const;
    // Changes the autoscaling bounds (config().worker.minCount/maxCount) and brings
    // the pool within them. False, with a warning, unless 1 <= minCount <= maxCount.
    bool setWorkerBounds(int minCount, int maxCount);
    void setIdleTimeout(int ms);

    // Requests accepted and not yet answered or rejected (queued and in flight).
    int pendingCount() const;
    // Requests waiting for a worker. Thread-safe (the count as it was lately).
    int queueLength() const;
    // Changes request.maxQueued for requests enqueued from now on (0: unbounded);
    // those already queued stay.
    void setMaxQueued(int maxQueued);
    // For a producer in another thread: blocks until enqueue() would not reject with
    // QueueFull, at most msecs (-1: no limit). True if there is room; another producer
    // may still take it first, so QueueFull remains possible. In the supervisor's own
    // thread it does not wait (that thread makes the room): connect to
    // queueLengthChanged() instead.
    bool waitForQueueRoom(int msecs = -1);

    // Queue wait, run time, throughput, utilization and failures lately.
    LpmPoolMetrics metrics() const;
    // Starts the metrics afresh (the figures of each worker's status too are kept).
    void resetMetrics();

Q_SIGNALS:
    void online();
    void childSpawned(qint64 pid);
    // Every worker exit, asked for (a kill, a resize, a recycle) or not (a crash, a hang):
    // who it was, how it ended and why.
    void workerExited(const LpmWorkerExit &exit);
    // A slot whose worker crashed is refilled after its backoff, in delayMs.
    void respawnScheduled(int slot, int delayMs);
    // The restart policy refused to replace a dead worker.
    void restartLimitReached();
    // A worker's state changed (ready, busy, draining); its status is in workers().
    void workerStateChanged(qint64 pid, LpmWorkerStatus::State state);
    // Fresh health figures arrived (at most every 500 ms per worker, and after answers).
    void healthUpdated();
    // SIGINT arrived. While something is connected, that replaces the default, which
    // is hardKill() and QCoreApplication::quit().
    void interrupted();
    // A worker sent a custom event; answer it with event.respond() (now or later, from
    // a copy). An event nobody keeps or answers rejects the worker's future.
    void eventReceived(const QString &name, const LpmEvent &event);
    void stateChanged(LpmSupervisor::State state);
    void errorOccurred(LpmSupervisor::Error error);
    // The queue's length changed; told at most once per pass of the event loop, so a
    // burst of enqueues costs one emission.
    void queueLengthChanged(int length);
    // targetCount() changed: by resize(), setWorkerBounds() or the autoscaler.
    void targetCountChanged(int count);

private:
    Q_DECLARE_PRIVATE(LpmSupervisor)
    std::unique_ptr<LpmSupervisorPrivate> d_ptr;
};
