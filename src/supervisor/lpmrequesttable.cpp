#include "lpmrequesttable_p.h"

LpmPendingRequest *LpmRequestTable::insert(std::unique_ptr<LpmPendingRequest> request)
{
    LpmPendingRequest *raw = request.get();
    m_requests.emplace(raw->id, std::move(request));
    return raw;
}

LpmPendingRequest *LpmRequestTable::find(const QUuid &id) const
{
    const auto it = m_requests.find(id);
    return it == m_requests.end() ? nullptr : it->second.get();
}

std::unique_ptr<LpmPendingRequest> LpmRequestTable::take(const QUuid &id)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end())
        return nullptr;
    std::unique_ptr<LpmPendingRequest> request = std::move(it->second);
    m_requests.erase(it);
    if (request->queued) {
        request->queued = false;
        --m_queuedCount; // its id stays in the queue and is skipped as stale
    }
    return request;
}

void LpmRequestTable::enqueueBack(LpmPendingRequest *request)
{
    request->queued = true;
    m_queue.push_back(request->id);
    ++m_queuedCount;
}

void LpmRequestTable::enqueueFront(LpmPendingRequest *request)
{
    request->queued = true;
    m_queue.push_front(request->id);
    ++m_queuedCount;
}

LpmPendingRequest *LpmRequestTable::frontQueued()
{
    while (!m_queue.empty()) {
        LpmPendingRequest *request = find(m_queue.front());
        if (request && request->queued)
            return request;
        m_queue.pop_front(); // stale: ended while queued
    }
    return nullptr;
}

void LpmRequestTable::popQueued()
{
    if (LpmPendingRequest *request = frontQueued()) {
        request->queued = false;
        --m_queuedCount;
        m_queue.pop_front();
    }
}

std::vector<std::unique_ptr<LpmPendingRequest>> LpmRequestTable::takeQueued()
{
    std::vector<std::unique_ptr<LpmPendingRequest>> taken;
    std::deque<QUuid> ids;
    ids.swap(m_queue);
    for (const QUuid &id : ids) {
        const LpmPendingRequest *request = find(id);
        if (request && request->queued)
            taken.push_back(take(id));
    }
    m_queuedCount = 0;
    return taken;
}

std::vector<std::unique_ptr<LpmPendingRequest>> LpmRequestTable::takeAll()
{
    std::vector<std::unique_ptr<LpmPendingRequest>> taken = takeQueued();
    for (auto &entry : m_requests)
        taken.push_back(std::move(entry.second));
    m_requests.clear();
    return taken;
}

std::vector<QUuid> LpmRequestTable::canceledIds() const
{
    std::vector<QUuid> ids;
    for (const auto &entry : m_requests) {
        if (entry.second->isCanceledByCaller())
            ids.push_back(entry.first);
    }
    return ids;
}
