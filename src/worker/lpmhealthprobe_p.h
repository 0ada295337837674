#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmstatmreader_p.h"

#include <QtCore/qglobal.h>

// Reads this process's memory figures cheaply enough to do after every answer: the
// resident set size from /proc/self/statm (kept open) and the heap from glibc's
// mallinfo2().
class LpmHealthProbe
{
public:
    struct Sample
    {
        qint64 rss = 0;       // resident set size
        qint64 heapTotal = 0; // bytes malloc holds from the system (arena + mmap'd blocks)
        qint64 heapUsed = 0;  // bytes in use (small and mmap'd blocks)
    };

    Sample sample() const;

private:
    LpmStatmReader m_statm;
};
