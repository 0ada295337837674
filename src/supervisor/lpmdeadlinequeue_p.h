#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qglobal.h>

#include <array>
#include <limits>
#include <vector>

class LpmPendingRequest;

// The requests with a timeout, earliest deadline first. One timer serves them all.
//
// Requests with one timeout arrive in deadline order, so most of them go into a
// lane: a list linked through the requests, kept in deadline order by appending only
// to a lane whose last deadline is not later. Adding and removing there is O(1) and
// touches the neighbours alone. A binary heap of 100,000 requests cost a cache miss
// per level on every answer, and made W2 with a timeout about 10 % slower than
// without.
// A request no lane takes in order (more distinct timeouts than lanes, or one a
// thread hop reordered) goes into that heap, which the requests remember their
// slots in (O(log n)). The earliest is the earlier of the lanes' heads and the
// heap's top. Nothing stale stays behind.
class LpmDeadlineQueue
{
public:
    LpmDeadlineQueue() = default;
    Q_DISABLE_COPY_MOVE(LpmDeadlineQueue)

    // Once per request: it must not be queued here already.
    void add(LpmPendingRequest *request, qint64 deadline);
    // No-op for a request that is not queued here.
    void remove(LpmPendingRequest *request);
    // The earliest request, or nullptr.
    LpmPendingRequest *earliest() const;
    qint64 earliestDeadline() const;
    bool isEmpty() const { return m_size == 0; }
    qsizetype size() const { return m_size; }
    // How many wait in the heap rather than in a lane (for the tests).
    qsizetype heapSize() const { return qsizetype(m_heap.size()); }
    void clear();

    static constexpr int LaneCount = 8;

private:
    struct Lane
    {
        LpmPendingRequest *head = nullptr; // earliest
        LpmPendingRequest *tail = nullptr; // latest
        // Copies of head's and tail's deadlines: picking a lane and finding the
        // earliest read this array alone.
        qint64 headDeadline = std::numeric_limits<qint64>::max();
        qint64 tailDeadline = std::numeric_limits<qint64>::min();
    };

    // The lane whose latest deadline is the latest not after deadline, else an
    // empty one, else -1.
    int laneFor(qint64 deadline) const;
    void append(int lane, LpmPendingRequest *request);
    void unlink(LpmPendingRequest *request);

    void heapAdd(LpmPendingRequest *request);
    void heapRemove(LpmPendingRequest *request);
    void place(qsizetype slot, LpmPendingRequest *request);
    void siftUp(qsizetype slot);
    void siftDown(qsizetype slot);

    std::array<Lane, LaneCount> m_lanes;
    std::vector<LpmPendingRequest *> m_heap;
    qsizetype m_size = 0;
};
