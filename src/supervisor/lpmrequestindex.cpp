#include "lpmrequestindex_p.h"

#include <cstring>

namespace {
constexpr size_t SmallestTable = 64;
} // namespace

quint64 LpmRequestIndex::hashOf(const QUuid &id)
{
    // The supervisor's ids are random: folding their 128 bits and one multiply (whose
    // top bits pick the slot) spreads any ids, even ones a worker made up, well enough.
    const quint64 high = (quint64(id.data1) << 32) | (quint64(id.data2) << 16) | id.data3;
    quint64 low;
    std::memcpy(&low, id.data4, sizeof(low));
    return (high ^ ((low << 29) | (low >> 35))) * 0x9e3779b97f4a7c15ULL;
}

qsizetype LpmRequestIndex::slotOf(const QUuid &id, quint64 hash) const
{
    if (m_slots.empty())
        return -1;
    for (size_t i = home(hash);; i = (i + 1) & mask()) {
        const Slot &slot = m_slots[i];
        if (!slot.request)
            return -1;
        if (slot.hash == hash && slot.request->id == id)
            return qsizetype(i);
    }
}

void LpmRequestIndex::place(quint64 hash, LpmPendingRequest *request)
{
    size_t i = home(hash);
    while (m_slots[i].request)
        i = (i + 1) & mask();
    m_slots[i] = Slot{ hash, request };
}

void LpmRequestIndex::rehash(size_t slots)
{
    std::vector<Slot> old = std::exchange(m_slots, std::vector<Slot>(slots));
    m_shift = 64;
    for (size_t n = slots; n > 1; n >>= 1)
        --m_shift;
    for (const Slot &slot : old) {
        if (slot.request)
            place(slot.hash, slot.request);
    }
}

LpmPendingRequest *LpmRequestIndex::insert(std::unique_ptr<LpmPendingRequest> request)
{
    if (size_t(m_size + 1) * 4 > m_slots.size() * 3)
        rehash(m_slots.empty() ? SmallestTable : m_slots.size() * 2);
    const quint64 hash = hashOf(request->id);
    Q_ASSERT(slotOf(request->id, hash) < 0);
    LpmPendingRequest *raw = request.release();
    place(hash, raw);
    ++m_size;
    return raw;
}

LpmPendingRequest *LpmRequestIndex::find(const QUuid &id) const
{
    const qsizetype slot = slotOf(id, hashOf(id));
    return slot < 0 ? nullptr : m_slots[size_t(slot)].request;
}

std::unique_ptr<LpmPendingRequest> LpmRequestIndex::take(const QUuid &id)
{
    const qsizetype found = slotOf(id, hashOf(id));
    if (found < 0)
        return nullptr;
    std::unique_ptr<LpmPendingRequest> request(m_slots[size_t(found)].request);
    // Shift back the run behind the freed slot: each request moves into the gap
    // unless its home lies cyclically within (gap, where it is].
    size_t gap = size_t(found);
    for (size_t j = (gap + 1) & mask(); m_slots[j].request; j = (j + 1) & mask()) {
        const size_t k = home(m_slots[j].hash);
        const bool staysPut = gap <= j ? (gap < k && k <= j) : (gap < k || k <= j);
        if (staysPut)
            continue;
        m_slots[gap] = m_slots[j];
        gap = j;
    }
    m_slots[gap] = Slot{};
    --m_size;
    // A drained burst gives its memory back (halving at 1/8 full: amortised O(1)).
    if (m_slots.size() > SmallestTable && size_t(m_size) * 8 < m_slots.size())
        rehash(m_slots.size() / 2);
    return request;
}

std::vector<std::unique_ptr<LpmPendingRequest>> LpmRequestIndex::takeAll()
{
    std::vector<std::unique_ptr<LpmPendingRequest>> taken;
    taken.reserve(size_t(m_size));
    for (Slot &slot : m_slots) {
        if (slot.request)
            taken.emplace_back(std::exchange(slot.request, nullptr));
    }
    m_slots.clear();
    m_size = 0;
    m_shift = 64;
    return taken;
}

void LpmRequestIndex::clear()
{
    takeAll(); // deleted as the vector goes
}
