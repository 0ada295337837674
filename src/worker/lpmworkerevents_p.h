#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmmessage_p.h"
#include "lpmuuid_p.h"

#include <lpm/lpmerror.h>

#include <QtCore/qfuture.h>
#include <QtCore/qpromise.h>

#include <memory>
#include <unordered_map>

class LpmWorkerPrivate;

// The worker's custom events to its supervisor (LpmWorker::sendEvent()) and their
// answers: one future per event, which ends exactly once, with the answer or with
// why none came.
class LpmWorkerEvents
{
public:
    explicit LpmWorkerEvents(LpmWorkerPrivate *worker) : m_worker(worker) { }
    ~LpmWorkerEvents();
    Q_DISABLE_COPY_MOVE(LpmWorkerEvents)

    // Thread-safe. A payload the encode gate refuses rejects at once.
    QFuture<QVariant> send(const QString &name, const QVariant &payload);
    // An EventReply or EventReject from the supervisor.
    void settle(const LpmIpc::Message &answer);
    // Every event still waiting rejects with code (the supervisor went away).
    void rejectAll(LpmError::Code code);

private:
    LpmWorkerPrivate *const m_worker;
    std::unordered_map<QUuid, std::unique_ptr<QPromise<QVariant>>, LpmUuidHash> m_pending;
};
