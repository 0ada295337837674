#include "lpmsupervisor_p.h"

#include "lpmdispatcher_p.h"
#include "lpmlogging_p.h"
#include "lpmmessage_p.h"
#include "lpmworkerhandle_p.h"
#include "lpmclock_p.h"
#include "lpmfdchannel_p.h"
#include "lpmstream_p.h"
#include "lpmstreampump_p.h"
#include "lpmuuid_p.h"
#include "lpmpayloadcodec_p.h"

#include "lpmevent_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qthread.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/socket.h>

#include <algorithm>

// The supervisor's workings: requests from acceptance to their end, and the workers'
// lives. The public facade is in lpmsupervisor.cpp.

using namespace LpmIpc;

namespace {
// How long a stopping worker may take to exit after its channel closes.
constexpr int StopGraceMs = 3000;
// Room for a request frame's own fields around the payload.
constexpr qsizetype RequestOverhead = 64;

const LpmWorkerLoad &loadOf(const LpmWorkerHandle *worker)
{
    return worker->load();
}
} // namespace

LpmSupervisorPrivate::LpmSupervisorPrivate(LpmSupervisor *q, const LpmSupervisorConfig &config)
    : q_ptr(q),
      config(config),
      targetCount(qMax(1, config.worker.count)),
      restartPolicy(config.worker.restarts, config.worker.maxRestartsInInterval)
{
    clock.start();
}

// --- requests -------------------------------------------------------------------

std::unique_ptr<LpmPendingRequest> LpmSupervisorPrivate::makeRequest(const QVariant &payload,
                                                                     const LpmRequestOptions &options)
{
    auto request = std::make_unique<LpmPendingRequest>(
            LpmUuid::createV4(), LpmClock::nowNs(), options.timeout.value_or(config.request.timeout),
            options.retries.value_or(config.request.retries));
    // Encoded at once, in the caller's thread: a payload that cannot cross processes
    // fails here, and the supervisor's thread does less.
    QString error;
    if (!LpmPayloadCodec::encode(payload, &request->encodedPayload, &error)) {
        qCWarning(lcLpmSupervisor).noquote()
                << "refusing a payload that cannot cross processes: it holds" << error;
        request->reject(LpmError(LpmError::Code::NotSerializable, QStringLiteral("It holds %1.").arg(error)));
    } else if (request->encodedPayload.size() > MaxFrameSize - RequestOverhead) {
        const QString detail = QStringLiteral("%1 bytes encoded, at most %2.")
                                       .arg(request->encodedPayload.size())
                                       .arg(MaxFrameSize - RequestOverhead);
        qCWarning(lcLpmSupervisor).noquote() << "refusing an oversized payload:" << detail;
        request->reject(LpmError(LpmError::Code::PayloadTooLarge, detail));
    }
    return request;
}

void LpmSupervisorPrivate::acceptFromAnyThread(std::unique_ptr<LpmPendingRequest> request)
{
    Q_Q(LpmSupervisor);
    if (QThread::currentThread() == q->thread()) {
        accept(std::move(request));
        return;
    }
    // If the supervisor is gone before this runs, the functor is destroyed unrun and the
    // request rejects with ShuttingDown as it is freed.
    auto carried = std::make_shared<std::unique_ptr<LpmPendingRequest>>(std::move(request));
    QMetaObject::invokeMethod(q, [this, carried] { accept(std::move(*carried)); },
                              Qt::QueuedConnection);
}

LpmWorkerHandle *LpmSupervisorPrivate::pickFor(const LpmPendingRequest *request) const
{
    const auto target = request->hasSocket
            ? LpmDispatcher::pickForSocket(workers.begin(), workers.end(), loadOf)
            : LpmDispatcher::pickForRequest(workers.begin(), workers.end(), loadOf,
                                            config.worker.maxInFlight > 0
                                                    ? config.worker.maxInFlight
                                                    : std::numeric_limits<int>::max());
    return target == workers.end() ? nullptr : *target;
}

void LpmSupervisorPrivate::accept(std::unique_ptr<LpmPendingRequest> request)
{
    Q_Q(LpmSupervisor);
    if (!accepting) {
        request->reject(LpmError(LpmError::Code::ShuttingDown));
        return;
    }
    if (const auto reason = unservableReason()) {
        request->reject(*reason);
        return;
    }
    LpmPendingRequest *raw = requests.insert(std::move(request));
    if (!cancelSweep.isActive())
        cancelSweep.start();
    if (raw->timeoutMs >= 0) {
        const QUuid id = raw->id;
        QTimer::singleShot(raw->timeoutMs, q, [this, id] { onTimeout(id); });
    }
    // FIFO: a request may go straight to a worker only when nothing waits before it.
    if (requests.queuedCount() == 0) {
        LpmWorkerHandle *target = pickFor(raw);
        if (target && sendTo(target, raw))
            return;
    }
    requests.enqueueBack(raw);
}

void LpmSupervisorPrivate::dispatchQueued()
{
    while (LpmPendingRequest *request = requests.frontQueued()) {
        LpmWorkerHandle *target = pickFor(request);
        if (!target)
            return;
        requests.popQueued();
        if (!sendTo(target, request)) {
            requests.enqueueFront(request);
            return;
        }
    }
    retireIdleWorkersWhenDrained();
}

bool LpmSupervisorPrivate::sendTo(LpmWorkerHandle *worker, LpmPendingRequest *request)
{
    Message message;
    message.type = MessageType::Request;
    message.id = request->id;
    message.createdAt = request->createdAt;
    message.encodedPayload = request->encodedPayload;
    if (request->hasSocket) {
        message.attachment = Attachment::Socket;
        message.prelude = request->prelude;
    } else if (request->hasStream) {
        message.attachment = Attachment::Stream;
    }
    if (!worker->sendRequest(message))
        return false;
    request->worker = worker;
    if (request->hasSocket) {
        worker->sendDescriptor(LpmFdChannel::Kind::Socket, request->id, std::exchange(request->socketFd, -1));
        worker->holdSocket(request->id);
    } else if (request->hasStream) {
        startStream(worker, request);
    }
    qCDebug(lcLpmDispatch) << "request" << request->id << "-> worker" << worker->pid();
    return true;
}

void LpmSupervisorPrivate::startStream(LpmWorkerHandle *worker, LpmPendingRequest *request)
{
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
        qCWarning(lcLpmSupervisor) << "cannot create a stream:" << std::strerror(errno);
        worker->sendStreamEnd(request->id, false, QStringLiteral("The supervisor could not create it."));
        return;
    }
    worker->sendDescriptor(LpmFdChannel::Kind::StreamIn, request->id, ends[1]);
    // The pump belongs to the worker's handle: it ends with the worker at the latest.
    auto *pump = new LpmStreamPump(request->source, ends[0], worker);
    const QPointer<LpmWorkerHandle> handle(worker);
    const QUuid id = request->id;
    QObject::connect(pump, &LpmStreamPump::finished, pump, [handle, id, pump](bool ok, const QString &error) {
        if (handle)
            handle->sendStreamEnd(id, ok, error);
        pump->deleteLater();
    });
    request->pump = pump;
    pump->start();
}

void LpmSupervisorPrivate::onTimeout(const QUuid &id)
{
    std::unique_ptr<LpmPendingRequest> expired = requests.take(id);
    if (!expired)
        return;
    if (expired->pump)
        expired->pump->abort(); // the worker is told to give up; so is its stream
    if (expired->worker)
        expired->worker->cancel(id); // its late answer will be dropped
    qCDebug(lcLpmSupervisor) << "request" << id << "timed out after" << expired->timeoutMs << "ms";
    expired->reject(LpmError(LpmError::Code::TimedOut,
                             QStringLiteral("No answer within %1 ms.").arg(expired->timeoutMs)));
    retireIdleWorkersWhenDrained();
}

void LpmSupervisorPrivate::sweepCanceled()
{
    for (const QUuid &id : requests.canceledIds()) {
        std::unique_ptr<LpmPendingRequest> canceled = requests.take(id);
        if (canceled->worker)
            canceled->worker->cancel(id); // LpmRequest::canceled() there; a late answer is dropped
        if (canceled->pump)
            canceled->pump->abort();
        qCDebug(lcLpmSupervisor) << "request" << id << "was cancelled by its caller";
        canceled->finishCanceled();
    }
    if (requests.size() == 0)
        cancelSweep.stop();
    dispatchQueued();
}

void LpmSupervisorPrivate::onAnswer(LpmWorkerHandle *worker, const Message &message)
{
    LpmPendingRequest *held = requests.find(message.id);
    if (!held || held->worker != worker) {
        if (worker->takeAbandoned(message.id)) {
            qCDebug(lcLpmSupervisor) << "dropping the late answer to request" << message.id;
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
    std::unique_ptr<LpmPendingRequest> request = requests.take(message.id);
    worker->release(message.id);
    worker->noteAnswered();

    if (message.type == MessageType::Response && message.attachment == Attachment::Stream) {
        const int fd = worker->takeStreamBack(message.id);
        if (fd >= 0)
            resolveWithStream(worker, std::move(request), message.payload, fd);
        else // its descriptor is on its way
            awaitingStreams[message.id] = { std::move(request), message.payload, worker };
    } else if (message.type == MessageType::Response) {
        ++handledCount;
        request->resolve(message.payload);
    } else {
        const auto code = LpmError::Code(message.errorCode);
        const bool workerMayReport = code == LpmError::Code::NotSerializable
                || code == LpmError::Code::PayloadTooLarge;
        request->reject(LpmError(workerMayReport ? code : LpmError::Code::ProtocolError,
                                 QStringLiteral("The worker's answer could not be sent: %1")
                                         .arg(message.errorDetail)));
    }
    dispatchQueued(); // the worker has room for one more
}

void LpmSupervisorPrivate::onEvent(LpmWorkerHandle *worker, const Message &message)
{
    Q_Q(LpmSupervisor);
    auto *data = new LpmEventData;
    data->name = message.name;
    data->data = message.payload;
    data->pid = worker->pid();
    data->id = message.id;
    data->createdAt = message.createdAt;
    // Answers may come from any thread; they reach the worker from the supervisor's.
    const QPointer<LpmSupervisor> supervisor(q);
    const QPointer<LpmWorkerHandle> handle(worker);
    const QUuid id = message.id;
    auto inSupervisorThread = [supervisor](std::function<void()> deliver) {
        if (!supervisor)
            return;
        if (QThread::currentThread() == supervisor->thread())
            deliver();
        else
            QMetaObject::invokeMethod(supervisor, std::move(deliver), Qt::QueuedConnection);
    };
    data->reply = [inSupervisorThread, handle, id](const QVariant &answer) {
        QByteArray encoded;
        QString error;
        const bool ok = LpmPayloadCodec::encode(answer, &encoded, &error);
        if (!ok)
            qCWarning(lcLpmSupervisor).noquote()
                    << "the answer to an event cannot cross processes: it holds" << error;
        inSupervisorThread([handle, id, encoded, ok, error] {
            if (!handle)
                return;
            if (ok)
                handle->sendEventReply(id, encoded);
            else
                handle->sendEventReject(id, int(LpmError::Code::NotSerializable), error);
        });
        return ok;
    };
    data->rejectUnanswered = [inSupervisorThread, handle, id] {
        inSupervisorThread([handle, id] {
            if (handle)
                handle->sendEventReject(id, int(LpmError::Code::NoAnswer), QString());
        });
    };
    const LpmEvent event(data);
    qCDebug(lcLpmSupervisor) << "event" << message.name << "from worker" << worker->pid();
    Q_EMIT q->eventReceived(message.name, event);
}

void LpmSupervisorPrivate::resolveWithStream(LpmWorkerHandle *worker,
                                             std::unique_ptr<LpmPendingRequest> request,
                                             const QVariant &payload, int fd)
{
    // Shared by every copy of the response; deleted in its thread after the last one.
    const QSharedPointer<QIODevice> stream(LpmStreamPrivate::create(fd, nullptr), &QObject::deleteLater);
    worker->addStreamBack(request->id, static_cast<LpmStream *>(stream.data()));
    ++handledCount;
    request->resolve(payload, stream);
}

void LpmSupervisorPrivate::onStreamBackArrived(LpmWorkerHandle *worker, const QUuid &id)
{
    const auto it = awaitingStreams.find(id);
    if (it == awaitingStreams.end() || it->second.worker != worker)
        return; // its answer has not come yet: onAnswer() takes the descriptor then
    AwaitingStream awaiting = std::move(it->second);
    awaitingStreams.erase(it);
    resolveWithStream(worker, std::move(awaiting.request), awaiting.payload, worker->takeStreamBack(id));
}

void LpmSupervisorPrivate::requeueOrReject(LpmWorkerHandle *worker)
{
    // Back to the front of the queue, oldest first, while retries remain.
    std::vector<LpmPendingRequest *> orphans;
    for (const QUuid &id : worker->inFlight()) {
        if (LpmPendingRequest *request = requests.find(id))
            orphans.push_back(request);
    }
    std::sort(orphans.begin(), orphans.end(),
              [](const LpmPendingRequest *a, const LpmPendingRequest *b) {
                  return a->createdAt > b->createdAt;
              });
    const QString death = QStringLiteral("Worker %1: %2.").arg(worker->pid()).arg(worker->exitDescription());
    for (LpmPendingRequest *orphan : orphans) {
        orphan->worker = nullptr;
        if (orphan->pump)
            orphan->pump->abort();
        QString noRetry;
        if (orphan->retriesLeft == 0)
            noRetry = QStringLiteral("No retries were left.");
        else if (orphan->hasSocket)
            noRetry = QStringLiteral("Its connection died with the worker.");
        else if (orphan->hasStream && (!orphan->source || orphan->source->isSequential()
                                       || !orphan->source->seek(orphan->sourceStart)))
            noRetry = QStringLiteral("Its stream cannot be replayed.");
        if (noRetry.isEmpty()) {
            if (orphan->retriesLeft > 0)
                --orphan->retriesLeft;
            qCDebug(lcLpmSupervisor) << "retrying request" << orphan->id;
            requests.enqueueFront(orphan);
            continue;
        }
        requests.take(orphan->id)->reject(LpmError(LpmError::Code::WorkerCrashed,
                                                   death + QLatin1Char(' ') + noRetry));
    }
    // Answers that were waiting for their stream will not get it.
    for (auto it = awaitingStreams.begin(); it != awaitingStreams.end();) {
        if (it->second.worker != worker) {
            ++it;
            continue;
        }
        it->second.request->reject(LpmError(LpmError::Code::WorkerCrashed,
                                            death + QStringLiteral(" Its stream never came.")));
        it = awaitingStreams.erase(it);
    }
}

void LpmSupervisorPrivate::rejectQueued(const LpmError &error)
{
    for (const auto &request : requests.takeQueued())
        request->reject(error);
}

void LpmSupervisorPrivate::rejectAll(const LpmError &error)
{
    for (LpmWorkerHandle *worker : workers) {
        const QSet<QUuid> held = worker->inFlight();
        for (const QUuid &id : held)
            worker->abandon(id);
    }
    for (const auto &request : requests.takeAll()) {
        if (request->pump)
            request->pump->abort();
        request->reject(error);
    }
    for (auto &awaiting : std::exchange(awaitingStreams, {}))
        awaiting.second.request->reject(error);
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
    QObject::connect(worker, &LpmWorkerHandle::statusChanged, q, [q, worker] {
        if (worker->pid() != 0 && worker->state() != LpmWorkerHandle::State::Exited)
            Q_EMIT q->workerStateChanged(worker->pid(), worker->status().state());
    });
    QObject::connect(worker, &LpmWorkerHandle::answerReceived, q,
                     [this, worker](const Message &message) { onAnswer(worker, message); });
    QObject::connect(worker, &LpmWorkerHandle::eventReceived, q,
                     [this, worker](const Message &message) { onEvent(worker, message); });
    QObject::connect(worker, &LpmWorkerHandle::streamBackArrived, q,
                     [this, worker](const QUuid &id) { onStreamBackArrived(worker, id); });
    QObject::connect(worker, &LpmWorkerHandle::socketReleased, q, [this] { dispatchQueued(); });
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
    if (worker->start(config.worker.program, config.worker.arguments))
        shareServersWith(worker);
}

void LpmSupervisorPrivate::shareServersWith(LpmWorkerHandle *worker)
{
    for (const SharedServer &shared : sharedServers)
        worker->sendServer(shared.body, ::fcntl(shared.fd, F_DUPFD_CLOEXEC, 3));
}

void LpmSupervisorPrivate::onWorkerStateChanged(LpmWorkerHandle *worker)
{
    if (worker->state() != LpmWorkerHandle::State::Ready)
        return;
    checkOnline();
    dispatchQueued();
}

int LpmSupervisorPrivate::activeWorkerCount() const
{
    return int(std::count_if(workers.begin(), workers.end(),
                             [](const LpmWorkerHandle *w) { return !w->isStopping(); }));
}

std::vector<const LpmWorkerHandle *> LpmSupervisorPrivate::liveWorkers() const
{
    std::vector<const LpmWorkerHandle *> live;
    live.reserve(workers.size());
    for (const LpmWorkerHandle *worker : workers) {
        if (worker->pid() != 0 && worker->state() != LpmWorkerHandle::State::Exited)
            live.push_back(worker);
    }
    return live;
}

void LpmSupervisorPrivate::checkOnline()
{
    Q_Q(LpmSupervisor);
    if (state != LpmSupervisor::State::Starting)
        return;
    const auto ready = std::count_if(workers.begin(), workers.end(), [](LpmWorkerHandle *w) {
        return w->hasBeenReady() && !w->isStopping()
                && w->state() != LpmWorkerHandle::State::Exited;
    });
    if (ready < targetCount)
        return;
    setState(LpmSupervisor::State::Online);
    Q_EMIT q->online();
}

void LpmSupervisorPrivate::retireIdleWorkersWhenDrained()
{
    if (state != LpmSupervisor::State::Draining || requests.queuedCount() > 0)
        return;
    for (LpmWorkerHandle *worker : workers) {
        if (!worker->isStopping() && worker->load().inFlight == 0)
            worker->retire();
    }
}

void LpmSupervisorPrivate::onWorkerExited(LpmWorkerHandle *worker)
{
    Q_Q(LpmSupervisor);
    workers.erase(std::find(workers.begin(), workers.end(), worker));
    worker->deleteLater();
    const qint64 pid = worker->pid();
    const bool failedToStart = pid == 0;
    const bool expected = worker->isStopping();
    if (!failedToStart) {
        if (expected) {
            qCDebug(lcLpmSupervisor).noquote()
                    << "worker" << pid << "stopped:" << worker->exitDescription();
        } else {
            qCWarning(lcLpmSupervisor).noquote()
                    << "worker" << pid << "exited:" << worker->exitDescription();
            setError(LpmSupervisor::Error::WorkerCrashed,
                     QStringLiteral("Worker %1 exited: %2.").arg(pid).arg(worker->exitDescription()));
        }
        Q_EMIT q->workerExited(pid, worker->exitCode(), worker->exitStatus());
    }

    requeueOrReject(worker);

    const bool running = state == LpmSupervisor::State::Starting
            || state == LpmSupervisor::State::Online;
    // While draining, a worker is replaced only if work it held still waits.
    const bool drainingWithWork = state == LpmSupervisor::State::Draining
            && requests.queuedCount() > 0;
    if (!failedToStart && !expected && (running || drainingWithWork))
        replaceWorkersIfAllowed();
    if (const auto reason = unservableReason())
        rejectQueued(*reason);
    dispatchQueued();
    checkOnline();
    finishStopIfDone();
}

void LpmSupervisorPrivate::replaceWorkersIfAllowed()
{
    Q_Q(LpmSupervisor);
    const bool draining = state == LpmSupervisor::State::Draining;
    while (draining ? workers.empty() : activeWorkerCount() < targetCount) {
        const qint64 now = clock.elapsed();
        if (!restartPolicy.tryRestart(now)) {
            restartLimitHit = true;
            const QString message = QStringLiteral("Restart limit reached: %1 restarts within "
                                                   "%2 s; %3 of %4 workers running.")
                                            .arg(config.worker.restarts)
                                            .arg(config.worker.maxRestartsInInterval)
                                            .arg(activeWorkerCount())
                                            .arg(targetCount);
            qCWarning(lcLpmSupervisor).noquote() << message;
            setError(LpmSupervisor::Error::RestartLimitReached, message);
            Q_EMIT q->restartLimitReached();
            const qint64 wait = restartPolicy.msUntilAllowed(now);
            if (!draining && wait > 0 && !restartTimer.isActive())
                restartTimer.start(int(qMin<qint64>(wait, std::numeric_limits<int>::max())));
            return;
        }
        restartLimitHit = false;
        ++restartCount;
        spawnWorker();
    }
}

void LpmSupervisorPrivate::finishStopIfDone()
{
    const bool stopping = state == LpmSupervisor::State::Draining
            || state == LpmSupervisor::State::Stopping || state == LpmSupervisor::State::Stopped;
    if (!stopping || !workers.empty())
        return;
    // Queued requests cannot outlive the pool.
    rejectQueued(LpmError(LpmError::Code::ShuttingDown));
    healthTimer.stop();
    softKillGrace.stop();
    setState(LpmSupervisor::State::Stopped);
    if (softKillPromise) {
        softKillPromise->finish();
        softKillPromise.reset();
    }
}

void LpmSupervisorPrivate::onInterrupted()
{
    Q_Q(LpmSupervisor);
    if (q->isSignalConnected(QMetaMethod::fromSignal(&LpmSupervisor::interrupted))) {
        Q_EMIT q->interrupted();
        return;
    }
    qCDebug(lcLpmSupervisor) << "SIGINT: hard-killing the pool and quitting";
    q->hardKill();
    QCoreApplication::quit();
}

void LpmSupervisorPrivate::stopAllWorkers()
{
    Q_Q(LpmSupervisor);
    healthTimer.stop();
    restartTimer.stop();
    softKillGrace.stop();
    cancelSweep.stop();
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
