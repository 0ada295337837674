#pragma once

#include <lpm/lpmglobal.h>
#include <lpm/lpmlatency.h>

#include <QtCore/qmetatype.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qshareddata.h>

class LpmPoolMetricsData;

// What a pool has been doing lately (LpmSupervisor::metrics()): how long requests
// waited for a worker and ran in one over the last 60 s, how many answers per second
// came over the last 10 s, what share of its workers' time they spent holding work,
// and how many requests failed. An implicitly shared value type.
class LPM_EXPORT LpmPoolMetrics
{
    Q_GADGET
    Q_PROPERTY(LpmLatency queueWait READ queueWait)
    Q_PROPERTY(LpmLatency runTime READ runTime)
    Q_PROPERTY(double throughput READ throughput)
    Q_PROPERTY(double utilization READ utilization)
    Q_PROPERTY(qint64 failed READ failed)
public:
    LpmPoolMetrics();
    LpmPoolMetrics(const LpmPoolMetrics &other);
    LpmPoolMetrics(LpmPoolMetrics &&other) noexcept;
    LpmPoolMetrics &operator=(const LpmPoolMetrics &other);
    QT_MOVE_ASSIGNMENT_OPERATOR_IMPL_VIA_PURE_SWAP(LpmPoolMetrics)
    ~LpmPoolMetrics();
    void swap(LpmPoolMetrics &other) noexcept { d.swap(other.d); }

    // From enqueue() until a worker was sent the request (its first time).
    LpmLatency queueWait() const;
    // From being sent to a worker until its answer arrived (answered requests).
    LpmLatency runTime() const;
    // Answers per second over the last 10 s (or since the start or resetMetrics()).
    double throughput() const;
    // 0..1: the share of the live workers' time in which they held at least one request.
    double utilization() const;
    // Requests rejected in the window, whatever the reason (QueueFull and timeouts
    // included; a caller's cancellation is not a failure).
    qint64 failed() const;

    // For the supervisor, which builds them.
    void setQueueWait(const LpmLatency &latency);
    void setRunTime(const LpmLatency &latency);
    void setThroughput(double perSecond);
    void setUtilization(double share);
    void setFailed(qint64 failed);

private:
    QSharedDataPointer<LpmPoolMetricsData> d;
};

Q_DECLARE_SHARED(LpmPoolMetrics)
Q_DECLARE_METATYPE(LpmPoolMetrics)
