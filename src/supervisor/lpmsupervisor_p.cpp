#include "lpmsupervisor_p.h"

#include "lpmautoscaler_p.h"
#include "lpmeventbridge_p.h"
#include "lpminterruptwatcher_p.h"
#include "lpmlogging_p.h"
#include "lpmrequestrouter_p.h"
#include "lpmworkerhandle_p.h"
#include "lpmworkerpool_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qtimer.h>

// The pool's state machine and the wiring of its parts. The public facade, which
// only forwards, is lpmsupervisor.cpp.

LpmSupervisorPrivate::LpmSupervisorPrivate(LpmSupervisor *q, const LpmSupervisorConfig &config)
    : q_ptr(q),
      config(config),
      pool(new LpmWorkerPool(config, q)),
      router(new LpmRequestRouter(config, pool, q)),
      bridge(new LpmEventBridge(pool, q)),
      autoscaler(new LpmAutoscaler(config.worker, pool, router, q)),
      softKillGrace(new QTimer(q))
{
    router->setAutoscaler(autoscaler);
    // An autoscaling pool starts at its count, within its bounds.
    if (const int count = qBound(autoscaler->minCount(), pool->targetCount(), autoscaler->maxCount());
        count != pool->targetCount())
        pool->resize(count, false);
    QObject::connect(autoscaler, &LpmAutoscaler::resized, q, &LpmSupervisor::targetCountChanged);
    QObject::connect(router, &LpmRequestRouter::queueLengthChanged, q, &LpmSupervisor::queueLengthChanged);
    QObject::connect(pool, &LpmWorkerPool::spawned, q, [this](LpmWorkerHandle *worker) { wire(worker); });
    QObject::connect(pool, &LpmWorkerPool::healthSampled, q, [this, q] {
        router->sampleWorkerTime();
        Q_EMIT q->healthUpdated();
    });
    QObject::connect(pool, &LpmWorkerPool::restartAllowed, q, [this] {
        // A backoff or the restart window ended: refill, or end what can never be served.
        replaceLost();
        LpmSettlements settlements;
        takeUnservable(settlements);
        finishStopIfDone(settlements);
    });
    QObject::connect(pool, &LpmWorkerPool::restartLimitReached, q, [this, q](const QString &message) {
        setError(LpmSupervisor::Error::RestartLimitReached, message);
        Q_EMIT q->restartLimitReached();
    });
    QObject::connect(pool, &LpmWorkerPool::failedToStart, q, [this](const LpmError &failure) {
        setError(LpmSupervisor::Error::WorkerFailedToStart, failure.detail());
    });
    QObject::connect(router, &LpmRequestRouter::queueEmpty, q, [this] { onQueueEmpty(); });
    QObject::connect(bridge, &LpmEventBridge::eventReceived, q, &LpmSupervisor::eventReceived);
    softKillGrace->setSingleShot(true);
    QObject::connect(softKillGrace, &QTimer::timeout, q, [this] {
        qCWarning(lcLpmSupervisor) << "soft kill grace period over - hard-killing the pool";
        hardKill();
    });
    QObject::connect(LpmInterruptWatcher::acquire(), &LpmInterruptWatcher::interrupted, q,
                     [this] { onInterrupted(); });
}

LpmSupervisorPrivate::~LpmSupervisorPrivate()
{
    // Nothing new is taken, nor grown, while what is pending ends: continuations run
    // inside and may call back.
    router->setRefusal(LpmError(LpmError::Code::ShuttingDown));
    autoscaler->setRunning(false);
    // Taken while the workers are still there to be told; ended once they are gone.
    LpmSettlements settlements = router->takeAll(LpmError(LpmError::Code::ShuttingDown));
    pool->stopAll();
    softKillGrace->stop();
    settlements.settle();
    if (softKillPromise)
        softKillPromise->finish();
    router->setAutoscaler(nullptr);
    delete autoscaler;
    delete bridge;
    delete router;
    delete pool;
    LpmInterruptWatcher::release();
}

bool LpmSupervisorPrivate::isRunning() const
{
    return state == LpmSupervisor::State::Starting || state == LpmSupervisor::State::Online;
}

// --- the state machine ----------------------------------------------------------

void LpmSupervisorPrivate::start()
{
    if (state != LpmSupervisor::State::Stopped) {
        qCWarning(lcLpmSupervisor) << "start() called on a pool that is" << state << "- ignored";
        return;
    }
    router->setRefusal(std::nullopt);
    setState(LpmSupervisor::State::Starting);
    if (const auto failure = pool->start()) {
        setError(LpmSupervisor::Error::WorkerFailedToStart, failure->detail());
        setState(LpmSupervisor::State::Stopped);
        router->takeQueued(*failure).settle();
    }
}

QFuture<void> LpmSupervisorPrivate::softKill(int graceMs)
{
    if (!softKillPromise) {
        softKillPromise.emplace();
        softKillPromise->start();
    }
    const QFuture<void> future = softKillPromise->future();
    router->setRefusal(LpmError(LpmError::Code::ShuttingDown));
    if (graceMs >= 0 && !softKillGrace->isActive())
        softKillGrace->start(graceMs);
    LpmSettlements settlements;
    if (isRunning()) {
        setState(LpmSupervisor::State::Draining);
        takeUnservable(settlements);
        if (router->queuedCount() == 0)
            pool->retireIdle();
    }
    finishStopIfDone(settlements);
    return future;
}

void LpmSupervisorPrivate::hardKill()
{
    router->setRefusal(LpmError(LpmError::Code::ShuttingDown));
    softKillGrace->stop();
    if (state != LpmSupervisor::State::Stopped)
        setState(LpmSupervisor::State::Stopping);
    pool->hardKillAll(HardKillGraceMs);
    LpmSettlements settlements = router->takeAll(
            LpmError(LpmError::Code::ShuttingDown, QStringLiteral("The pool was hard-killed.")));
    finishStopIfDone(settlements);
}

void LpmSupervisorPrivate::resize(int count)
{
    if (count < 1) {
        qCWarning(lcLpmSupervisor) << "resize(" << count << ") ignored: a pool needs a worker";
        return;
    }
    Q_Q(LpmSupervisor);
    const int before = pool->targetCount();
    // A fixed-size pool's bounds follow its count; an autoscaling one keeps its own.
    if (!autoscaler->isEnabled())
        autoscaler->setBounds(count, count);
    pool->resize(autoscaler->bounded(count), isRunning());
    checkOnline();
    if (pool->targetCount() != before)
        Q_EMIT q->targetCountChanged(pool->targetCount());
}

bool LpmSupervisorPrivate::setWorkerBounds(int minCount, int maxCount)
{
    Q_Q(LpmSupervisor);
    if (!autoscaler->setBounds(minCount, maxCount))
        return false;
    const int count = qBound(minCount, pool->targetCount(), maxCount);
    if (count != pool->targetCount()) {
        pool->resize(count, isRunning());
        checkOnline();
        Q_EMIT q->targetCountChanged(count);
    }
    autoscaler->noteDemand();
    return true;
}

void LpmSupervisorPrivate::checkOnline()
{
    Q_Q(LpmSupervisor);
    if (state != LpmSupervisor::State::Starting || pool->readyCount() < pool->targetCount())
        return;
    setState(LpmSupervisor::State::Online);
    Q_EMIT q->online();
}

void LpmSupervisorPrivate::onQueueEmpty()
{
    if (state == LpmSupervisor::State::Draining)
        pool->retireIdle();
}

void LpmSupervisorPrivate::replaceLost()
{
    if (isRunning() || state == LpmSupervisor::State::Draining)
        pool->replaceLost(state == LpmSupervisor::State::Draining, router->queuedCount() > 0);
}

void LpmSupervisorPrivate::takeUnservable(LpmSettlements &settlements)
{
    // Requests that could only wait for a worker that will not come end now.
    if (const auto reason = pool->unservableReason())
        settlements.append(router->takeQueued(*reason));
}

void LpmSupervisorPrivate::finishStopIfDone(LpmSettlements &settlements)
{
    const bool stopping = state == LpmSupervisor::State::Draining
            || state == LpmSupervisor::State::Stopping || state == LpmSupervisor::State::Stopped;
    std::optional<QPromise<void>> promise;
    if (stopping && pool->workers().empty()) {
        // Queued requests cannot outlive the pool.
        settlements.append(router->takeQueued(LpmError(LpmError::Code::ShuttingDown)));
        pool->stopTimers();
        pool->releaseStartHelpers();
        softKillGrace->stop();
        setState(LpmSupervisor::State::Stopped);
        promise = std::exchange(softKillPromise, std::nullopt);
    }
    // Last: continuations run inside, and may start the pool again.
    settlements.settle();
    if (promise)
        promise->finish();
}

void LpmSupervisorPrivate::onInterrupted()
{
    Q_Q(LpmSupervisor);
    if (q->isSignalConnected(QMetaMethod::fromSignal(&LpmSupervisor::interrupted))) {
        Q_EMIT q->interrupted();
        return;
    }
    qCDebug(lcLpmSupervisor) << "SIGINT: hard-killing the pool and quitting";
    hardKill();
    QCoreApplication::quit();
}

void LpmSupervisorPrivate::setError(LpmSupervisor::Error newError, const QString &detail)
{
    Q_Q(LpmSupervisor);
    QString sentence;
    switch (newError) {
    case LpmSupervisor::Error::NoError:
        break;
    case LpmSupervisor::Error::WorkerFailedToStart:
        sentence = LpmSupervisor::tr("A worker program could not be started.");
        break;
    case LpmSupervisor::Error::WorkerCrashed:
        sentence = LpmSupervisor::tr("A worker exited without being asked to.");
        break;
    case LpmSupervisor::Error::RestartLimitReached:
        sentence = LpmSupervisor::tr("The restart limit has been reached.");
        break;
    case LpmSupervisor::Error::ProtocolError:
        sentence = LpmSupervisor::tr("A worker broke the protocol and was dropped.");
        break;
    }
    error = newError;
    errorString = detail.isEmpty() ? sentence : sentence + QLatin1Char(' ') + detail;
    Q_EMIT q->errorOccurred(newError);
}

void LpmSupervisorPrivate::setState(LpmSupervisor::State newState)
{
    Q_Q(LpmSupervisor);
    if (state == newState)
        return;
    state = newState;
    pool->setRunning(isRunning());
    autoscaler->setRunning(isRunning());
    Q_EMIT q->stateChanged(newState);
}

// --- the workers ----------------------------------------------------------------

void LpmSupervisorPrivate::wire(LpmWorkerHandle *worker)
{
    Q_Q(LpmSupervisor);
    QObject::connect(worker, &LpmWorkerHandle::started, q, [q](qint64 pid) {
        qCDebug(lcLpmSupervisor) << "worker" << pid << "spawned";
        Q_EMIT q->childSpawned(pid);
    });
    QObject::connect(worker, &LpmWorkerHandle::stateChanged, q, [this](LpmWorkerHandle::State state) {
        if (state == LpmWorkerHandle::State::Ready)
            onWorkerReady();
    });
    QObject::connect(worker, &LpmWorkerHandle::statusChanged, q, [q, worker] {
        if (worker->pid() != 0 && worker->state() != LpmWorkerHandle::State::Exited)
            Q_EMIT q->workerStateChanged(worker->pid(), worker->publicState());
    });
    QObject::connect(worker, &LpmWorkerHandle::answered, q,
                     [this, worker](const QUuid &id, const QVariant &data, LpmStream *stream) {
                         router->onAnswered(worker, id, data, stream);
                     });
    QObject::connect(worker, &LpmWorkerHandle::answerFailed, q,
                     [this, worker](const QUuid &id, const LpmError &failure) {
                         router->onAnswerFailed(worker, id, failure);
                     });
    QObject::connect(worker, &LpmWorkerHandle::eventReceived, q,
                     [this, worker](const QUuid &id, const QString &name, const QVariant &payload,
                                    qint64 createdAt) { bridge->onEvent(worker, id, name, payload, createdAt); });
    QObject::connect(worker, &LpmWorkerHandle::roomAvailable, q, [this] { router->dispatchQueued(); });
    QObject::connect(worker, &LpmWorkerHandle::protocolError, q,
                     [this](const QString &reason) { setError(LpmSupervisor::Error::ProtocolError, reason); });
    QObject::connect(worker, &LpmWorkerHandle::exited, q,
                     [this, worker](const LpmWorkerExit &exit) { onWorkerExited(worker, exit); });
}

void LpmSupervisorPrivate::onWorkerReady()
{
    checkOnline();
    router->dispatchQueued();
    autoscaler->noteDemand(); // the worker grown last is up: grow again if work still waits
}

void LpmSupervisorPrivate::onWorkerExited(LpmWorkerHandle *worker, const LpmWorkerExit &exit)
{
    Q_Q(LpmSupervisor);
    router->sampleExitedWorker(worker); // its last busy time, before it is forgotten
    pool->remove(worker, exit);
    const bool failedToStart = exit.reason() == LpmWorkerExit::Reason::FailedToStart;
    if (!failedToStart) {
        if (exit.isExpected()) {
            qCDebug(lcLpmSupervisor).noquote() << "worker" << exit.pid() << "stopped:" << exit.description();
        } else {
            qCWarning(lcLpmSupervisor).noquote() << "worker" << exit.pid() << "exited:" << exit.description();
            setError(LpmSupervisor::Error::WorkerCrashed,
                     QStringLiteral("Worker %1 exited: %2.").arg(exit.pid()).arg(exit.description()));
        }
    }
    LpmSettlements settlements = router->takeBackFrom(worker, exit);
    if (!failedToStart && !exit.isExpected())
        replaceLost();
    takeUnservable(settlements);
    router->dispatchQueued();
    checkOnline();
    Q_EMIT q->workerExited(exit);
    // Told after the exit it follows from.
    if (const int delay = pool->respawnDelay(exit.slot()); delay >= 0 && !exit.isExpected())
        Q_EMIT q->respawnScheduled(exit.slot(), delay);
    finishStopIfDone(settlements);
}
