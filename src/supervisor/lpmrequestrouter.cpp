#include "lpmrequestrouter_p.h"

#include "lpmautoscaler_p.h"
#include "lpmclock_p.h"
#include "lpmdispatcher_p.h"
#include "lpmlogging_p.h"
#include "lpmmessage_p.h"
#include "lpmthreadhop_p.h"
#include "lpmuuid_p.h"
#include "lpmworkerhandle_p.h"
#include "lpmworkerpool_p.h"

#include <lpm/lpmstream.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qabstractsocket.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include <fcntl.h>

namespace {
const LpmWorkerLoad &loadOf(const LpmWorkerHandle *worker)
{
    return worker->load();
}
} // namespace

LpmRequestRouter::LpmRequestRouter(const LpmSupervisorConfig &config, LpmWorkerPool *pool,
                                   QObject *parent)
    : QObject(parent),
      m_config(config),
      m_pool(pool),
      m_gate(m_table, config.request.maxQueued),
      m_deadlineTimer(new QTimer(this)),
      m_cancelSweep(new QTimer(this)),
      m_metrics(LpmClock::nowNs())
{
    m_deadlineTimer->setSingleShot(true);
    m_deadlineTimer->setTimerType(Qt::PreciseTimer);
    connect(m_deadlineTimer, &QTimer::timeout, this, &LpmRequestRouter::onDeadline);
    // Qt 6.4 tells a promise nothing when its future is cancelled: look every so
    // often, while requests are pending, at a bounded slice of them.
    m_cancelSweep->setInterval(CancelSweepMs);
    connect(m_cancelSweep, &QTimer::timeout, this, &LpmRequestRouter::sweepCanceled);
}

LpmRequestRouter::~LpmRequestRouter()
{
    // Requests still on their way from other threads end (with ShuttingDown) while
    // everything they may call back into is still here.
    QCoreApplication::removePostedEvents(this);
}

// --- accepting ------------------------------------------------------------------

std::unique_ptr<LpmPendingRequest> LpmRequestRouter::makeRequest(const QVariant &payload,
                                                                 const LpmRequestOptions &options,
                                                                 qsizetype fieldBytes)
{
    auto request = std::make_unique<LpmPendingRequest>(
            LpmUuid::createV4(), LpmClock::nowNs(), options.timeout.value_or(m_config.request.timeout),
            options.retries.value_or(m_config.request.retries), options.priority);
    // Encoded at once, in the caller's thread: a payload that cannot cross processes
    // fails here, and the supervisor's thread does less.
    if (const auto refusal = LpmIpc::encodePayload(payload, fieldBytes, &request->encodedPayload, &request->blobs)) {
        qCWarning(lcLpmSupervisor).noquote()
                << (refusal->code() == LpmError::Code::NotSerializable
                            ? "refusing a payload that cannot cross processes:"
                            : "refusing an oversized payload:")
                << refusal->detail();
        request->reject(*refusal);
    }
    return request;
}

QFuture<LpmResponse> LpmRequestRouter::enqueue(const QVariant &payload, const LpmRequestOptions &options)
{
    return acceptFromAnyThread(makeRequest(payload, options, 0));
}

QFuture<LpmResponse> LpmRequestRouter::enqueue(const QVariant &payload, QIODevice *stream,
                                               const LpmRequestOptions &options)
{
    std::unique_ptr<LpmPendingRequest> request = makeRequest(payload, options, 0);
    if (request->isFinished())
        return acceptFromAnyThread(std::move(request));
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
        return acceptFromAnyThread(std::move(request));
    }
    request->hasStream = true;
    request->source = stream;
    request->sourceStart = stream->isSequential() ? 0 : stream->pos();
    return acceptFromAnyThread(std::move(request));
}

QFuture<LpmResponse> LpmRequestRouter::enqueue(const QVariant &payload, QAbstractSocket *socket,
                                               const LpmRequestOptions &options)
{
    const bool connected = socket && socket->state() == QAbstractSocket::ConnectedState
            && socket->socketDescriptor() >= 0;
    // The bytes already read travel in the request's frame: they count at the gate.
    std::unique_ptr<LpmPendingRequest> request =
            makeRequest(payload, options, connected ? socket->bytesAvailable() : 0);
    if (request->isFinished())
        return acceptFromAnyThread(std::move(request));
    if (!connected) {
        const QString problem = QStringLiteral("The socket is not connected.");
        qCWarning(lcLpmSupervisor).noquote() << "refusing a socket:" << problem;
        request->reject(LpmError(LpmError::Code::InvalidStream, problem));
        return acceptFromAnyThread(std::move(request));
    }
    if (!m_pool->canHaveLocalWorkers()) {
        const QString problem = QStringLiteral("A socket crosses only to a local worker, and every "
                                               "launcher of the pool is remote.");
        qCWarning(lcLpmSupervisor).noquote() << "refusing a socket:" << problem;
        request->reject(LpmError(LpmError::Code::UnsupportedOnRemote, problem));
        return acceptFromAnyThread(std::move(request));
    }
    // Refused before the socket is taken apart, so the caller still has it.
    if (!reserveQueueRoom(request.get()))
        return acceptFromAnyThread(std::move(request));
    // Our own duplicate goes to the worker; closing the socket's descriptor here then
    // releases our copy without shutting the connection down.
    request->socketFd = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 3);
    if (request->socketFd < 0) {
        if (std::exchange(request->holdsQueueRoom, false))
            m_gate.release();
        request->reject(LpmError(LpmError::Code::InvalidStream, QString::fromLocal8Bit(std::strerror(errno))));
        return acceptFromAnyThread(std::move(request));
    }
    request->hasSocket = true;
    request->prelude = socket->readAll();
    socket->abort();
    return acceptFromAnyThread(std::move(request));
}

QFuture<LpmResponse> LpmRequestRouter::acceptFromAnyThread(std::unique_ptr<LpmPendingRequest> request)
{
    QFuture<LpmResponse> future = request->future();
    if (!request->isFinished())
        reserveQueueRoom(request.get()); // rejects it when the queue is full
    if (request->isFinished()) { // refused at the gate
        m_metrics.recordRefusal();
        return future;
    }
    if (QThread::currentThread() == thread()) {
        accept(std::move(request));
        return future;
    }
    // If the router is gone before this runs, the functor is destroyed unrun and the
    // request rejects with ShuttingDown as it is freed.
    auto carried = std::make_shared<std::unique_ptr<LpmPendingRequest>>(std::move(request));
    LpmThreadHop::run(this, [this, carried] { accept(std::move(*carried)); });
    return future;
}

bool LpmRequestRouter::reserveQueueRoom(LpmPendingRequest *request)
{
    if (request->holdsQueueRoom)
        return true;
    int queued = 0;
    int bound = 0;
    if (m_gate.reserve(&queued, &bound)) {
        request->holdsQueueRoom = true;
        return true;
    }
    qCDebug(lcLpmSupervisor) << "queue full:" << queued << "queued, bound" << bound;
    request->reject(LpmError(LpmError::Code::QueueFull,
                             QStringLiteral("%1 requests already wait for a worker (request.maxQueued is %2).")
                                     .arg(queued)
                                     .arg(bound)));
    return false;
}

void LpmRequestRouter::setMaxQueued(int maxQueued)
{
    m_gate.setMaxQueued(maxQueued);
    // A wider bound may let waiters in; told from the router's thread.
    QMetaObject::invokeMethod(this, &LpmRequestRouter::flushQueueLength, Qt::QueuedConnection);
}

bool LpmRequestRouter::waitForQueueRoom(int msecs)
{
    if (QThread::currentThread() == thread()) {
        qCWarning(lcLpmSupervisor) << "waitForQueueRoom() called in the supervisor's thread, "
                                      "which makes the room: not waiting";
        return m_gate.hasRoom();
    }
    return m_gate.waitForRoom(msecs);
}

void LpmRequestRouter::noteQueueLength()
{
    if (m_lengthFlushPending)
        return;
    m_lengthFlushPending = true;
    QMetaObject::invokeMethod(this, &LpmRequestRouter::flushQueueLength, Qt::QueuedConnection);
}

void LpmRequestRouter::flushQueueLength()
{
    m_lengthFlushPending = false;
    if (m_gate.hasWaiters() && m_gate.hasRoom())
        m_gate.wakeWaiters();
    const int length = m_table.queuedCount();
    if (length != m_toldLength) {
        m_toldLength = length;
        Q_EMIT queueLengthChanged(length);
    }
}

void LpmRequestRouter::recordFailures(const LpmSettlements &settlements)
{
    if (!settlements.isEmpty())
        m_metrics.recordFailures(LpmClock::nowNs(), settlements.rejectionCount());
}

void LpmRequestRouter::accept(std::unique_ptr<LpmPendingRequest> request)
{
    // Its place against the bound is given up once it is queued, sent or rejected:
    // never before, or another thread could slip in between. A rejection is settled
    // after that, last.
    const bool heldRoom = std::exchange(request->holdsQueueRoom, false);
    LpmSettlements settlements;
    if (m_refusal) {
        settlements.reject(std::move(request), *m_refusal);
    } else if (const auto reason = m_pool->unservableReason()) {
        settlements.reject(std::move(request), *reason);
    } else {
        LpmPendingRequest *raw = m_table.insert(std::move(request));
        if (!m_cancelSweep->isActive())
            m_cancelSweep->start();
        if (raw->timeoutMs >= 0) {
            m_table.setDeadline(raw, raw->createdAt + qint64(raw->timeoutMs) * 1000000);
            armDeadline();
        }
        bool waits = true;
        // FIFO: a request may go straight to a worker only when nothing waits before it.
        if (m_table.queuedCount() == 0) {
            QString error;
            if (LpmWorkerHandle *target = pickFor(raw)) {
                const bool targetWasIdle = target->load().inFlight == 0;
                if (sendTo(target, raw, &error))
                    waits = !targetWasIdle; // behind another in that worker
                else if (!error.isEmpty())
                    settlements.reject(m_table.take(raw->id), LpmError(LpmError::Code::StreamFailed, error));
                else
                    m_table.enqueueBack(raw);
            } else {
                m_table.enqueueBack(raw);
            }
        } else {
            m_table.enqueueBack(raw);
        }
        if (raw->isQueued())
            noteQueueLength();
        if (waits && m_autoscaler && settlements.isEmpty())
            m_autoscaler->noteDemand();
    }
    if (heldRoom) {
        m_gate.release();
        if (m_gate.hasWaiters())
            noteQueueLength();
    }
    recordFailures(settlements);
    settlements.settle();
}

// --- dispatch -------------------------------------------------------------------

LpmWorkerHandle *LpmRequestRouter::pickFor(const LpmPendingRequest *request) const
{
    const std::vector<LpmWorkerHandle *> &workers = m_pool->workers();
    const auto target = request->hasSocket
            ? LpmDispatcher::pickForSocket(workers.begin(), workers.end(), loadOf)
            : LpmDispatcher::pickForRequest(workers.begin(), workers.end(), loadOf,
                                            m_config.worker.maxInFlight > 0
                                                    ? m_config.worker.maxInFlight
                                                    : std::numeric_limits<int>::max());
    return target == workers.end() ? nullptr : *target;
}

bool LpmRequestRouter::sendTo(LpmWorkerHandle *worker, LpmPendingRequest *request, QString *error)
{
    if (!worker->sendRequest(request, error)) {
        if (!error->isEmpty())
            qCWarning(lcLpmSupervisor).noquote() << "cannot send request" << request->id << ":" << *error;
        return false;
    }
    m_table.setHolder(request, worker);
    const qint64 now = LpmClock::nowNs();
    if (request->sentAt == 0) // a retry waited before: counted once
        m_metrics.recordQueueWait(now, now - request->createdAt);
    request->sentAt = now;
    qCDebug(lcLpmDispatch) << "request" << request->id << "-> worker" << worker->pid();
    return true;
}

void LpmRequestRouter::dispatchQueued()
{
    LpmSettlements settlements;
    while (LpmPendingRequest *request = m_table.frontQueued()) {
        if (request->isCanceledByCaller()) { // never sent
            m_table.popQueued();
            settlements.cancel(m_table.take(request->id));
            continue;
        }
        LpmWorkerHandle *target = pickFor(request);
        if (!target)
            break;
        m_table.popQueued();
        QString error;
        if (sendTo(target, request, &error))
            continue;
        if (error.isEmpty()) { // the worker could not take it after all: try later
            m_table.enqueueFront(request);
            break;
        }
        settlements.reject(m_table.take(request->id), LpmError(LpmError::Code::StreamFailed, error));
    }
    afterChange(settlements);
}

void LpmRequestRouter::afterChange(LpmSettlements &settlements)
{
    if (m_table.size() == 0)
        m_cancelSweep->stop();
    recordFailures(settlements);
    if (m_table.queuedCount() != m_toldLength || m_gate.hasWaiters())
        noteQueueLength();
    if (m_table.queuedCount() == 0)
        Q_EMIT queueEmpty();
    settlements.settle();
}

// --- answers --------------------------------------------------------------------

std::unique_ptr<LpmPendingRequest> LpmRequestRouter::takeAnswered(LpmWorkerHandle *worker, const QUuid &id)
{
    const LpmPendingRequest *held = m_table.find(id);
    if (!held || LpmRequestTable::holderOf(held) != worker) {
        worker->reportProtocolError(QStringLiteral("it answered request %1, which it does not hold "
                                                   "(unknown, or already answered)")
                                            .arg(id.toString(QUuid::WithoutBraces)));
        return nullptr;
    }
    return m_table.take(id);
}

void LpmRequestRouter::onAnswered(LpmWorkerHandle *worker, const QUuid &id, const QVariant &data,
                                  LpmStream *stream)
{
    std::unique_ptr<LpmPendingRequest> request = takeAnswered(worker, id);
    if (!request) {
        delete stream;
        return;
    }
    ++m_handled;
    const qint64 now = LpmClock::nowNs();
    m_metrics.recordAnswer(now, now - request->sentAt);
    worker->recordRunTime(now, now - request->sentAt);
    // Shared by every copy of the response; deleted in its thread after the last one.
    const QSharedPointer<QIODevice> shared =
            stream ? QSharedPointer<QIODevice>(stream, &QObject::deleteLater) : QSharedPointer<QIODevice>();
    dispatchQueued();
    request->resolve(data, shared); // last: continuations run inside
}

void LpmRequestRouter::onAnswerFailed(LpmWorkerHandle *worker, const QUuid &id, const LpmError &error)
{
    std::unique_ptr<LpmPendingRequest> request = takeAnswered(worker, id);
    if (!request)
        return;
    m_metrics.recordFailures(LpmClock::nowNs(), 1);
    dispatchQueued();
    request->reject(error);
}

// --- timeouts and cancellation --------------------------------------------------

void LpmRequestRouter::armDeadline()
{
    const qint64 earliest = m_table.earliestDeadline();
    if (earliest == std::numeric_limits<qint64>::max()) {
        m_deadlineTimer->stop();
        return;
    }
    if (m_deadlineTimer->isActive() && m_armedFor <= earliest)
        return; // fires first anyway
    m_armedFor = earliest;
    const qint64 ms = qMax<qint64>(0, (earliest - LpmClock::nowNs() + 999999) / 1000000);
    m_deadlineTimer->start(int(qMin<qint64>(ms, std::numeric_limits<int>::max())));
}

void LpmRequestRouter::onDeadline()
{
    LpmSettlements settlements;
    const qint64 now = LpmClock::nowNs();
    while (LpmPendingRequest *expired = m_table.expiredAt(now)) {
        const QUuid id = expired->id;
        const int timeoutMs = expired->timeoutMs;
        if (LpmWorkerHandle *holder = LpmRequestTable::holderOf(expired))
            holder->cancel(id, QStringLiteral("The request timed out.")); // its late answer is dropped
        qCDebug(lcLpmSupervisor) << "request" << id << "timed out after" << timeoutMs << "ms";
        settlements.reject(m_table.take(id),
                           LpmError(LpmError::Code::TimedOut,
                                    QStringLiteral("No answer within %1 ms.").arg(timeoutMs)));
    }
    armDeadline();
    afterChange(settlements);
}

void LpmRequestRouter::sweepCanceled()
{
    LpmSettlements settlements;
    for (const QUuid &id : m_table.canceledIds(CancelSweepBudget)) {
        if (LpmWorkerHandle *holder = LpmRequestTable::holderOf(m_table.find(id)))
            holder->cancel(id, QStringLiteral("The request was canceled.")); // LpmRequest::canceled() there
        qCDebug(lcLpmSupervisor) << "request" << id << "was cancelled by its caller";
        settlements.cancel(m_table.take(id));
    }
    if (!settlements.isEmpty())
        armDeadline();
    afterChange(settlements);
}

// --- ending many ----------------------------------------------------------------

LpmSettlements LpmRequestRouter::takeBackFrom(LpmWorkerHandle *worker, const LpmWorkerExit &exit)
{
    LpmSettlements settlements;
    const std::vector<LpmPendingRequest *> held = m_table.releaseHeldBy(worker);
    const QString death = QStringLiteral("Worker %1: %2.").arg(exit.pid()).arg(exit.description());
    // Back to the front of the queue, oldest first, while retries remain.
    for (auto it = held.rbegin(); it != held.rend(); ++it) {
        LpmPendingRequest *orphan = *it;
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
            m_table.enqueueFront(orphan);
            continue;
        }
        settlements.reject(m_table.take(orphan->id),
                           LpmError(LpmError::Code::WorkerCrashed, death + QLatin1Char(' ') + noRetry, exit));
    }
    armDeadline();
    recordFailures(settlements);
    noteQueueLength();
    return settlements;
}

LpmSettlements LpmRequestRouter::takeQueued(const LpmError &error)
{
    LpmSettlements settlements;
    settlements.rejectAll(m_table.takeQueued(), error);
    armDeadline();
    recordFailures(settlements);
    noteQueueLength();
    return settlements;
}

LpmSettlements LpmRequestRouter::takeAll(const LpmError &error)
{
    LpmSettlements settlements;
    std::vector<std::unique_ptr<LpmPendingRequest>> all = m_table.takeAll();
    for (const auto &request : all) {
        if (LpmWorkerHandle *holder = LpmRequestTable::holderOf(request.get()))
            holder->cancel(request->id, error.message());
    }
    settlements.rejectAll(std::move(all), error);
    m_deadlineTimer->stop();
    m_cancelSweep->stop();
    recordFailures(settlements);
    noteQueueLength();
    return settlements;
}

// --- metrics --------------------------------------------------------------------

void LpmRequestRouter::sampleWorkerTime()
{
    const qint64 now = LpmClock::nowNs();
    qint64 busy = 0;
    qint64 alive = 0;
    for (LpmWorkerHandle *worker : m_pool->workers())
        worker->takeWorkerTime(now, &busy, &alive);
    m_metrics.recordWorkerTime(now, busy, alive);
}

void LpmRequestRouter::sampleExitedWorker(LpmWorkerHandle *worker)
{
    const qint64 now = LpmClock::nowNs();
    qint64 busy = 0;
    qint64 alive = 0;
    worker->takeWorkerTime(now, &busy, &alive); // up to its exit
    m_metrics.recordWorkerTime(now, busy, alive);
}

void LpmRequestRouter::resetMetrics()
{
    // The workers' time so far goes, so the first sample after counts from now.
    const qint64 now = LpmClock::nowNs();
    qint64 busy = 0;
    qint64 alive = 0;
    for (LpmWorkerHandle *worker : m_pool->workers())
        worker->takeWorkerTime(now, &busy, &alive);
    m_metrics.reset(now);
}
