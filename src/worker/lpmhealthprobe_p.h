#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qglobal.h>

// Reads this process's memory figures cheaply enough to do after every answer:
// /proc/self/statm stays open (one pread per sample) and glibc's mallinfo2()
// gives the heap.
class LpmHealthProbe
{
public:
    struct Sample
    {
        qint64 rss = 0;       // resident set size
        qint64 heapTotal = 0; // bytes malloc holds from the system (arena + mmap'd blocks)
        qint64 heapUsed = 0;  // bytes in use (small and mmap'd blocks)
    };

    LpmHealthProbe();
    ~LpmHealthProbe();
    Q_DISABLE_COPY_MOVE(LpmHealthProbe)

    Sample sample() const;

private:
    int m_statmFd = -1;
};
