#include "lpmstatmreader_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qfile.h>

#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace {
const qint64 PageSize = ::sysconf(_SC_PAGESIZE);
} // namespace

LpmStatmReader::LpmStatmReader(qint64 pid)
{
    const QByteArray path = pid > 0 ? "/proc/" + QByteArray::number(pid) + "/statm"
                                    : QByteArray("/proc/self/statm");
    m_fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
}

LpmStatmReader::~LpmStatmReader()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

qint64 LpmStatmReader::residentBytes() const
{
    if (m_fd < 0)
        return -1;
    char buffer[128];
    const ssize_t n = ::pread(m_fd, buffer, sizeof(buffer) - 1, 0);
    if (n <= 0)
        return -1;
    buffer[n] = '\0';
    // statm: size resident shared text lib data dt, in pages
    const char *resident = std::strchr(buffer, ' ');
    if (!resident)
        return -1;
    return std::strtoll(resident + 1, nullptr, 10) * PageSize;
}

qint64 LpmStatmReader::proportionalBytes(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/smaps_rollup").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("Pss:")) // "Pss:     1234 kB"
            return line.mid(4).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}
