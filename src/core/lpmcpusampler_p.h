#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qglobal.h>

// A process's CPU use from /proc/<pid>/stat (user + system time), as a percentage of
// one core between two samples: 100 is one core kept busy, 200 two. The file stays
// open, so a sample is one pread().
class LpmCpuSampler
{
public:
    explicit LpmCpuSampler(qint64 pid);
    ~LpmCpuSampler();
    Q_DISABLE_COPY_MOVE(LpmCpuSampler)

    // Takes a sample at nowNs (monotonic); the share since the previous one, or the
    // last share when the file cannot be read (the process is gone).
    double sample(qint64 nowNs);
    double percent() const { return m_percent; }

    // User + system clock ticks the process has used, or -1. For tests and the sampler.
    static qint64 ticksFromStat(const char *stat);

private:
    int m_fd = -1;
    qint64 m_lastTicks = -1;
    qint64 m_lastNs = 0;
    double m_percent = 0;
};
