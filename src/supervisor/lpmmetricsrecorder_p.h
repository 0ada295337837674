#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmlatencywindow_p.h"

#include <lpm/lpmpoolmetrics.h>

#include <atomic>
#include <vector>

// The pool's metrics as requests pass: queue waits and run times over the last 60 s,
// answers, failures and the workers' busy time per second. Everything but refusals
// at the encode gate is recorded in the supervisor's thread; a refusal from another
// thread is counted atomically and folded into the current second when next seen.
class LpmMetricsRecorder
{
public:
    static constexpr int WindowSeconds = 60;
    static constexpr int ThroughputSeconds = 10;

    explicit LpmMetricsRecorder(qint64 nowNs);
    Q_DISABLE_COPY_MOVE(LpmMetricsRecorder)

    void recordQueueWait(qint64 nowNs, qint64 waitNs) { m_queueWait.record(nowNs, waitNs); }
    void recordAnswer(qint64 nowNs, qint64 runNs);
    void recordFailures(qint64 nowNs, int failures);
    // Any thread.
    void recordRefusal() { m_refusals.fetch_add(1, std::memory_order_relaxed); }
    // Worker time since the last sample: how much of it was spent holding work.
    void recordWorkerTime(qint64 nowNs, qint64 busyNs, qint64 aliveNs);

    LpmPoolMetrics snapshot(qint64 nowNs);
    void reset(qint64 nowNs);

private:
    struct Second
    {
        qint64 epoch = -1;
        qint64 answered = 0;
        qint64 failed = 0;
        qint64 busyNs = 0;
        qint64 aliveNs = 0;
    };
    Second &secondAt(qint64 nowNs);
    void foldRefusals(qint64 nowNs);

    LpmLatencyWindow m_queueWait;
    LpmLatencyWindow m_runTime;
    std::vector<Second> m_seconds;
    qint64 m_since; // ns: the start or the last reset
    std::atomic<qint64> m_refusals{ 0 };
};
