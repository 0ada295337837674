#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qglobal.h>

#include <vector>

class LpmPendingRequest;

// The requests with a timeout, earliest deadline first: a binary heap whose slots
// the requests remember, so adding, removing (an answer came) and taking the
// earliest are O(log n) and nothing stale stays behind. One timer serves them all.
class LpmDeadlineQueue
{
public:
    void add(LpmPendingRequest *request, qint64 deadline);
    // No-op for a request that is not queued here.
    void remove(LpmPendingRequest *request);
    // The earliest request, or nullptr.
    LpmPendingRequest *earliest() const { return m_heap.empty() ? nullptr : m_heap.front(); }
    qint64 earliestDeadline() const;
    bool isEmpty() const { return m_heap.empty(); }
    qsizetype size() const { return qsizetype(m_heap.size()); }
    void clear();

private:
    void place(qsizetype slot, LpmPendingRequest *request);
    void siftUp(qsizetype slot);
    void siftDown(qsizetype slot);

    std::vector<LpmPendingRequest *> m_heap;
};
