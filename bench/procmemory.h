#pragma once

#include <QtCore/qbytearray.h>
#include <QtCore/qfile.h>
#include <QtCore/qstring.h>

// Memory figures of any process, read from /proc (Linux), in MiB; 0 when unknown.
// RSS counts every resident page; PSS splits shared pages (the Qt libraries, mostly)
// among the processes that map them, so it is the fairer "cost of one more worker".
namespace ProcMemory {

// The value of a "Key:   1234 kB" line in a /proc file, in MiB.
inline double fieldMiB(const QString &path, const QByteArray &key)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return 0;
}

inline double rssMiB(qint64 pid)
{
    return fieldMiB(QStringLiteral("/proc/%1/status").arg(pid), "VmRSS:");
}

inline double peakRssMiB(qint64 pid)
{
    return fieldMiB(QStringLiteral("/proc/%1/status").arg(pid), "VmHWM:");
}

inline double pssMiB(qint64 pid)
{
    return fieldMiB(QStringLiteral("/proc/%1/smaps_rollup").arg(pid), "Pss:");
}

} // namespace ProcMemory
