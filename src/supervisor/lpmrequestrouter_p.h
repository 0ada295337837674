#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmrequesttable_p.h"
#include "lpmsettlements_p.h"

#include <lpm/lpmsupervisorconfig.h>
#include <lpm/lpmworkerexit.h>

#include <QtCore/qfuture.h>
#include <QtCore/qobject.h>

#include <optional>

class LpmStream;
class LpmWorkerHandle;
class LpmWorkerPool;
class QAbstractSocket;
class QTimer;

// Requests from enqueue() to the end of their future: the encode gate, the queue,
// dispatch to the worker the policy picks, answers, timeouts (one deadline queue),
// cancellation, and retries when a worker dies. It reads the pool's workers and
// sends through their handles; it never starts or stops one.
class LpmRequestRouter : public QObject
{
    Q_OBJECT
public:
    // How many requests one cancellation sweep looks at, every CancelSweepMs.
    static constexpr int CancelSweepBudget = 4096;
    static constexpr int CancelSweepMs = 100;

    LpmRequestRouter(const LpmSupervisorConfig &config, LpmWorkerPool *pool, QObject *parent);
    ~LpmRequestRouter() override;

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
    qint64 handledCount() const { return m_handled; }

Q_SIGNALS:
    // Nothing is queued (any more): a draining pool may retire idle workers.
    void queueEmpty();

private:
    std::unique_ptr<LpmPendingRequest> makeRequest(const QVariant &payload,
                                                   const LpmRequestOptions &options,
                                                   qsizetype fieldBytes);
    QFuture<LpmResponse> acceptFromAnyThread(std::unique_ptr<LpmPendingRequest> request);
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
    QTimer *m_deadlineTimer;
    qint64 m_armedFor = 0;
    QTimer *m_cancelSweep;
    std::optional<LpmError> m_refusal;
    qint64 m_handled = 0;
};
