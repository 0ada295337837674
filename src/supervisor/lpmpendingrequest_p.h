#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmerror.h>
#include <lpm/lpmresponse.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qfuture.h>
#include <QtCore/qiodevice.h>
#include <QtCore/qpointer.h>
#include <QtCore/qpromise.h>
#include <QtCore/quuid.h>

class LpmStreamPump;
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
    ~LpmPendingRequest();
    Q_DISABLE_COPY_MOVE(LpmPendingRequest)

    QFuture<LpmResponse> future() { return promise.future(); }

    void resolve(const QVariant &data, const QSharedPointer<QIODevice> &stream = {})
    {
        if (finished)
            return;
        finished = true;
        promise.addResult(LpmResponse(id, createdAt, data, stream));
        promise.finish();
    }
    // The caller cancelled the future (QFuture::cancel()); it stays cancelled.
    bool isCanceledByCaller() const { return !finished && promise.isCanceled(); }
    void finishCanceled()
    {
        if (finished)
            return;
        finished = true;
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

    // A connection to hand over: our duplicate of its descriptor until it is sent, and
    // the bytes already read from it.
    int socketFd = -1;
    bool hasSocket = false;
    QByteArray prelude;
    // A stream to send: its source, where it started (to replay it on a retry), and the
    // pump copying it to the worker holding the request.
    QPointer<QIODevice> source;
    bool hasStream = false;
    qint64 sourceStart = 0;
    QPointer<LpmStreamPump> pump;

private:
    QPromise<LpmResponse> promise;
};
