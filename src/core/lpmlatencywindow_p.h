#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmlatency.h>

#include <QtCore/qglobal.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

// Latencies over a sliding window of slotCount slots, each slotSeconds wide, kept as
// log-linear histograms: 16 buckets per power of two (values below 16 µs exactly),
// so recording is a division, a count of leading zeros and two increments, whatever
// the rate, and memory is bounded by the window. A slot is cleared when the clock
// comes round to it again; a snapshot merges the slots still inside the window.
class LpmLatencyWindow
{
public:
    static constexpr int SubBuckets = 16;
    static constexpr int SubBits = 4;
    // Up to 2^40 µs (12 days); longer ones count in the last bucket, max() exact.
    static constexpr int MaxExponent = 39;
    static constexpr int BucketCount = (MaxExponent - SubBits + 2) * SubBuckets;

    LpmLatencyWindow(int slotCount, int slotSeconds);
    ~LpmLatencyWindow();
    Q_DISABLE_COPY_MOVE(LpmLatencyWindow)

    // nowNs on the monotonic clock; the latency in nanoseconds.
    void record(qint64 nowNs, qint64 latencyNs);
    LpmLatency snapshot(qint64 nowNs) const;
    void clear();

    // The bucket of a value (µs) and the value that stands for the bucket.
    static int bucketOf(quint64 micros);
    static quint64 representative(int bucket);

private:
    struct Slot
    {
        qint64 epoch = -1; // which slotSeconds-wide period it holds
        qint64 count = 0;
        qint64 min = 0;
        qint64 max = 0;
        qint64 sum = 0;
        std::unique_ptr<std::array<quint32, BucketCount>> buckets; // made when first used
    };
    Slot &slotFor(qint64 epoch);

    const int m_slotSeconds;
    std::vector<Slot> m_slots;
    // The last snapshot, while nothing was recorded since and the window has not moved.
    mutable LpmLatency m_snapshot;
    mutable qint64 m_snapshotEpoch = -1;
};
