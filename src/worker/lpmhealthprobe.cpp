#include "lpmhealthprobe_p.h"

#include <malloc.h>

LpmHealthProbe::Sample LpmHealthProbe::sample() const
{
    Sample s;
    s.rss = qMax<qint64>(0, m_statm.residentBytes());
    // Blocks above the mmap threshold are counted in hblkhd, not in uordblks/arena.
    const struct mallinfo2 info = ::mallinfo2();
    s.heapTotal = qint64(info.arena + info.hblkhd);
    s.heapUsed = qint64(info.uordblks + info.hblkhd);
    return s;
}
