#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmpendingrequest_p.h"

#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

// Every accepted request until its future ends, and the FIFO queue of those waiting
// for a worker. Lookup by id is a hash; the queue is O(1) at both ends. A queued
// request that ends early (timed out) leaves its id behind, skipped when reached.
class LpmRequestTable
{
public:
    LpmPendingRequest *insert(std::unique_ptr<LpmPendingRequest> request);
    LpmPendingRequest *find(const QUuid &id) const;
    // Removes the request from the table (and logically from the queue).
    std::unique_ptr<LpmPendingRequest> take(const QUuid &id);

    void enqueueBack(LpmPendingRequest *request);
    void enqueueFront(LpmPendingRequest *request);
    // The oldest queued request, or nullptr.
    LpmPendingRequest *frontQueued();
    void popQueued();
    // Empties the queue, handing its requests over.
    std::vector<std::unique_ptr<LpmPendingRequest>> takeQueued();
    // Empties the table.
    std::vector<std::unique_ptr<LpmPendingRequest>> takeAll();

    // Ids of the requests whose caller cancelled their future.
    std::vector<QUuid> canceledIds() const;

    int size() const { return int(m_requests.size()); }
    int queuedCount() const { return m_queuedCount; }

    struct UuidHash
    {
        size_t operator()(const QUuid &id) const noexcept { return qHash(id); }
    };

private:
    std::unordered_map<QUuid, std::unique_ptr<LpmPendingRequest>, UuidHash> m_requests;
    std::deque<QUuid> m_queue;
    int m_queuedCount = 0;
};
