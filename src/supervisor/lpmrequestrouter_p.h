#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmclock_p.h"
#include "lpmmetricsrecorder_p.h"
#include "lpmqueuegate_p.h"
#include "lpmrequesttable_p.h"
#include "lpmsettlements_p.h"

#include <lpm/lpmsupervisorconfig.h>
#include <lpm/lpmworkerexit.h>

#include <QtCore/qfuture.h>
#include <QtCore/qobject.h>

#include <optional>

class LpmAutoscaler;
class LpmStream;
class LpmWorkerHandle;
class LpmWorkerPool;
class QAbstractSocket;
class QTimer;

// Requests from enqueue() to the end of their future: the encode gate and the queue
// bound, the queue, dispatch to the worker the policy picks, answers, timeouts (one
// deadline queue), cancellation, retries when a worker dies, and the metrics of all
// of it. It reads the pool's workers and sends through their handles; it never
// starts or stops one (it tells the autoscaler when requests wait).
class LpmRequestRouter : public QObject
{
    Q_OBJECT
public:
    // How many requests one cancellation sweep looks at, every CancelSweepMs.
    static constexpr int CancelSweepBudget = 4096;
    static constexpr int CancelSweepMs = 100;

    LpmRequestRouter(const LpmSupervisorConfig &config, LpmWorkerPool *pool, QObject *parent);
    ~LpmRequestRouter() override;

    void setAutoscaler(LpmAutoscaler *autoscaler) { m_autoscaler = autoscaler; }

    // Thread-safe. What the encode gate or the arguments refuse rejects at once.
    QFuture<LpmResponse> enqueue(const QVariant &payload, const LpmRequestOptions &options);
    QFuture<LpmResponse> enqueue(const QVariant &payload, QIODevice *stream,
                                 const LpmRequestOptions &options);
    QFuture<LpmResponse> enqueue(const QVariant &payload, QAbstractSocket *socket,
                                 const LpmRequestOptions &options);

    // While set, new requests reject with it (the pool is shutting down).
    void setRefusal(const std::optional<LpmError> &refusal) { m_refusal = refusal; }

    // Sends queued requests while a worker can take them.
    void dispatchQueued();
    void onAnswered(LpmWorkerHandle *worker, const QUuid &id, const QVariant &data, LpmStream *stream);
    void onAnswerFailed(LpmWorkerHandle *worker, const QUuid &id, const LpmError &error);
    // A worker is gone: the requests it held go back to the front of the queue while
    // retries remain; the others are returned, rejected, for the caller to settle last.
    LpmSettlements takeBackFrom(LpmWorkerHandle *worker, const LpmWorkerExit &exit);
    LpmSettlements takeQueued(const LpmError &error);
    // Everything pending; the workers holding requests are told to drop them.
    LpmSettlements takeAll(const LpmError &error);

    int pendingCount() const { return m_table.size(); }
    int queuedCount() const { return m_table.queuedCount(); }
    // Any thread.
    int queuedCountFromAnyThread() const { return m_table.queuedCountFromAnyThread(); }
    qint64 handledCount() const { return m_handled; }

    // The queue bound (request.maxQueued; 0: none). Any thread.
    int maxQueued() const { return m_gate.maxQueued(); }
    void setMaxQueued(int maxQueued);
    // Blocks the calling thread (not the supervisor's) until enqueue() would not
    // reject with QueueFull, at most msecs (-1: no limit). True if there is room.
    bool waitForQueueRoom(int msecs);

    LpmPoolMetrics metrics() { return m_metrics.snapshot(LpmClock::nowNs()); }
    void resetMetrics();
    // Adds the workers' busy and alive time since the last sample; of one that
    // exited, up to its exit.
    void sampleWorkerTime();
    void sampleExitedWorker(LpmWorkerHandle *worker);

Q_SIGNALS:
    // Nothing is queued (any more): a draining pool may retire idle workers.
    void queueEmpty();
    // At most once per pass of the event loop, when the length differs from the last told.
    void queueLengthChanged(int length);

private:
    std::unique_ptr<LpmPendingRequest> makeRequest(const QVariant &payload,
                                                   const LpmRequestOptions &options,
                                                   qsizetype fieldBytes);
    QFuture<LpmResponse> acceptFromAnyThread(std::unique_ptr<LpmPendingRequest> request);
    // Any thread: counts the request against the queue bound, or rejects it.
    bool reserveQueueRoom(LpmPendingRequest *request);
    // The queue's length may have changed: tell it (and wake who waits for room) soon.
    void noteQueueLength();
    void flushQueueLength();
    void recordFailures(const LpmSettlements &settlements);
    void accept(std::unique_ptr<LpmPendingRequest> request);
    LpmWorkerHandle *pickFor(const LpmPendingRequest *request) const;
    // False with error empty when the worker cannot take it now; with error set when
    // this request cannot be sent at all.
    bool sendTo(LpmWorkerHandle *worker, LpmPendingRequest *request, QString *error);
    // The held request id answered by worker, out of the table; nullptr (and the
    // worker dropped) if worker does not hold it.
    std::unique_ptr<LpmPendingRequest> takeAnswered(LpmWorkerHandle *worker, const QUuid &id);
    void armDeadline();
    void onDeadline();
    void sweepCanceled();
    void afterChange(LpmSettlements &settlements);

    const LpmSupervisorConfig m_config;
    LpmWorkerPool *const m_pool;
    LpmRequestTable m_table;
    LpmQueueGate m_gate; // after the table: its waiters read the table until they leave
    QTimer *m_deadlineTimer;
    qint64 m_armedFor = 0;
    QTimer *m_cancelSweep;
    std::optional<LpmError> m_refusal;
    qint64 m_handled = 0;
    LpmMetricsRecorder m_metrics;
    LpmAutoscaler *m_autoscaler = nullptr;
    bool m_lengthFlushPending = false;
    int m_toldLength = 0;
};
