#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qglobal.h>

// Reads a process's resident set size from /proc/<pid>/statm: the file stays open,
// so a sample is one pread(). The supervisor reads its workers' (a hung worker's
// memory is still known); a worker reads its own for its health reports.
class LpmStatmReader
{
public:
    // pid 0: this process.
    explicit LpmStatmReader(qint64 pid = 0);
    ~LpmStatmReader();
    Q_DISABLE_COPY_MOVE(LpmStatmReader)

    bool isOpen() const { return m_fd >= 0; }
    // Bytes resident now, or -1 when the process is gone or the file unreadable.
    qint64 residentBytes() const;

    // Bytes of a process's proportional set size (its share of shared pages) from
    // /proc/<pid>/smaps_rollup, or -1. Dearer than a statm read: the kernel walks the
    // mappings, so it is read only when a policy asks for it.
    static qint64 proportionalBytes(qint64 pid);

private:
    int m_fd = -1;
};
