#include "lpmrequesttable_p.h"

#include <algorithm>

LpmRequestTable::~LpmRequestTable()
{
    m_deadlines.clear(); // before the requests it points to go
}

LpmPendingRequest *LpmRequestTable::insert(std::unique_ptr<LpmPendingRequest> request)
{
    return m_requests.insert(std::move(request));
}

LpmPendingRequest *LpmRequestTable::find(const QUuid &id) const
{
    return m_requests.find(id);
}

std::unique_ptr<LpmPendingRequest> LpmRequestTable::take(const QUuid &id)
{
    std::unique_ptr<LpmPendingRequest> request = m_requests.take(id);
    if (!request)
        return nullptr;
    if (request->queued) {
        request->queued = false;
        addQueued(-1); // its id stays in the queue and is skipped as stale
    }
    release(request.get());
    m_deadlines.remove(request.get());
    return request;
}

std::deque<QUuid> &LpmRequestTable::levelFor(int priority)
{
    return m_levels[priority];
}

void LpmRequestTable::enqueueBack(LpmPendingRequest *request)
{
    request->queued = true;
    levelFor(request->priority).push_back(request->id);
    addQueued(1);
}

void LpmRequestTable::enqueueFront(LpmPendingRequest *request)
{
    request->queued = true;
    levelFor(request->priority).push_front(request->id);
    addQueued(1);
}

LpmPendingRequest *LpmRequestTable::frontQueued()
{
    for (auto level = m_levels.begin(); level != m_levels.end();) {
        std::deque<QUuid> &ids = level->second;
        while (!ids.empty()) {
            LpmPendingRequest *request = find(ids.front());
            if (request && request->queued)
                return request;
            ids.pop_front(); // stale: ended while queued
        }
        level = level->first == 0 ? std::next(level) : m_levels.erase(level);
    }
    return nullptr;
}

void LpmRequestTable::popQueued()
{
    if (LpmPendingRequest *request = frontQueued()) {
        request->queued = false;
        addQueued(-1);
        m_levels.find(request->priority)->second.pop_front();
    }
}

std::vector<std::unique_ptr<LpmPendingRequest>> LpmRequestTable::takeQueued()
{
    std::vector<std::unique_ptr<LpmPendingRequest>> taken;
    const auto levels = std::exchange(m_levels, {});
    for (const auto &level : levels) {
        for (const QUuid &id : level.second) {
            const LpmPendingRequest *request = find(id);
            if (request && request->queued)
                taken.push_back(take(id));
        }
    }
    m_queuedCount.store(0, std::memory_order_relaxed);
    return taken;
}

std::vector<std::unique_ptr<LpmPendingRequest>> LpmRequestTable::takeAll()
{
    std::vector<std::unique_ptr<LpmPendingRequest>> taken = takeQueued();
    m_deadlines.clear();
    for (std::unique_ptr<LpmPendingRequest> &request : m_requests.takeAll()) {
        // holderOf() still tells, so the caller can tell the workers.
        request->heldPrev = request->heldNext = nullptr;
        taken.push_back(std::move(request));
    }
    m_newestHeld.clear();
    m_heldCounts.clear();
    return taken;
}

void LpmRequestTable::setHolder(LpmPendingRequest *request, LpmWorkerHandle *holder)
{
    release(request);
    if (!holder)
        return;
    request->holder = holder;
    LpmPendingRequest *&newest = m_newestHeld[holder];
    request->heldNext = newest;
    if (newest)
        newest->heldPrev = request;
    newest = request;
    ++m_heldCounts[holder];
}

void LpmRequestTable::release(LpmPendingRequest *request)
{
    LpmWorkerHandle *holder = request->holder;
    if (!holder)
        return;
    if (request->heldPrev) {
        request->heldPrev->heldNext = request->heldNext;
    } else {
        const auto newest = m_newestHeld.find(holder);
        if (request->heldNext)
            newest->second = request->heldNext;
        else
            m_newestHeld.erase(newest);
    }
    if (request->heldNext)
        request->heldNext->heldPrev = request->heldPrev;
    request->holder = nullptr;
    request->heldPrev = request->heldNext = nullptr;
    const auto count = m_heldCounts.find(holder);
    if (--count->second == 0)
        m_heldCounts.erase(count);
}

std::vector<LpmPendingRequest *> LpmRequestTable::releaseHeldBy(LpmWorkerHandle *holder)
{
    std::vector<LpmPendingRequest *> held;
    const auto newest = m_newestHeld.find(holder);
    if (newest == m_newestHeld.end())
        return held;
    for (LpmPendingRequest *request = newest->second; request;) {
        LpmPendingRequest *next = request->heldNext;
        request->holder = nullptr;
        request->heldPrev = request->heldNext = nullptr;
        held.push_back(request);
        request = next;
    }
    m_newestHeld.erase(newest);
    m_heldCounts.erase(holder);
    std::sort(held.begin(), held.end(), [](const LpmPendingRequest *a, const LpmPendingRequest *b) {
        return a->createdAt < b->createdAt;
    });
    return held;
}

int LpmRequestTable::heldBy(const LpmWorkerHandle *holder) const
{
    const auto count = m_heldCounts.find(holder);
    return count == m_heldCounts.end() ? 0 : count->second;
}

LpmPendingRequest *LpmRequestTable::expiredAt(qint64 now) const
{
    LpmPendingRequest *earliest = m_deadlines.earliest();
    return earliest && earliest->deadline <= now ? earliest : nullptr;
}

std::vector<QUuid> LpmRequestTable::canceledIds(int budget)
{
    std::vector<QUuid> ids;
    const qsizetype slots = m_requests.slotCount();
    if (m_requests.isEmpty() || slots == 0)
        return ids;
    // Slots are the cursor. Empty ones cost too: one for every fourth slot visited.
    int spent = 0;
    for (qsizetype visited = 0; visited < slots && spent < budget; ++visited) {
        if (m_sweepSlot >= slots)
            m_sweepSlot = 0;
        if (const LpmPendingRequest *request = m_requests.requestInSlot(m_sweepSlot)) {
            ++spent;
            if (request->isCanceledByCaller())
                ids.push_back(request->id);
        } else if (visited % 4 == 3) {
            ++spent;
        }
        ++m_sweepSlot;
    }
    return ids;
}
