#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmdeadlinequeue_p.h"
#include "lpmpendingrequest_p.h"
#include "lpmrequestindex_p.h"
#include "lpmuuid_p.h"

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

// Every accepted request until its future ends, and where each stands: waiting in
// the queue, or held by a worker. It is the one owner of "worker W holds request R";
// a worker's handle only counts. Lookup by id is a flat hash (LpmRequestIndex); the
// queue is one FIFO per priority, highest first (O(log p) for p distinct priorities,
// O(1) at both ends of each); each worker's requests are linked through the
// requests, and so are most deadlines, in lanes (LpmDeadlineQueue): no cost grows
// with the backlog. take() removes a request from all of them at once.
class LpmRequestTable
{
public:
    LpmRequestTable() = default;
    ~LpmRequestTable();
    Q_DISABLE_COPY_MOVE(LpmRequestTable)

    LpmPendingRequest *insert(std::unique_ptr<LpmPendingRequest> request);
    LpmPendingRequest *find(const QUuid &id) const;
    // Out of the table, the queue, its worker's list and the deadlines.
    std::unique_ptr<LpmPendingRequest> take(const QUuid &id);

    // The queue. A queued request that ends early leaves its id, skipped when reached.
    // Back: after the others of its priority; front: before them (a retry).
    void enqueueBack(LpmPendingRequest *request);
    void enqueueFront(LpmPendingRequest *request);
    LpmPendingRequest *frontQueued();
    void popQueued();
    // Empties the queue, handing its requests over in queue order.
    std::vector<std::unique_ptr<LpmPendingRequest>> takeQueued();
    // Empties the table; holderOf() still names who held each request taken.
    std::vector<std::unique_ptr<LpmPendingRequest>> takeAll();

    // Who holds what.
    void setHolder(LpmPendingRequest *request, LpmWorkerHandle *holder);
    static LpmWorkerHandle *holderOf(const LpmPendingRequest *request) { return request->holder; }
    // Forgets every request holder holds and returns them, oldest first; they stay in
    // the table.
    std::vector<LpmPendingRequest *> releaseHeldBy(LpmWorkerHandle *holder);
    int heldBy(const LpmWorkerHandle *holder) const;

    // Deadlines (ns on the monotonic clock), set once per request.
    void setDeadline(LpmPendingRequest *request, qint64 deadline) { m_deadlines.add(request, deadline); }
    qint64 earliestDeadline() const { return m_deadlines.earliestDeadline(); }
    // The earliest request if its deadline is at or before now, else nullptr.
    LpmPendingRequest *expiredAt(qint64 now) const;
    const LpmDeadlineQueue &deadlineQueueForTests() const { return m_deadlines; }

    // The ids of cancelled requests among the next `budget` visited, continuing where
    // the previous call stopped: a sweep costs the same whatever the backlog.
    std::vector<QUuid> canceledIds(int budget);

    int size() const { return int(m_requests.size()); }
    int queuedCount() const { return m_queuedCount.load(std::memory_order_relaxed); }
    // Any thread: the count as it was lately.
    int queuedCountFromAnyThread() const { return m_queuedCount.load(std::memory_order_relaxed); }

private:
    void release(LpmPendingRequest *request);
    // Written only in the owner's thread, read in any.
    void addQueued(int delta)
    {
        m_queuedCount.store(m_queuedCount.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
    }
    std::deque<QUuid> &levelFor(int priority);

    LpmRequestIndex m_requests;
    // Ids waiting, per priority, highest first. The level of priority 0 stays when
    // empty, so the usual single-priority queue never allocates a level.
    std::map<int, std::deque<QUuid>, std::greater<int>> m_levels;
    std::atomic<int> m_queuedCount{ 0 };
    // The newest request each worker holds; the others are linked behind it.
    std::unordered_map<const LpmWorkerHandle *, LpmPendingRequest *> m_newestHeld;
    std::unordered_map<const LpmWorkerHandle *, int> m_heldCounts;
    LpmDeadlineQueue m_deadlines;
    qsizetype m_sweepSlot = 0;
};
