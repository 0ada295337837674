#include "lpmsupervisor_p.h"

#include "lpmautoscaler_p.h"
#include "lpmeventbridge_p.h"
#include "lpmrequestrouter_p.h"
#include "lpmworkerhandle_p.h"
#include "lpmworkerpool_p.h"

// The public facade: every call forwards to the part that owns it.

/*!
    \class LpmSupervisor
    \inmodule Lpm
    \brief Keeps a pool of worker processes alive and spreads requests across them.

    \code
    LpmSupervisorConfig config;
    config.worker.program = QCoreApplication::applicationDirPath() + "/my-worker";
    config.worker.count = 2;
    LpmSupervisor supervisor(config);
    QObject::connect(&supervisor, &LpmSupervisor::online, [&] {
        supervisor.enqueue(QVariantMap{{"Hello", "World"}}).then(&supervisor,
                [](const LpmResponse &r) { qDebug() << r.data(); });
    });
    supervisor.start();
    \endcode

    A request goes to an idle ready worker with the lowest resident memory; when
    none is idle, to the ready worker with the fewest requests in flight. Requests
    wait in a FIFO queue while no worker can take them. Every future ends exactly
    once: it resolves with the worker's answer or rejects with an LpmError.

    The supervisor lives in the thread that owns it, like QProcess. enqueue() may be
    called from any thread.
*/

/*!
    \enum LpmSupervisor::State

    Where the pool stands.

    \value Stopped No worker runs: not started yet, or stopped by a kill.
    \value Starting Workers are being spawned and have not all called
           LpmWorker::ready().
    \value Online Every worker called LpmWorker::ready() at least once.
    \value Draining softKill(): finishing accepted work, then stopping the workers.
    \value Stopping hardKill(): waiting for the workers to exit.
*/

/*!
    \enum LpmSupervisor::Error

    What went wrong last, outside any one request (see error()).

    \value NoError Nothing went wrong.
    \value WorkerFailedToStart The worker program is missing or not executable.
    \value WorkerCrashed A worker exited without being asked to.
    \value RestartLimitReached The restart policy refused to replace a dead worker.
    \value ProtocolError A worker sent something malformed and was dropped.
*/

/*!
    \property LpmSupervisor::state
    \brief where the pool stands: stopped, starting, online, draining or stopping.
*/

/*!
    \property LpmSupervisor::queueLength
    \brief the requests waiting for a worker.

    Reading it is thread-safe: it gives the count as it was lately. The notifier,
    queueLengthChanged(), is told at most once per pass of the event loop.
*/

/*!
    Constructs a supervisor with \a parent for a pool configured by \a config. No
    worker starts before start().
*/
LpmSupervisor::LpmSupervisor(const LpmSupervisorConfig &config, QObject *parent)
    : QObject(parent), d_ptr(new LpmSupervisorPrivate(this, config))
{
}

/*!
    Rejects every pending request with LpmError::Code::ShuttingDown and stops every
    worker at once: each gets end-of-file on its channel, and those still running
    after one grace of about three seconds, shared by all, are killed. Response
    streams still open end with an error.
*/
LpmSupervisor::~LpmSupervisor() = default;

/*!
    Returns the configuration as it stands now: the one given to the constructor,
    with the worker count, the autoscaling bounds, the idle timeout and the queue
    bound as resize(), setWorkerBounds(), setIdleTimeout() and setMaxQueued() (or
    the autoscaler) left them.
*/
LpmSupervisorConfig LpmSupervisor::config() const
{
    Q_D(const LpmSupervisor);
    LpmSupervisorConfig current = d->config;
    current.worker.count = d->pool->targetCount();
    current.worker.minCount = d->autoscaler->minCount();
    current.worker.maxCount = d->autoscaler->maxCount();
    current.worker.idleTimeout = d->autoscaler->idleTimeout();
    current.request.maxQueued = d->router->maxQueued();
    return current;
}

LpmSupervisor::State LpmSupervisor::state() const
{
    return d_func()->state;
}

/*!
    Returns what went wrong last; NoError until something did.

    \sa errorString(), errorOccurred()
*/
LpmSupervisor::Error LpmSupervisor::error() const
{
    return d_func()->error;
}

/*!
    Returns a translated description of the last error(); empty while there is none.
*/
QString LpmSupervisor::errorString() const
{
    return d_func()->errorString;
}

/*!
    Spawns config().worker.count workers; online() follows once each has called
    LpmWorker::ready(). Requests enqueued before wait in the queue.
*/
void LpmSupervisor::start()
{
    d_func()->start();
}

/*!
    Queues \a payload for a worker and returns the future of its answer. Thread-safe.
    \a options override the configuration's LpmRequestConfig::timeout and
    LpmRequestConfig::retries for this request and give it a priority.

    The payload is encoded at once, in the calling thread: a value that cannot cross
    the process boundary (see the README for the types that can) rejects the future
    with LpmError::Code::NotSerializable, and the pool carries on.
*/
QFuture<LpmResponse> LpmSupervisor::enqueue(const QVariant &payload,
                                            const LpmRequestOptions &options)
{
    return d_func()->router->enqueue(payload, options);
}

/*!
    Queues \a payload with \a stream, whose bytes the chosen worker reads from
    LpmRequest::stream() as they come. The supervisor copies the stream with a
    megabyte or so in flight, whatever its size. A stream that is not open for reading
    or lives in another thread rejects at once with LpmError::Code::InvalidStream.
*/
QFuture<LpmResponse> LpmSupervisor::enqueue(const QVariant &payload, QIODevice *stream,
                                            const LpmRequestOptions &options)
{
    return d_func()->router->enqueue(payload, stream, options);
}

/*!
    Queues \a payload with the connection \a socket, handed to the worker holding the
    fewest connections (then the lowest RSS). The bytes the socket had already read
    travel along and come first from LpmRequest::socket(). A socket that is not
    connected rejects at once with LpmError::Code::InvalidStream.
*/
QFuture<LpmResponse> LpmSupervisor::enqueue(const QVariant &payload, QAbstractSocket *socket,
                                            const LpmRequestOptions &options)
{
    return d_func()->router->enqueue(payload, socket, options);
}

/*!
    Returns the latest memory figures of every live worker, in spawn order.
*/
QList<LpmWorkerHealth> LpmSupervisor::health() const
{
    QList<LpmWorkerHealth> result;
    for (const LpmWorkerHandle *worker : d_func()->pool->liveWorkers())
        result.append(worker->health());
    return result;
}

/*!
    Sends the event \a name with \a payload to every live worker
    (LpmWorker::eventReceived()). Workers spawned later do not get past broadcasts.

    Returns \c false, with a warning, if the payload cannot cross processes; nothing
    is sent then.
*/
bool LpmSupervisor::broadcast(const QString &name, const QVariant &payload)
{
    return d_func()->bridge->broadcast(name, payload);
}

/*!
    \overload

    Shares the listening \a server with every worker, now and every worker spawned
    later (LpmWorker::serverReceived(), with \a name and \a payload): each accepts
    on the same socket, so the kernel spreads the connections, and a respawned
    worker receives it again. The server stops accepting here (pauseAccepting());
    the pool keeps its own copy of the socket, so \a server may be deleted.

    Returns \c false, with a warning, if \a server is not listening or the payload
    cannot cross processes.
*/
bool LpmSupervisor::broadcast(const QString &name, const QVariant &payload, QTcpServer *server)
{
    return d_func()->bridge->broadcast(name, payload, server);
}

/*!
    Returns the state, load and figures of every live worker, in spawn order.
*/
QList<LpmWorkerStatus> LpmSupervisor::workers() const
{
    QList<LpmWorkerStatus> result;
    for (const LpmWorkerHandle *worker : d_func()->pool->liveWorkers())
        result.append(worker->status());
    return result;
}

/*!
    Returns the respawns of dead workers since construction; growth by resize() or
    the autoscaler and recycling are not restarts.
*/
int LpmSupervisor::restartCount() const
{
    return d_func()->pool->restartCount();
}

/*!
    Returns the slots waiting out their backoff (LpmWorkerConfig::backoffInitial)
    before a new worker fills them.
*/
int LpmSupervisor::respawnsPending() const
{
    return d_func()->pool->respawnsPending();
}

/*!
    Returns the requests answered since construction (resolved, not rejected).
*/
qint64 LpmSupervisor::handledCount() const
{
    return d_func()->router->handledCount();
}

/*!
    Returns the requests accepted and not yet answered or rejected, queued and in
    flight.
*/
int LpmSupervisor::pendingCount() const
{
    return d_func()->router->pendingCount();
}

int LpmSupervisor::queueLength() const
{
    return d_func()->router->queuedCountFromAnyThread();
}

/*!
    Sets the queue bound, request.maxQueued, for requests enqueued from now on: beyond
    \a maxQueued waiting requests, enqueue() rejects at once with
    LpmError::Code::QueueFull. 0 lifts the bound.
*/
void LpmSupervisor::setMaxQueued(int maxQueued)
{
    d_func()->router->setMaxQueued(maxQueued);
}

/*!
    Blocks the calling thread until enqueue() would find room in a bounded queue, or
    \a msecs have passed (-1: no limit). Returns whether there is room.

    \code
    // in a producer thread
    for (const QVariant &job : jobs) {
        if (!supervisor->waitForQueueRoom())
            break; // the supervisor is going away
        futures.append(supervisor->enqueue(job)); // QueueFull only if another took the room
    }
    \endcode
*/
bool LpmSupervisor::waitForQueueRoom(int msecs)
{
    return d_func()->router->waitForQueueRoom(msecs);
}

/*!
    Returns what the pool has been doing lately: queue wait and run time over the
    last 60 s, throughput over the last 10 s, utilization and failures.

    \snippet usage.cpp metrics
*/
LpmPoolMetrics LpmSupervisor::metrics() const
{
    return d_func()->router->metrics();
}

/*!
    Starts the metrics afresh. The figures of each worker's LpmWorkerStatus are kept.
*/
void LpmSupervisor::resetMetrics()
{
    d_func()->router->resetMetrics();
}

/*!
    Changes the autoscaling bounds, LpmWorkerConfig::minCount and
    LpmWorkerConfig::maxCount, to \a minCount and \a maxCount, and brings the pool
    within them at once. Returns \c false, with a warning, unless
    1 <= \a minCount <= \a maxCount.
*/
bool LpmSupervisor::setWorkerBounds(int minCount, int maxCount)
{
    return d_func()->setWorkerBounds(minCount, maxCount);
}

/*!
    Sets LpmWorkerConfig::idleTimeout to \a ms: how long a worker above the minimum
    count may stay idle before the autoscaler retires it.
*/
void LpmSupervisor::setIdleTimeout(int ms)
{
    d_func()->autoscaler->setIdleTimeout(ms);
}

/*!
    Returns the number of workers the pool maintains: LpmWorkerConfig::count until
    resize(), setWorkerBounds() or the autoscaler changes it.
*/
int LpmSupervisor::targetCount() const
{
    return d_func()->pool->targetCount();
}

/*!
    Stops the pool gently. New requests reject with LpmError::Code::ShuttingDown at
    once; queued and in-flight requests finish. Each worker, once it holds nothing and
    nothing is queued, gets LpmWorker::softKillRequested(): a worker with a handler
    exits when it calls softKillDone(), one without exits when its requests are
    answered, and one that called busy() waits until it is ready() again. The future
    resolves when every worker has exited; calling softKill() again returns the same
    future. With \a graceMs >= 0, the pool is hard-killed if it has not stopped by then.
*/
QFuture<void> LpmSupervisor::softKill(int graceMs)
{
    return d_func()->softKill(graceMs);
}

/*!
    Stops the pool now: every pending request rejects with
    LpmError::Code::ShuttingDown, every worker gets LpmWorker::hardKillRequested() and
    exits, and one still alive a second later is killed. A hung worker never survives
    it. New requests reject until start() is called again.
*/
void LpmSupervisor::hardKill()
{
    d_func()->hardKill();
}

/*!
    \fn void LpmSupervisor::online()

    This signal is emitted once every worker has called LpmWorker::ready(), after
    start().
*/

/*!
    \fn void LpmSupervisor::childSpawned(qint64 pid)

    This signal is emitted each time a worker process with \a pid starts, including
    restarts and replacements.
*/

/*!
    \fn void LpmSupervisor::workerExited(const LpmWorkerExit &exit)

    This signal is emitted for every worker exit, asked for (a kill, a resize, a
    recycle) or not (a crash, a hang): \a exit tells who it was, how it ended and why.
*/

/*!
    \fn void LpmSupervisor::respawnScheduled(int slot, int delayMs)

    This signal is emitted when the \a slot whose worker crashed will be refilled
    after its backoff, in \a delayMs milliseconds.
*/

/*!
    \fn void LpmSupervisor::restartLimitReached()

    This signal is emitted when the restart policy refuses to replace a dead worker
    (LpmWorkerConfig::restarts within LpmWorkerConfig::maxRestartsInInterval).
*/

/*!
    \fn void LpmSupervisor::workerStateChanged(qint64 pid, LpmWorkerStatus::State state)

    This signal is emitted when the worker \a pid changes to \a state (ready, busy,
    draining); its status is in workers().
*/

/*!
    \fn void LpmSupervisor::healthUpdated()

    This signal is emitted when fresh health figures arrive: at most every 500 ms
    per worker, and after answers. health() and workers() have them.
*/

/*!
    \fn void LpmSupervisor::interrupted()

    This signal is emitted when SIGINT arrives. While something is connected, that
    replaces the default, which is hardKill() and QCoreApplication::quit().

    \snippet hello-supervisor.cpp supervisor
*/

/*!
    \fn void LpmSupervisor::eventReceived(const QString &name, const LpmEvent &event)

    This signal is emitted when a worker sends the custom event \a name
    (LpmWorker::sendEvent()). Answer \a event with LpmEvent::respond(), now or later
    from a copy; an event nobody keeps or answers rejects the worker's future with
    LpmError::Code::NoAnswer.
*/

/*!
    \fn void LpmSupervisor::stateChanged(LpmSupervisor::State state)

    This signal is emitted when the pool's \a state changes.
*/

/*!
    \fn void LpmSupervisor::errorOccurred(LpmSupervisor::Error error)

    This signal is emitted when \a error happens; errorString() describes it.
*/

/*!
    \fn void LpmSupervisor::queueLengthChanged(int length)

    This signal is emitted when the queue's \a length changes; at most once per pass
    of the event loop, so a burst of enqueues costs one emission.
*/

/*!
    \fn void LpmSupervisor::targetCountChanged(int count)

    This signal is emitted when targetCount() changes to \a count: by resize(),
    setWorkerBounds() or the autoscaler.
*/

/*!
    Grows the pool to \a count workers at once, or retires the workers with the least
    work, which answer what they hold and exit. Neither counts as a restart. A
    fixed-size pool's bounds (minCount = maxCount) follow the count; an autoscaling
    pool goes on from there, and a count outside its bounds is brought within them,
    with a warning. A count below 1 is ignored with a warning.
*/
void LpmSupervisor::resize(int count)
{
    d_func()->resize(count);
}
