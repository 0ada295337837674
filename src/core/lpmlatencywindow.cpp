#include "lpmlatencywindow_p.h"

#include <algorithm>
#include <cmath>
#include <limits>

LpmLatencyWindow::LpmLatencyWindow(int slotCount, int slotSeconds)
    : m_slotSeconds(qMax(1, slotSeconds)), m_slots(size_t(qMax(1, slotCount)))
{
}

LpmLatencyWindow::~LpmLatencyWindow() = default;

int LpmLatencyWindow::bucketOf(quint64 micros)
{
    if (micros < SubBuckets)
        return int(micros);
    int exponent = 63 - __builtin_clzll(micros); // >= SubBits
    if (exponent > MaxExponent)
        return BucketCount - 1;
    const int sub = int((micros >> (exponent - SubBits)) & (SubBuckets - 1));
    return (exponent - SubBits + 1) * SubBuckets + sub;
}

quint64 LpmLatencyWindow::representative(int bucket)
{
    if (bucket < SubBuckets)
        return quint64(bucket);
    const int exponent = bucket / SubBuckets + SubBits - 1;
    const quint64 sub = quint64(bucket % SubBuckets);
    const quint64 width = quint64(1) << (exponent - SubBits);
    return ((SubBuckets + sub) << (exponent - SubBits)) + width / 2; // the middle
}

LpmLatencyWindow::Slot &LpmLatencyWindow::slotFor(qint64 epoch)
{
    Slot &slot = m_slots[size_t(epoch % qint64(m_slots.size()))];
    if (slot.epoch != epoch) {
        slot.epoch = epoch;
        slot.count = slot.min = slot.max = slot.sum = 0;
        if (slot.buckets)
            slot.buckets->fill(0);
    }
    if (!slot.buckets)
        slot.buckets = std::make_unique<std::array<quint32, BucketCount>>();
    return slot;
}

void LpmLatencyWindow::record(qint64 nowNs, qint64 latencyNs)
{
    const qint64 micros = qMax<qint64>(0, latencyNs / 1000);
    m_snapshotEpoch = -1;
    Slot &slot = slotFor(nowNs / (qint64(m_slotSeconds) * 1000000000));
    ++(*slot.buckets)[size_t(bucketOf(quint64(micros)))];
    slot.min = slot.count == 0 ? micros : qMin(slot.min, micros);
    slot.max = qMax(slot.max, micros);
    ++slot.count;
    slot.sum += micros;
}

LpmLatency LpmLatencyWindow::snapshot(qint64 nowNs) const
{
    const qint64 current = nowNs / (qint64(m_slotSeconds) * 1000000000);
    if (current == m_snapshotEpoch)
        return m_snapshot;
    const qint64 oldest = current - qint64(m_slots.size()) + 1;
    std::array<quint64, BucketCount> merged{};
    qint64 count = 0;
    qint64 min = std::numeric_limits<qint64>::max();
    qint64 max = 0;
    qint64 sum = 0;
    for (const Slot &slot : m_slots) {
        if (slot.epoch < oldest || slot.epoch > current || slot.count == 0)
            continue;
        count += slot.count;
        sum += slot.sum;
        min = qMin(min, slot.min);
        max = qMax(max, slot.max);
        for (int i = 0; i < BucketCount; ++i)
            merged[size_t(i)] += (*slot.buckets)[size_t(i)];
    }
    LpmLatency latency;
    latency.setCount(count);
    m_snapshotEpoch = current;
    m_snapshot = latency;
    if (count == 0)
        return latency;
    // The value below which a share p of the measurements lie (nearest rank), never
    // outside the exact extremes.
    const auto percentile = [&](double p) -> qint64 {
        const quint64 rank = quint64(std::max<double>(1.0, std::ceil(p * double(count))));
        quint64 seen = 0;
        for (int i = 0; i < BucketCount; ++i) {
            seen += merged[size_t(i)];
            if (seen >= rank)
                return qBound(min, qint64(representative(i)), max);
        }
        return max;
    };
    latency.setPercentiles(percentile(0.50), percentile(0.90), percentile(0.99), max);
    latency.setMean(sum / count);
    m_snapshot = latency;
    return latency;
}

void LpmLatencyWindow::clear()
{
    m_snapshotEpoch = -1;
    for (Slot &slot : m_slots) {
        slot.epoch = -1;
        slot.count = slot.min = slot.max = slot.sum = 0;
    }
}
