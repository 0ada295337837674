#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qglobal.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

class LpmRequestTable;

// The queue bound (request.maxQueued), for callers in any thread: a request takes a
// place when enqueue() accepts it and gives it up once it is queued, sent or
// rejected in the supervisor's thread, so the queue's length plus the requests on
// their way to it never exceed the bound. Producers in other threads may wait here
// for room.
class LpmQueueGate
{
public:
    LpmQueueGate(const LpmRequestTable &table, int maxQueued);
    // Lets every waiter go (without room) and waits until they have left.
    ~LpmQueueGate();
    Q_DISABLE_COPY_MOVE(LpmQueueGate)

    int maxQueued() const { return m_maxQueued.load(std::memory_order_relaxed); }
    void setMaxQueued(int maxQueued) { m_maxQueued.store(qMax(0, maxQueued), std::memory_order_relaxed); }

    // Any thread. Takes a place, or false when the queue is full (with the counts
    // then in *queued and *bound). Counted first, checked after: two callers racing for
    // the last place may both be refused, never both let in.
    bool reserve(int *queued, int *bound);
    void release() { m_inTransit.fetch_sub(1, std::memory_order_seq_cst); }
    bool hasRoom() const;

    // Any thread but the one that makes room. True when there is room; false after
    // msecs (-1: no limit) or when the gate closes.
    bool waitForRoom(int msecs);
    bool hasWaiters() const { return m_waiters.load(std::memory_order_seq_cst) > 0; }
    // The queue shrank or the bound grew: waiters look again.
    void wakeWaiters();

private:
    const LpmRequestTable &m_table;
    std::atomic<int> m_maxQueued;
    std::atomic<int> m_inTransit{ 0 };
    std::atomic<int> m_waiters{ 0 };
    // The standard ones, not QMutex and QWaitCondition: those unlock inside Qt, which
    // ThreadSanitizer does not see, so it would report every wait as a double lock.
    std::mutex m_mutex;
    std::condition_variable m_roomAvailable;
    bool m_closing = false; // guarded by m_mutex
};
