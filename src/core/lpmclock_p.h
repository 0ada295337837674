#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qglobal.h>

#include <chrono>

namespace LpmClock {

// Nanoseconds on the monotonic clock. The supervisor and its workers run on
// one machine, so a timestamp taken in one process is comparable in the other.
inline qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

} // namespace LpmClock
