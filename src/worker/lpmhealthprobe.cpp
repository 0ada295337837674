#include "lpmhealthprobe_p.h"

#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

LpmHealthProbe::LpmHealthProbe()
    : m_statmFd(::open("/proc/self/statm", O_RDONLY | O_CLOEXEC))
{
}

LpmHealthProbe::~LpmHealthProbe()
{
    if (m_statmFd >= 0)
        ::close(m_statmFd);
}

LpmHealthProbe::Sample LpmHealthProbe::sample() const
{
    Sample s;
    if (m_statmFd >= 0) {
        char buffer[128];
        const ssize_t n = ::pread(m_statmFd, buffer, sizeof(buffer) - 1, 0);
        if (n > 0) {
            buffer[n] = '\0';
            if (const char *resident = std::strchr(buffer, ' '))
                s.rss = std::strtoll(resident + 1, nullptr, 10) * ::sysconf(_SC_PAGESIZE);
        }
    }
    // Blocks above the mmap threshold are counted in hblkhd, not in uordblks/arena.
    const struct mallinfo2 info = ::mallinfo2();
    s.heapTotal = qint64(info.arena + info.hblkhd);
    s.heapUsed = qint64(info.uordblks + info.hblkhd);
    return s;
}
