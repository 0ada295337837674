#include "lpmdeadlinequeue_p.h"

#include "lpmpendingrequest_p.h"

#include <limits>

void LpmDeadlineQueue::add(LpmPendingRequest *request, qint64 deadline)
{
    Q_ASSERT(request->deadlineSlot < 0);
    request->deadline = deadline;
    m_heap.push_back(request);
    request->deadlineSlot = qsizetype(m_heap.size()) - 1;
    siftUp(request->deadlineSlot);
}

void LpmDeadlineQueue::remove(LpmPendingRequest *request)
{
    const qsizetype slot = request->deadlineSlot;
    if (slot < 0)
        return;
    request->deadlineSlot = -1;
    LpmPendingRequest *last = m_heap.back();
    m_heap.pop_back();
    if (last == request)
        return;
    place(slot, last);
    siftUp(slot);
    siftDown(last->deadlineSlot);
}

qint64 LpmDeadlineQueue::earliestDeadline() const
{
    return m_heap.empty() ? std::numeric_limits<qint64>::max() : m_heap.front()->deadline;
}

void LpmDeadlineQueue::clear()
{
    for (LpmPendingRequest *request : m_heap)
        request->deadlineSlot = -1;
    m_heap.clear();
}

void LpmDeadlineQueue::place(qsizetype slot, LpmPendingRequest *request)
{
    m_heap[size_t(slot)] = request;
    request->deadlineSlot = slot;
}

void LpmDeadlineQueue::siftUp(qsizetype slot)
{
    LpmPendingRequest *moving = m_heap[size_t(slot)];
    while (slot > 0) {
        const qsizetype parent = (slot - 1) / 2;
        if (m_heap[size_t(parent)]->deadline <= moving->deadline)
            break;
        place(slot, m_heap[size_t(parent)]);
        slot = parent;
    }
    place(slot, moving);
}

void LpmDeadlineQueue::siftDown(qsizetype slot)
{
    const qsizetype count = qsizetype(m_heap.size());
    LpmPendingRequest *moving = m_heap[size_t(slot)];
    for (;;) {
        qsizetype child = 2 * slot + 1;
        if (child >= count)
            break;
        if (child + 1 < count && m_heap[size_t(child + 1)]->deadline < m_heap[size_t(child)]->deadline)
            ++child;
        if (moving->deadline <= m_heap[size_t(child)]->deadline)
            break;
        place(slot, m_heap[size_t(child)]);
        slot = child;
    }
    place(slot, moving);
}
