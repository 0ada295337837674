#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmpendingrequest_p.h"

#include <QtCore/quuid.h>

#include <memory>
#include <vector>

// The accepted requests by id, owning them: open addressing with linear probing over
// one array of (hash, request) pairs, and deletion by shifting back (no tombstones).
// A node-based map walked a bucket, then nodes, hashing each node it passed, and
// allocated a node per request: under a pipelined load it was a tenth of the
// supervisor's time. Here a lookup is one multiply and, at the load kept (at most
// 3/4), usually one cache line; the request's own id settles a match.
class LpmRequestIndex
{
public:
    LpmRequestIndex() = default;
    ~LpmRequestIndex() { clear(); }
    Q_DISABLE_COPY_MOVE(LpmRequestIndex)

    // The id must not be in the index (ids are random 122-bit UUIDs).
    LpmPendingRequest *insert(std::unique_ptr<LpmPendingRequest> request);
    LpmPendingRequest *find(const QUuid &id) const;
    std::unique_ptr<LpmPendingRequest> take(const QUuid &id);
    // Every request, in no particular order; the index is empty after.
    std::vector<std::unique_ptr<LpmPendingRequest>> takeAll();
    void clear();

    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    // For a sweep in slices: slots are the cursor (an insert or take may move a
    // request across it, so one pass may miss it; the next one sees it).
    qsizetype slotCount() const { return qsizetype(m_slots.size()); }
    LpmPendingRequest *requestInSlot(qsizetype slot) const { return m_slots[size_t(slot)].request; }

private:
    struct Slot
    {
        quint64 hash = 0;
        LpmPendingRequest *request = nullptr; // nullptr: free
    };

    static quint64 hashOf(const QUuid &id);
    size_t home(quint64 hash) const { return size_t(hash >> m_shift); }
    size_t mask() const { return m_slots.size() - 1; }
    // The slot holding id, or -1.
    qsizetype slotOf(const QUuid &id, quint64 hash) const;
    void place(quint64 hash, LpmPendingRequest *request);
    void rehash(size_t slots);

    std::vector<Slot> m_slots; // a power of two in size, or empty
    qsizetype m_size = 0;
    int m_shift = 64; // 64 - log2(slots): the hash's top bits pick the home slot
};
