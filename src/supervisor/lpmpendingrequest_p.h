#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmpayloadcodec_p.h"

#include <lpm/lpmerror.h>
#include <lpm/lpmresponse.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qfuture.h>
#include <QtCore/qiodevice.h>
#include <QtCore/qpointer.h>
#include <QtCore/qpromise.h>
#include <QtCore/quuid.h>

class LpmWorkerHandle;

// One accepted request, from enqueue() until its future ends. Every future ends
// exactly once: resolve(), reject() and finishCanceled() act only the first time,
// and a request destroyed unfinished (the supervisor went away) rejects with
// ShuttingDown rather than leaving its future merely cancelled.
//
// The table's bookkeeping lives here too (where it waits, who holds it, its place
// in the deadline queue), so that none of it costs an allocation of its own.
class LpmPendingRequest
{
public:
    LpmPendingRequest(const QUuid &id, qint64 createdAt, int timeoutMs, int retries, int priority = 0)
        : id(id), createdAt(createdAt), timeoutMs(timeoutMs), priority(priority), retriesLeft(retries)
    {
        promise.start();
    }
    ~LpmPendingRequest();
    Q_DISABLE_COPY_MOVE(LpmPendingRequest)

    QFuture<LpmResponse> future() { return promise.future(); }
    bool isFinished() const { return finished; }
    bool isQueued() const { return queued; }
    // The caller cancelled the future (QFuture::cancel()); it stays cancelled.
    bool isCanceledByCaller() const { return !finished && promise.isCanceled(); }

    void resolve(const QVariant &data, const QSharedPointer<QIODevice> &stream = {});
    void reject(const LpmError &error);
    void finishCanceled();

    const QUuid id;
    const qint64 createdAt;    // ns, monotonic
    const int timeoutMs;       // -1: none
    const int priority;        // higher leaves the queue first
    int retriesLeft;           // -1: unlimited
    qint64 sentAt = 0;         // ns, monotonic: when a worker was last sent it; 0: never
    // Counted against request.maxQueued from enqueue() until it reaches the queue.
    bool holdsQueueRoom = false;
    QByteArray encodedPayload; // CBOR, through the encode gate at enqueue()
    LpmPayloadCodec::Blobs blobs; // its large byte arrays, shared with the caller's

    // A connection to hand over: our duplicate of its descriptor until it is sent, and
    // the bytes already read from it.
    int socketFd = -1;
    bool hasSocket = false;
    QByteArray prelude;
    // A stream to send: its source and where it started (to replay it on a retry).
    QPointer<QIODevice> source;
    bool hasStream = false;
    qint64 sourceStart = 0;

private:
    friend class LpmRequestTable;
    friend class LpmDeadlineQueue;

    // LpmRequestTable: waiting in the queue, or held by a worker (linked among the
    // requests that worker holds).
    bool queued = false;
    LpmWorkerHandle *holder = nullptr;
    LpmPendingRequest *heldPrev = nullptr;
    LpmPendingRequest *heldNext = nullptr;
    // LpmDeadlineQueue: when it times out (ns, monotonic), and where it waits there:
    // in a lane (linked in deadline order) or in the heap (its slot).
    qint64 deadline = 0;
    LpmPendingRequest *deadlinePrev = nullptr;
    LpmPendingRequest *deadlineNext = nullptr;
    qsizetype deadlineSlot = -1;
    int deadlineLane = -1;

    bool finished = false;
    QPromise<LpmResponse> promise;
};
