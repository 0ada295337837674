#pragma once

#include <lpm/lpmglobal.h>

#include <QtCore/qmetatype.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qshareddata.h>

class LpmLatencyData;

// A latency distribution over a sliding window: how many were measured and where
// they stand, in microseconds. Percentiles come from a histogram whose buckets are
// 1/16 of a power of two wide, so each is within about 3 % of the exact value;
// count() and max() are exact. An implicitly shared value type.
class LPM_EXPORT LpmLatency
{
    Q_GADGET
    Q_PROPERTY(qint64 count READ count)
    Q_PROPERTY(qint64 p50 READ p50)
    Q_PROPERTY(qint64 p90 READ p90)
    Q_PROPERTY(qint64 p99 READ p99)
    Q_PROPERTY(qint64 max READ max)
    Q_PROPERTY(qint64 mean READ mean)
public:
    LpmLatency();
    LpmLatency(const LpmLatency &other);
    LpmLatency(LpmLatency &&other) noexcept;
    LpmLatency &operator=(const LpmLatency &other);
    QT_MOVE_ASSIGNMENT_OPERATOR_IMPL_VIA_PURE_SWAP(LpmLatency)
    ~LpmLatency();
    void swap(LpmLatency &other) noexcept { d.swap(other.d); }

    qint64 count() const; // measurements in the window
    qint64 p50() const;   // microseconds; 0 when count() is 0
    qint64 p90() const;
    qint64 p99() const;
    qint64 max() const;
    qint64 mean() const;

    // For the supervisor, which builds them.
    void setCount(qint64 count);
    void setPercentiles(qint64 p50, qint64 p90, qint64 p99, qint64 max);
    void setMean(qint64 mean);

private:
    QSharedDataPointer<LpmLatencyData> d;
};

Q_DECLARE_SHARED(LpmLatency)
Q_DECLARE_METATYPE(LpmLatency)
