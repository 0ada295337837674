#include "lpmcpusampler_p.h"

#include <QtCore/qbytearray.h>

#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace {
const qint64 TicksPerSecond = ::sysconf(_SC_CLK_TCK);
} // namespace

LpmCpuSampler::LpmCpuSampler(qint64 pid)
{
    const QByteArray path = "/proc/" + QByteArray::number(pid) + "/stat";
    m_fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
}

LpmCpuSampler::~LpmCpuSampler()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

qint64 LpmCpuSampler::ticksFromStat(const char *stat)
{
    // "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so fields are
    // counted from the last ')'. utime and stime are fields 14 and 15.
    const char *field = std::strrchr(stat, ')');
    if (!field)
        return -1;
    ++field;
    for (int before = 3; before < 14; ++before) { // the space before field `before` to the next
        field = std::strchr(field + 1, ' ');
        if (!field)
            return -1;
    }
    char *end = nullptr;
    const qint64 user = std::strtoll(field + 1, &end, 10);
    if (end == field + 1 || *end != ' ')
        return -1;
    const char *systemField = end;
    const qint64 system = std::strtoll(systemField + 1, &end, 10);
    if (end == systemField + 1)
        return -1;
    return user + system;
}

double LpmCpuSampler::sample(qint64 nowNs)
{
    if (m_fd < 0)
        return m_percent;
    char buffer[1024];
    const ssize_t n = ::pread(m_fd, buffer, sizeof(buffer) - 1, 0);
    if (n <= 0)
        return m_percent;
    buffer[n] = '\0';
    const qint64 ticks = ticksFromStat(buffer);
    if (ticks < 0)
        return m_percent;
    if (m_lastTicks >= 0 && nowNs > m_lastNs) {
        const double cpuSeconds = double(ticks - m_lastTicks) / double(TicksPerSecond);
        m_percent = 100.0 * cpuSeconds / (double(nowNs - m_lastNs) / 1e9);
    }
    m_lastTicks = ticks;
    m_lastNs = nowNs;
    return m_percent;
}
