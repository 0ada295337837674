#include "lpmsupervisor_p.h"

#include "lpmclock_p.h"
#include "lpmdispatcher_p.h"
#include "lpmlogging_p.h"
#include "lpmmessage_p.h"
#include "lpmpayloadcodec_p.h"
#include "lpmuuid_p.h"
#include "lpmworkerhandle_p.h"

#include <QtCore/qthread.h>

#include <algorithm>

using namespace LpmIpc;

namespace {
// How long a stopping worker may take to exit after its channel closes.
constexpr int StopGraceMs = 3000;
constexpr int HealthSampleMs = 500;
// Room for a request frame's own fields around the payload.
constexpr qsizetype RequestOverhead = 64;

const LpmWorkerLoad &loadOf(const LpmWorkerHandle *worker)
{
    return worker->load();
}
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

LpmSupervisorPrivate::LpmSupervisorPrivate(LpmSupervisor *q, const LpmSupervisorConfig &config)
    : q_ptr(q),
      config(config),
      restartPolicy(config.worker.restarts, config.worker.maxRestartsInInterval)
{
    clock.start();
}

LpmSupervisor::LpmSupervisor(const LpmSupervisorConfig &config, QObject *parent)
    : QObject(parent), d_ptr(new LpmSupervisorPrivate(this, config))
{
    Q_D(LpmSupervisor);
    d->healthTimer.setInterval(HealthSampleMs);
    connect(&d->healthTimer, &QTimer::timeout, this, [d] {
        for (LpmWorkerHandle *worker : d->workers)
            worker->sampleRss();
    });
    d->restartTimer.setSingleShot(true);
    connect(&d->restartTimer, &QTimer::timeout, this, [d] {
        d->restartLimitHit = false;
        d->replaceWorkersIfAllowed();
    });
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
    d->queue.clear();
    d->requests.clear(); // each unfinished request rejects as it is destroyed
}

LpmSupervisorConfig LpmSupervisor::config() const
{
    return d_func()->config;
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
        qCWarning(lcLpmSupervisor) << "start() called on a running pool - ignored";
        return;
    }
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
    const int count = qMax(1, d->config.worker.count);
    for (int i = 0; i < count; ++i)
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
    auto request = std::make_unique<LpmPendingRequest>(
            LpmUuid::createV4(), LpmClock::nowNs(),
            options.timeout.value_or(d->config.request.timeout),
            options.retries.value_or(d->config.request.retries));
    QFuture<LpmResponse> future = request->future();

    QString error;
    if (!LpmPayloadCodec::encode(payload, &request->encodedPayload, &error)) {
        qCWarning(lcLpmSupervisor).noquote()
                << "refusing a payload that cannot cross processes: it holds" << error;
        request->reject(LpmError(LpmError::Code::NotSerializable,
                                 QStringLiteral("It holds %1.").arg(error)));
        return future;
    }
    if (request->encodedPayload.size() > MaxFrameSize - RequestOverhead) {
        const QString detail = QStringLiteral("%1 bytes encoded, at most %2.")
                                       .arg(request->encodedPayload.size())
                                       .arg(MaxFrameSize - RequestOverhead);
        qCWarning(lcLpmSupervisor).noquote() << "refusing an oversized payload:" << detail;
        request->reject(LpmError(LpmError::Code::PayloadTooLarge, detail));
        return future;
    }

    if (QThread::currentThread() == thread()) {
        d->accept(std::move(request));
    } else {
        // If the supervisor is gone before this runs, the functor is destroyed unrun
        // and the request rejects with ShuttingDown as it is freed.
        auto carried = std::make_shared<std::unique_ptr<LpmPendingRequest>>(std::move(request));
        QMetaObject::invokeMethod(this, [d, carried] { d->accept(std::move(*carried)); },
                                  Qt::QueuedConnection);
    }
    return future;
}

QList<LpmWorkerHealth> LpmSupervisor::health() const
{
    Q_D(const LpmSupervisor);
    QList<LpmWorkerHealth> result;
    result.reserve(qsizetype(d->workers.size()));
    for (const LpmWorkerHandle *worker : d->workers) {
        if (worker->pid() != 0 && worker->state() != LpmWorkerHandle::State::Exited)
            result.append(worker->health());
    }
    return result;
}

int LpmSupervisor::pendingCount() const
{
    return int(d_func()->requests.size());
}

int LpmSupervisor::queueLength() const
{
    return d_func()->queuedCount;
}

// --- requests -------------------------------------------------------------------

void LpmSupervisorPrivate::accept(std::unique_ptr<LpmPendingRequest> request)
{
    Q_Q(LpmSupervisor);
    if (const auto reason = unservableReason()) {
        request->reject(*reason);
        return;
    }
    const QUuid id = request->id;
    LpmPendingRequest *raw = request.get();
    requests.emplace(id, std::move(request));
    if (raw->timeoutMs >= 0) {
        QTimer::singleShot(raw->timeoutMs, q, [this, id] {
            auto it = requests.find(id);
            if (it == requests.end())
                return;
            std::unique_ptr<LpmPendingRequest> expired = std::move(it->second);
            requests.erase(it);
            if (expired->worker)
                expired->worker->abandon(id);
            else
                --queuedCount; // its id stays in the queue and is skipped as stale
            qCDebug(lcLpmSupervisor) << "request" << id << "timed out after"
                                     << expired->timeoutMs << "ms";
            expired->reject(LpmError(LpmError::Code::TimedOut,
                                     QStringLiteral("No answer within %1 ms.")
                                             .arg(expired->timeoutMs)));
        });
    }
    // FIFO: a request may go straight to a worker only when nothing waits before it.
    if (queuedCount == 0) {
        const auto target = LpmDispatcher::pickForRequest(workers.begin(), workers.end(), loadOf);
        if (target != workers.end() && sendTo(*target, raw))
            return;
    }
    queue.push_back(id);
    ++queuedCount;
}

void LpmSupervisorPrivate::dispatchQueued()
{
    while (queuedCount > 0) {
        while (!queue.empty() && requests.find(queue.front()) == requests.end())
            queue.pop_front(); // ended while queued (timed out)
        if (queue.empty())
            return;
        const auto target = LpmDispatcher::pickForRequest(workers.begin(), workers.end(), loadOf);
        if (target == workers.end())
            return;
        LpmPendingRequest *request = requests.find(queue.front())->second.get();
        if (!sendTo(*target, request))
            return;
        queue.pop_front();
        --queuedCount;
    }
}

bool LpmSupervisorPrivate::sendTo(LpmWorkerHandle *worker, LpmPendingRequest *request)
{
    Message message;
    message.type = MessageType::Request;
    message.id = request->id;
    message.createdAt = request->createdAt;
    message.encodedPayload = request->encodedPayload;
    if (!worker->sendRequest(message))
        return false;
    request->worker = worker;
    qCDebug(lcLpmDispatch) << "request" << request->id << "-> worker" << worker->pid();
    return true;
}

void LpmSupervisorPrivate::onAnswer(LpmWorkerHandle *worker, const Message &message)
{
    auto it = requests.find(message.id);
    if (it == requests.end() || it->second->worker != worker) {
        if (worker->takeAbandoned(message.id)) {
            qCDebug(lcLpmSupervisor) << "dropping the late answer to timed-out request"
                                     << message.id;
            return;
        }
        const QString reason = QStringLiteral("it answered request %1, which it does not hold "
                                              "(unknown, or already answered)")
                                       .arg(message.id.toString(QUuid::WithoutBraces));
        qCWarning(lcLpmIpc).noquote() << "worker" << worker->pid() << "broke the protocol:"
                                      << reason << "- dropping it";
        setError(LpmSupervisor::Error::ProtocolError, reason);
        worker->kill();
        return;
    }
    // Out of the table before the future ends: a continuation without a context runs
    // right here and may enqueue more.
    std::unique_ptr<LpmPendingRequest> request = std::move(it->second);
    requests.erase(it);
    worker->release(message.id);

    if (message.type == MessageType::Response) {
        request->resolve(message.payload);
    } else {
        const auto code = LpmError::Code(message.errorCode);
        const bool workerMayReport = code == LpmError::Code::NotSerializable
                || code == LpmError::Code::PayloadTooLarge;
        request->reject(LpmError(workerMayReport ? code : LpmError::Code::ProtocolError,
                                 QStringLiteral("The worker's answer could not be sent: %1")
                                         .arg(message.errorDetail)));
    }
}

void LpmSupervisorPrivate::rejectQueued(const LpmError &error)
{
    std::deque<QUuid> ids;
    ids.swap(queue);
    queuedCount = 0;
    for (const QUuid &id : ids) {
        auto it = requests.find(id);
        if (it == requests.end())
            continue;
        std::unique_ptr<LpmPendingRequest> request = std::move(it->second);
        requests.erase(it);
        request->reject(error);
    }
}

std::optional<LpmError> LpmSupervisorPrivate::unservableReason() const
{
    if (!workers.empty())
        return std::nullopt;
    if (startFailure)
        return startFailure;
    if (restartLimitHit)
        return LpmError(LpmError::Code::RestartLimitReached,
                        QStringLiteral("At most %1 restarts are allowed within %2 s.")
                                .arg(config.worker.restarts)
                                .arg(config.worker.maxRestartsInInterval));
    return std::nullopt; // not started yet, or a worker is on its way
}

// --- workers --------------------------------------------------------------------

void LpmSupervisorPrivate::spawnWorker()
{
    Q_Q(LpmSupervisor);
    auto *worker = new LpmWorkerHandle(q);
    workers.push_back(worker);
    QObject::connect(worker, &LpmWorkerHandle::started, q, [q](qint64 pid) {
        qCDebug(lcLpmSupervisor) << "worker" << pid << "spawned";
        Q_EMIT q->childSpawned(pid);
    });
    QObject::connect(worker, &LpmWorkerHandle::stateChanged, q,
                     [this, worker] { onWorkerStateChanged(worker); });
    QObject::connect(worker, &LpmWorkerHandle::answerReceived, q,
                     [this, worker](const Message &message) { onAnswer(worker, message); });
    QObject::connect(worker, &LpmWorkerHandle::failedToStart, q, [this](const QString &reason) {
        const LpmError failure(LpmError::Code::WorkerFailedToStart,
                               QStringLiteral("%1: %2").arg(config.worker.program, reason));
        startFailure = failure;
        setError(LpmSupervisor::Error::WorkerFailedToStart, failure.message());
    });
    QObject::connect(worker, &LpmWorkerHandle::protocolError, q, [this](const QString &reason) {
        setError(LpmSupervisor::Error::ProtocolError, reason);
    });
    QObject::connect(worker, &LpmWorkerHandle::exited, q, [this, worker] { onWorkerExited(worker); });
    worker->start(config.worker.program, config.worker.arguments);
}

void LpmSupervisorPrivate::onWorkerStateChanged(LpmWorkerHandle *worker)
{
    if (worker->state() != LpmWorkerHandle::State::Ready)
        return;
    checkOnline();
    dispatchQueued();
}

void LpmSupervisorPrivate::checkOnline()
{
    Q_Q(LpmSupervisor);
    if (state != LpmSupervisor::State::Starting)
        return;
    const int wanted = qMax(1, config.worker.count);
    const auto ready = std::count_if(workers.begin(), workers.end(), [](LpmWorkerHandle *w) {
        return w->hasBeenReady() && w->state() != LpmWorkerHandle::State::Exited;
    });
    if (ready < wanted)
        return;
    setState(LpmSupervisor::State::Online);
    Q_EMIT q->online();
}

void LpmSupervisorPrivate::onWorkerExited(LpmWorkerHandle *worker)
{
    Q_Q(LpmSupervisor);
    workers.erase(std::find(workers.begin(), workers.end(), worker));
    worker->deleteLater();
    const qint64 pid = worker->pid();
    const bool failedToStart = pid == 0;
    if (!failedToStart) {
        qCWarning(lcLpmSupervisor).noquote()
                << "worker" << pid << "exited:" << worker->exitDescription();
        setError(LpmSupervisor::Error::WorkerCrashed,
                 QStringLiteral("Worker %1 exited: %2.").arg(pid).arg(worker->exitDescription()));
        Q_EMIT q->workerExited(pid, worker->exitCode(), worker->exitStatus());
    }

    // Its requests go back to the front of the queue, oldest first, while retries remain.
    std::vector<LpmPendingRequest *> orphans;
    for (const QUuid &id : worker->inFlight()) {
        auto it = requests.find(id);
        if (it != requests.end())
            orphans.push_back(it->second.get());
    }
    std::sort(orphans.begin(), orphans.end(),
              [](const LpmPendingRequest *a, const LpmPendingRequest *b) {
                  return a->createdAt > b->createdAt;
              });
    for (LpmPendingRequest *orphan : orphans) {
        orphan->worker = nullptr;
        if (orphan->retriesLeft != 0) {
            if (orphan->retriesLeft > 0)
                --orphan->retriesLeft;
            queue.push_front(orphan->id);
            ++queuedCount;
            continue;
        }
        auto it = requests.find(orphan->id);
        std::unique_ptr<LpmPendingRequest> request = std::move(it->second);
        requests.erase(it);
        request->reject(LpmError(LpmError::Code::WorkerCrashed,
                                 QStringLiteral("Worker %1: %2.").arg(pid).arg(worker->exitDescription())));
    }

    if (!failedToStart && state != LpmSupervisor::State::Stopped)
        replaceWorkersIfAllowed();
    if (const auto reason = unservableReason())
        rejectQueued(*reason);
    dispatchQueued();
}

void LpmSupervisorPrivate::replaceWorkersIfAllowed()
{
    const int wanted = qMax(1, config.worker.count);
    while (int(workers.size()) < wanted) {
        const qint64 now = clock.elapsed();
        if (!restartPolicy.tryRestart(now)) {
            restartLimitHit = true;
            const QString message = QStringLiteral("Restart limit reached: %1 restarts within "
                                                   "%2 s; %3 of %4 workers running.")
                                            .arg(config.worker.restarts)
                                            .arg(config.worker.maxRestartsInInterval)
                                            .arg(workers.size())
                                            .arg(wanted);
            qCWarning(lcLpmSupervisor).noquote() << message;
            setError(LpmSupervisor::Error::RestartLimitReached, message);
            const qint64 wait = restartPolicy.msUntilAllowed(now);
            if (wait > 0 && !restartTimer.isActive())
                restartTimer.start(int(qMin<qint64>(wait, std::numeric_limits<int>::max())));
            return;
        }
        restartLimitHit = false;
        spawnWorker();
    }
}

void LpmSupervisorPrivate::stopAllWorkers()
{
    Q_Q(LpmSupervisor);
    healthTimer.stop();
    restartTimer.stop();
    state = LpmSupervisor::State::Stopped;
    for (LpmWorkerHandle *worker : workers)
        QObject::disconnect(worker, nullptr, q, nullptr);
    // Close every channel first so the workers wind down in parallel.
    for (LpmWorkerHandle *worker : workers)
        worker->closeChannel();
    for (LpmWorkerHandle *worker : workers) {
        worker->stopBlocking(StopGraceMs);
        delete worker;
    }
    workers.clear();
}

void LpmSupervisorPrivate::setError(LpmSupervisor::Error newError, const QString &message)
{
    Q_Q(LpmSupervisor);
    error = newError;
    errorString = message;
    Q_EMIT q->errorOccurred(newError);
}

void LpmSupervisorPrivate::setState(LpmSupervisor::State newState)
{
    Q_Q(LpmSupervisor);
    if (state == newState)
        return;
    state = newState;
    Q_EMIT q->stateChanged(newState);
}
