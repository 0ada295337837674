#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qhashfunctions.h>
#include <QtCore/quuid.h>

#include <cstddef>

namespace LpmUuid {

// A random (version 4) UUID from a per-thread xoshiro256** generator seeded once from
// the system's entropy source: no system call per id, and safe from any thread.
QUuid createV4();

// The 16 bytes of id in network order (RFC 4122), without allocating.
void toRfc4122(const QUuid &id, char out[16]);

} // namespace LpmUuid

// Request, event and stream ids key std::unordered_map tables on both sides.
struct LpmUuidHash
{
    std::size_t operator()(const QUuid &id) const noexcept { return qHash(id); }
};
