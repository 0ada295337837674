#include "lpmmetricsrecorder_p.h"

namespace {
constexpr qint64 NsPerSecond = 1000000000;
}

LpmMetricsRecorder::LpmMetricsRecorder(qint64 nowNs)
    : m_queueWait(WindowSeconds, 1), m_runTime(WindowSeconds, 1), m_seconds(WindowSeconds), m_since(nowNs)
{
}

LpmMetricsRecorder::Second &LpmMetricsRecorder::secondAt(qint64 nowNs)
{
    const qint64 epoch = nowNs / NsPerSecond;
    Second &second = m_seconds[size_t(epoch % WindowSeconds)];
    if (second.epoch != epoch)
        second = Second{ epoch, 0, 0, 0, 0 };
    return second;
}

void LpmMetricsRecorder::recordAnswer(qint64 nowNs, qint64 runNs)
{
    m_runTime.record(nowNs, runNs);
    ++secondAt(nowNs).answered;
}

void LpmMetricsRecorder::recordFailures(qint64 nowNs, int failures)
{
    if (failures > 0)
        secondAt(nowNs).failed += failures;
}

void LpmMetricsRecorder::recordWorkerTime(qint64 nowNs, qint64 busyNs, qint64 aliveNs)
{
    foldRefusals(nowNs); // every half second, so that refusals count near their time
    Second &second = secondAt(nowNs);
    second.busyNs += busyNs;
    second.aliveNs += aliveNs;
}

void LpmMetricsRecorder::foldRefusals(qint64 nowNs)
{
    if (const qint64 refused = m_refusals.exchange(0, std::memory_order_relaxed))
        secondAt(nowNs).failed += refused;
}

LpmPoolMetrics LpmMetricsRecorder::snapshot(qint64 nowNs)
{
    foldRefusals(nowNs);
    const qint64 current = nowNs / NsPerSecond;
    qint64 answered = 0, failed = 0, busy = 0, alive = 0;
    for (const Second &second : m_seconds) {
        if (second.epoch < 0 || second.epoch > current || second.epoch <= current - WindowSeconds)
            continue;
        failed += second.failed;
        busy += second.busyNs;
        alive += second.aliveNs;
        if (second.epoch > current - ThroughputSeconds)
            answered += second.answered;
    }
    // The throughput window: the last ThroughputSeconds whole seconds and the current
    // part of one, or less since the start or a reset.
    const qint64 windowStart = qMax(m_since, (current - ThroughputSeconds + 1) * NsPerSecond);
    const double seconds = double(qMax<qint64>(nowNs - windowStart, NsPerSecond / 10)) / NsPerSecond;

    LpmPoolMetrics metrics;
    metrics.setQueueWait(m_queueWait.snapshot(nowNs));
    metrics.setRunTime(m_runTime.snapshot(nowNs));
    metrics.setThroughput(double(answered) / seconds);
    metrics.setUtilization(alive > 0 ? qBound(0.0, double(busy) / double(alive), 1.0) : 0.0);
    metrics.setFailed(failed);
    return metrics;
}

void LpmMetricsRecorder::reset(qint64 nowNs)
{
    m_queueWait.clear();
    m_runTime.clear();
    for (Second &second : m_seconds)
        second = Second{};
    m_refusals.store(0, std::memory_order_relaxed);
    m_since = nowNs;
}
