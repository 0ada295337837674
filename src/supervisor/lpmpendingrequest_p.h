#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmerror.h>
#include <lpm/lpmresponse.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qfuture.h>
#include <QtCore/qpromise.h>
#include <QtCore/quuid.h>

class LpmWorkerHandle;

// One accepted request, from enqueue() until its future ends. Every future ends
// exactly once: resolve() and reject() act only the first time, and a request
// destroyed unfinished (the supervisor went away) rejects with ShuttingDown rather
// than leaving its future merely cancelled.
class LpmPendingRequest
{
public:
    LpmPendingRequest(const QUuid &id, qint64 createdAt, int timeoutMs, int retries)
        : id(id), createdAt(createdAt), timeoutMs(timeoutMs), retriesLeft(retries)
    {
        promise.start();
    }
    ~LpmPendingRequest()
    {
        if (!finished)
            reject(LpmError(LpmError::Code::ShuttingDown));
    }
    Q_DISABLE_COPY_MOVE(LpmPendingRequest)

    QFuture<LpmResponse> future() { return promise.future(); }

    void resolve(const QVariant &data)
    {
        if (finished)
            return;
        finished = true;
        promise.addResult(LpmResponse(id, createdAt, data));
        promise.finish();
    }
    void reject(const LpmError &error)
    {
        if (finished)
            return;
        finished = true;
        promise.setException(error);
        promise.finish();
    }

    const QUuid id;
    const qint64 createdAt;
    const int timeoutMs;       // -1: none
    int retriesLeft;           // -1: unlimited
    QByteArray encodedPayload; // CBOR, validated at enqueue()
    LpmWorkerHandle *worker = nullptr; // holding it now, or nullptr
    bool queued = false;               // waiting in the queue
    bool finished = false;

private:
    QPromise<LpmResponse> promise;
};
