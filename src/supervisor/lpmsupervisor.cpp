#include "lpmsupervisor_p.h"

#include "lpmclock_p.h"
#include "lpminterruptwatcher_p.h"
#include "lpmlogging_p.h"
#include "lpmmessage_p.h"
#include "lpmpayloadcodec_p.h"
#include "lpmuuid_p.h"
#include "lpmfdchannel_p.h"
#include "lpmworkerhandle_p.h"

#include <QtCore/qthread.h>
#include <QtNetwork/qabstractsocket.h>
#include <QtNetwork/qtcpserver.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

using namespace LpmIpc;

namespace {
// How long a hard-killed worker may take to exit before it gets SIGKILL.
constexpr int HardKillGraceMs = 1000;
constexpr int HealthSampleMs = 500;
constexpr int CancelSweepMs = 100;
// Room for a broadcast frame's own fields around the payload.
constexpr qsizetype RequestOverhead = 64;
} // namespace

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
    Q_D(LpmSupervisor);
    d->healthTimer.setInterval(HealthSampleMs);
    connect(&d->healthTimer, &QTimer::timeout, this, [this, d] {
        for (LpmWorkerHandle *worker : d->workers)
            worker->sampleRss();
        Q_EMIT healthUpdated();
    });
    d->restartTimer.setSingleShot(true);
    connect(&d->restartTimer, &QTimer::timeout, this, [d] {
        d->restartLimitHit = false;
        d->replaceWorkersIfAllowed();
    });
    // Qt 6.4 tells a promise nothing when its future is cancelled: look every so often,
    // and only while requests are pending.
    d->cancelSweep.setInterval(CancelSweepMs);
    connect(&d->cancelSweep, &QTimer::timeout, this, [d] { d->sweepCanceled(); });
    d->softKillGrace.setSingleShot(true);
    connect(&d->softKillGrace, &QTimer::timeout, this, [this] {
        qCWarning(lcLpmSupervisor) << "soft kill grace period over - hard-killing the pool";
        hardKill();
    });
    connect(LpmInterruptWatcher::instance(), &LpmInterruptWatcher::interrupted, this,
            [d] { d->onInterrupted(); });
}

/*!
    Stops every worker (each gets end-of-file on its channel and is killed if it has
    not exited within a few seconds) and rejects every pending request with
    LpmError::Code::ShuttingDown.
*/
LpmSupervisor::~LpmSupervisor()
{
    Q_D(LpmSupervisor);
    d->stopAllWorkers();
    d->rejectAll(LpmError(LpmError::Code::ShuttingDown));
    if (d->softKillPromise) {
        d->softKillPromise->finish();
        d->softKillPromise.reset();
    }
    for (const auto &shared : d->sharedServers)
        ::close(shared.fd);
}

LpmSupervisorConfig LpmSupervisor::config() const
{
    Q_D(const LpmSupervisor);
    LpmSupervisorConfig current = d->config;
    current.worker.count = d->targetCount;
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
    Q_D(LpmSupervisor);
    if (d->state != State::Stopped) {
        qCWarning(lcLpmSupervisor) << "start() called on a pool that is" << d->state
                                   << "- ignored";
        return;
    }
    d->accepting = true;
    if (d->config.worker.program.isEmpty()) {
        const LpmError failure(LpmError::Code::WorkerFailedToStart,
                               QStringLiteral("No worker program is configured."));
        d->startFailure = failure;
        d->setError(Error::WorkerFailedToStart, failure.message());
        d->rejectQueued(failure);
        return;
    }
    if (d->config.worker.count < 1)
        qCWarning(lcLpmSupervisor) << "worker.count is" << d->config.worker.count
                                   << "- a pool needs at least one worker; starting one";
    d->startFailure.reset();
    d->restartLimitHit = false;
    d->setState(State::Starting);
    for (int i = 0; i < d->targetCount; ++i)
        d->spawnWorker();
    d->healthTimer.start();
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
    Q_D(LpmSupervisor);
    std::unique_ptr<LpmPendingRequest> request = d->makeRequest(payload, options);
    QFuture<LpmResponse> future = request->future();
    if (request->finished)
        return future; // refused: the payload cannot cross processes
    d->acceptFromAnyThread(std::move(request));
    return future;
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
    Q_D(LpmSupervisor);
    std::unique_ptr<LpmPendingRequest> request = d->makeRequest(payload, options);
    QFuture<LpmResponse> future = request->future();
    if (request->finished)
        return future; // refused: the payload cannot cross processes
    QString problem;
    if (!stream)
        problem = QStringLiteral("No stream was given.");
    else if (!stream->isOpen() || !stream->isReadable())
        problem = QStringLiteral("The stream is not open for reading.");
    else if (stream->thread() != thread() || QThread::currentThread() != thread())
        problem = QStringLiteral("The stream and the call must be in the supervisor's thread.");
    if (!problem.isEmpty()) {
        qCWarning(lcLpmSupervisor).noquote() << "refusing a stream:" << problem;
        request->reject(LpmError(LpmError::Code::InvalidStream, problem));
        return future;
    }
    request->hasStream = true;
    request->source = stream;
    request->sourceStart = stream->isSequential() ? 0 : stream->pos();
    d->acceptFromAnyThread(std::move(request));
    return future;
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
    Q_D(LpmSupervisor);
    std::unique_ptr<LpmPendingRequest> request = d->makeRequest(payload, options);
    QFuture<LpmResponse> future = request->future();
    if (request->finished)
        return future; // refused: the payload cannot cross processes
    if (!socket || socket->state() != QAbstractSocket::ConnectedState || socket->socketDescriptor() < 0) {
        const QString problem = QStringLiteral("The socket is not connected.");
        qCWarning(lcLpmSupervisor).noquote() << "refusing a socket:" << problem;
        request->reject(LpmError(LpmError::Code::InvalidStream, problem));
        return future;
    }
    // Our own duplicate goes to the worker; closing the socket's descriptor here then
    // releases our copy without shutting the connection down.
    request->socketFd = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 3);
    if (request->socketFd < 0) {
        request->reject(LpmError(LpmError::Code::InvalidStream, QString::fromLocal8Bit(std::strerror(errno))));
        return future;
    }
    request->hasSocket = true;
    request->prelude = socket->readAll();
    socket->abort();
    d->acceptFromAnyThread(std::move(request));
    return future;
}

QList<LpmWorkerHealth> LpmSupervisor::health() const
{
    QList<LpmWorkerHealth> result;
    for (const LpmWorkerHandle *worker : d_func()->liveWorkers())
        result.append(worker->health());
    return result;
}

bool LpmSupervisor::broadcast(const QString &name, const QVariant &payload)
{
    Q_D(LpmSupervisor);
    QByteArray encoded;
    QString error;
    if (!LpmPayloadCodec::encode(payload, &encoded, &error)) {
        qCWarning(lcLpmSupervisor).noquote() << "not broadcasting" << name
                                             << "- its payload cannot cross processes: it holds"
                                             << error;
        return false;
    }
    if (encoded.size() > MaxFrameSize - RequestOverhead - name.size() * 3) {
        qCWarning(lcLpmSupervisor).noquote() << "not broadcasting" << name << "- its payload of"
                                             << encoded.size() << "bytes is too large";
        return false;
    }
    for (LpmWorkerHandle *worker : d->workers)
        worker->sendBroadcast(name, encoded);
    return true;
}

bool LpmSupervisor::broadcast(const QString &name, const QVariant &payload, QTcpServer *server)
{
    Q_D(LpmSupervisor);
    if (!server || !server->isListening()) {
        qCWarning(lcLpmSupervisor).noquote() << "not sharing a server for" << name
                                             << "- it is not listening";
        return false;
    }
    QByteArray body;
    QString error;
    if (!LpmPayloadCodec::encode(QVariantList{ name, payload }, &body, &error)) {
        qCWarning(lcLpmSupervisor).noquote() << "not sharing a server for" << name
                                             << "- its payload cannot cross processes: it holds"
                                             << error;
        return false;
    }
    if (body.size() > LpmFdChannel::MaxBodySize) {
        qCWarning(lcLpmSupervisor).noquote() << "not sharing a server for" << name << "- its payload of"
                                             << body.size() << "bytes is larger than"
                                             << LpmFdChannel::MaxBodySize;
        return false;
    }
    const int fd = ::fcntl(int(server->socketDescriptor()), F_DUPFD_CLOEXEC, 3);
    if (fd < 0) {
        qCWarning(lcLpmSupervisor) << "cannot share a server:" << std::strerror(errno);
        return false;
    }
    server->pauseAccepting(); // every connection is the workers' now
    d->sharedServers.push_back({ body, fd });
    for (LpmWorkerHandle *worker : d->workers)
        worker->sendServer(body, ::fcntl(fd, F_DUPFD_CLOEXEC, 3));
    return true;
}

QList<LpmWorkerStatus> LpmSupervisor::workers() const
{
    QList<LpmWorkerStatus> result;
    for (const LpmWorkerHandle *worker : d_func()->liveWorkers())
        result.append(worker->status());
    return result;
}

int LpmSupervisor::restartCount() const
{
    return d_func()->restartCount;
}

qint64 LpmSupervisor::handledCount() const
{
    return d_func()->handledCount;
}

int LpmSupervisor::pendingCount() const
{
    return d_func()->requests.size();
}

int LpmSupervisor::queueLength() const
{
    return d_func()->requests.queuedCount();
}

int LpmSupervisor::targetCount() const
{
    return d_func()->targetCount;
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
    Q_D(LpmSupervisor);
    if (!d->softKillPromise) {
        d->softKillPromise.emplace();
        d->softKillPromise->start();
    }
    QFuture<void> future = d->softKillPromise->future();
    d->accepting = false;
    if (graceMs >= 0 && !d->softKillGrace.isActive())
        d->softKillGrace.start(graceMs);
    if (d->state == State::Starting || d->state == State::Online) {
        d->setState(State::Draining);
        d->restartTimer.stop();
        // Requests that could only wait for a worker that will not come end now.
        if (const auto reason = d->unservableReason())
            d->rejectQueued(*reason);
        d->retireIdleWorkersWhenDrained();
    }
    d->finishStopIfDone();
    return future;
}

/*!
    Stops the pool now: every pending request rejects with
    LpmError::Code::ShuttingDown, every worker gets LpmWorker::hardKillRequested() and
    exits, and one still alive a second later is killed. A hung worker never survives
    it. New requests reject until start() is called again.
*/
void LpmSupervisor::hardKill()
{
    Q_D(LpmSupervisor);
    d->accepting = false;
    d->restartTimer.stop();
    d->softKillGrace.stop();
    if (d->state != State::Stopped)
        d->setState(State::Stopping);
    for (LpmWorkerHandle *worker : d->workers)
        worker->hardKill(HardKillGraceMs);
    d->rejectAll(LpmError(LpmError::Code::ShuttingDown,
                          QStringLiteral("The pool was hard-killed.")));
    d->finishStopIfDone();
}

void LpmSupervisor::resize(int count)
{
    Q_D(LpmSupervisor);
    if (count < 1) {
        qCWarning(lcLpmSupervisor) << "resize(" << count << ") ignored: a pool needs a worker";
        return;
    }
    d->targetCount = count;
    if (d->state != State::Starting && d->state != State::Online)
        return; // applies at the next start()
    int active = d->activeWorkerCount();
    // Grow: new workers, not restarts.
    for (; active < count; ++active)
        d->spawnWorker();
    // Shrink: retire the workers with the least work; starting ones first.
    while (active > count) {
        LpmWorkerHandle *leastBusy = nullptr;
        for (LpmWorkerHandle *worker : d->workers) {
            if (worker->isStopping())
                continue;
            const auto work = [](const LpmWorkerHandle *w) {
                return std::make_pair(w->load().inFlight + w->load().sockets,
                                      w->hasBeenReady() ? 1 : 0);
            };
            if (!leastBusy || work(worker) < work(leastBusy))
                leastBusy = worker;
        }
        qCDebug(lcLpmSupervisor) << "retiring worker" << leastBusy->pid();
        leastBusy->retire();
        --active;
    }
    d->checkOnline();
}

