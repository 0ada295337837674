#include "lpmdeadlinequeue_p.h"

#include "lpmpendingrequest_p.h"

void LpmDeadlineQueue::add(LpmPendingRequest *request, qint64 deadline)
{
    Q_ASSERT(request->deadlineLane < 0 && request->deadlineSlot < 0);
    request->deadline = deadline;
    if (const int lane = laneFor(deadline); lane >= 0)
        append(lane, request);
    else
        heapAdd(request);
    ++m_size;
}

void LpmDeadlineQueue::remove(LpmPendingRequest *request)
{
    if (request->deadlineLane >= 0)
        unlink(request);
    else if (request->deadlineSlot >= 0)
        heapRemove(request);
    else
        return;
    --m_size;
}

LpmPendingRequest *LpmDeadlineQueue::earliest() const
{
    LpmPendingRequest *found = m_heap.empty() ? nullptr : m_heap.front();
    qint64 foundDeadline = found ? found->deadline : std::numeric_limits<qint64>::max();
    for (const Lane &lane : m_lanes) {
        if (lane.head && (!found || lane.headDeadline < foundDeadline)) {
            found = lane.head;
            foundDeadline = lane.headDeadline;
        }
    }
    return found;
}

qint64 LpmDeadlineQueue::earliestDeadline() const
{
    qint64 earliest = m_heap.empty() ? std::numeric_limits<qint64>::max() : m_heap.front()->deadline;
    for (const Lane &lane : m_lanes)
        earliest = qMin(earliest, lane.headDeadline); // an empty lane's is the maximum
    return earliest;
}

void LpmDeadlineQueue::clear()
{
    for (Lane &lane : m_lanes) {
        for (LpmPendingRequest *request = lane.head; request;) {
            LpmPendingRequest *next = request->deadlineNext;
            request->deadlineLane = -1;
            request->deadlinePrev = request->deadlineNext = nullptr;
            request = next;
        }
        lane = Lane{};
    }
    for (LpmPendingRequest *request : m_heap)
        request->deadlineSlot = -1;
    m_heap.clear();
    m_size = 0;
}

// --- lanes ----------------------------------------------------------------------

int LpmDeadlineQueue::laneFor(qint64 deadline) const
{
    int best = -1;
    int empty = -1;
    for (int i = 0; i < LaneCount; ++i) {
        const Lane &lane = m_lanes[size_t(i)];
        if (!lane.tail) {
            if (empty < 0)
                empty = i;
        } else if (lane.tailDeadline <= deadline
                   && (best < 0 || lane.tailDeadline > m_lanes[size_t(best)].tailDeadline)) {
            best = i; // the closest fit leaves the other lanes for earlier deadlines
        }
    }
    return best >= 0 ? best : empty;
}

void LpmDeadlineQueue::append(int index, LpmPendingRequest *request)
{
    Lane &lane = m_lanes[size_t(index)];
    request->deadlineLane = index;
    request->deadlinePrev = lane.tail;
    request->deadlineNext = nullptr;
    if (lane.tail) {
        lane.tail->deadlineNext = request;
    } else {
        lane.head = request;
        lane.headDeadline = request->deadline;
    }
    lane.tail = request;
    lane.tailDeadline = request->deadline;
}

void LpmDeadlineQueue::unlink(LpmPendingRequest *request)
{
    Lane &lane = m_lanes[size_t(request->deadlineLane)];
    LpmPendingRequest *prev = request->deadlinePrev;
    LpmPendingRequest *next = request->deadlineNext;
    if (prev) {
        prev->deadlineNext = next;
    } else {
        lane.head = next;
        lane.headDeadline = next ? next->deadline : std::numeric_limits<qint64>::max();
    }
    if (next) {
        next->deadlinePrev = prev;
    } else {
        lane.tail = prev;
        lane.tailDeadline = prev ? prev->deadline : std::numeric_limits<qint64>::min();
    }
    request->deadlineLane = -1;
    request->deadlinePrev = request->deadlineNext = nullptr;
}

// --- the heap, for what no lane takes in order ----------------------------------

void LpmDeadlineQueue::heapAdd(LpmPendingRequest *request)
{
    m_heap.push_back(request);
    request->deadlineSlot = qsizetype(m_heap.size()) - 1;
    siftUp(request->deadlineSlot);
}

void LpmDeadlineQueue::heapRemove(LpmPendingRequest *request)
{
    const qsizetype slot = request->deadlineSlot;
    request->deadlineSlot = -1;
    LpmPendingRequest *last = m_heap.back();
    m_heap.pop_back();
    if (last == request)
        return;
    place(slot, last);
    siftUp(slot);
    siftDown(last->deadlineSlot);
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
