#pragma once

#include <lpm/lpmglobal.h>

#include <QtCore/qmetatype.h>
#include <QtCore/qobjectdefs.h>

// The latest memory figures of one worker process, in bytes.
// rss is the resident set size; heapTotal and heapUsed are the C heap (glibc
// malloc's arena and bytes in use, large mmap'd blocks included).
struct LpmWorkerHealth
{
    Q_GADGET
    Q_PROPERTY(qint64 pid MEMBER pid)
    Q_PROPERTY(qint64 rss MEMBER rss)
    Q_PROPERTY(qint64 heapTotal MEMBER heapTotal)
    Q_PROPERTY(qint64 heapUsed MEMBER heapUsed)
public:
    qint64 pid = 0;
    qint64 rss = 0;
    qint64 heapTotal = 0;
    qint64 heapUsed = 0;

    friend bool operator==(const LpmWorkerHealth &a, const LpmWorkerHealth &b)
    {
        return a.pid == b.pid && a.rss == b.rss && a.heapTotal == b.heapTotal
                && a.heapUsed == b.heapUsed;
    }
    friend bool operator!=(const LpmWorkerHealth &a, const LpmWorkerHealth &b) { return !(a == b); }
};

Q_DECLARE_TYPEINFO(LpmWorkerHealth, Q_PRIMITIVE_TYPE);
Q_DECLARE_METATYPE(LpmWorkerHealth)
