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

LpmSupervisor::Error LpmSupervisor::error() const
{
    return d_func()->error;
}

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

QList<LpmWorkerHealth> LpmSupervisor::health() const
{
    QList<LpmWorkerHealth> result;
    for (const LpmWorkerHandle *worker : d_func()->pool->liveWorkers())
        result.append(worker->health());
    return result;
}

bool LpmSupervisor::broadcast(const QString &name, const QVariant &payload)
{
    return d_func()->bridge->broadcast(name, payload);
}

bool LpmSupervisor::broadcast(const QString &name, const QVariant &payload, QTcpServer *server)
{
    return d_func()->bridge->broadcast(name, payload, server);
}

QList<LpmWorkerStatus> LpmSupervisor::workers() const
{
    QList<LpmWorkerStatus> result;
    for (const LpmWorkerHandle *worker : d_func()->pool->liveWorkers())
        result.append(worker->status());
    return result;
}

int LpmSupervisor::restartCount() const
{
    return d_func()->pool->restartCount();
}

int LpmSupervisor::respawnsPending() const
{
    return d_func()->pool->respawnsPending();
}

qint64 LpmSupervisor::handledCount() const
{
    return d_func()->router->handledCount();
}

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

LpmPoolMetrics LpmSupervisor::metrics() const
{
    return d_func()->router->metrics();
}

void LpmSupervisor::resetMetrics()
{
    d_func()->router->resetMetrics();
}

bool LpmSupervisor::setWorkerBounds(int minCount, int maxCount)
{
    return d_func()->setWorkerBounds(minCount, maxCount);
}

void LpmSupervisor::setIdleTimeout(int ms)
{
    d_func()->autoscaler->setIdleTimeout(ms);
}

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

void LpmSupervisor::resize(int count)
{
    d_func()->resize(count);
}
