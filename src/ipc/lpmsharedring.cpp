#include "lpmsharedring_p.h"

#include "lpmlogging_p.h"

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// The header: how far the reader has read, alone on its cache line.
constexpr qsizetype HeaderSize = 64;

std::atomic<quint64> *progressOf(char *map)
{
    static_assert(std::atomic<quint64>::is_always_lock_free, "shared between processes");
    return reinterpret_cast<std::atomic<quint64> *>(map);
}

} // namespace

LpmSharedRing::LpmSharedRing(char *map, qsizetype mapSize)
    : m_map(map), m_mapSize(mapSize), m_capacity(mapSize - HeaderSize)
{
}

LpmSharedRing::~LpmSharedRing()
{
    ::munmap(m_map, size_t(m_mapSize));
}

std::unique_ptr<LpmSharedRing> LpmSharedRing::create(qsizetype capacity, int *fd)
{
    *fd = -1;
    const qsizetype mapSize = HeaderSize + capacity;
    // Sealed at its size: a peer that could shrink it would make our next access to
    // the mapping a SIGBUS.
    const int memfd = ::memfd_create("lpm-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (memfd < 0 || ::ftruncate(memfd, off_t(mapSize)) != 0
        || ::fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        qCWarning(lcLpmIpc) << "no shared memory for large payloads:" << std::strerror(errno);
        if (memfd >= 0)
            ::close(memfd);
        return nullptr;
    }
    void *map = ::mmap(nullptr, size_t(mapSize), PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    if (map == MAP_FAILED) {
        qCWarning(lcLpmIpc) << "no shared memory for large payloads:" << std::strerror(errno);
        ::close(memfd);
        return nullptr;
    }
    new (map) std::atomic<quint64>(0);
    *fd = memfd;
    return std::unique_ptr<LpmSharedRing>(new LpmSharedRing(static_cast<char *>(map), mapSize));
}

std::unique_ptr<LpmSharedRing> LpmSharedRing::attach(int fd)
{
    // Only a ring its creator sealed at its size: nobody can pull pages from under us.
    const int seals = ::fcntl(fd, F_GET_SEALS);
    constexpr int Needed = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
    struct stat info;
    if (seals < 0 || (seals & Needed) != Needed || ::fstat(fd, &info) != 0 || info.st_size <= HeaderSize)
        return nullptr;
    void *map = ::mmap(nullptr, size_t(info.st_size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        return nullptr;
    return std::unique_ptr<LpmSharedRing>(new LpmSharedRing(static_cast<char *>(map), qsizetype(info.st_size)));
}

quint64 LpmSharedRing::readerProgress() const
{
    const quint64 claimed = progressOf(m_map)->load(std::memory_order_acquire);
    // The reader cannot have read what was never written, nor be behind the ring's
    // capacity (that space was handed out again already): whatever it claims beyond,
    // the writer stays within its own bounds.
    const quint64 oldest = m_written > quint64(m_capacity) ? m_written - quint64(m_capacity) : 0;
    return qBound(oldest, claimed, m_written);
}

std::optional<quint64> LpmSharedRing::write(const QByteArray &bytes)
{
    const quint64 size = quint64(bytes.size());
    const quint64 capacity = quint64(m_capacity);
    if (size == 0 || size > capacity)
        return std::nullopt;
    quint64 position = m_written;
    const quint64 progress = readerProgress();
    // Never split an array; and once everything was read, start again at the beginning,
    // where the pages are already faulted in (both processes' mappings), rather than
    // touch new ones: one at a time, a payload always lands in the same place.
    if (position % capacity + size > capacity || (progress == position && position % capacity != 0))
        position += capacity - position % capacity;
    // Unread bytes start at progress; none are left when it has caught up.
    const quint64 oldestUnread = progress == m_written ? position : progress;
    if (position + size - oldestUnread > capacity)
        return std::nullopt;
    std::memcpy(m_map + HeaderSize + position % capacity, bytes.constData(), size_t(size));
    m_written = position + size;
    return position;
}

bool LpmSharedRing::read(quint64 position, quint64 size, QByteArray *out)
{
    const quint64 capacity = quint64(m_capacity);
    // Within the ring, and after what was read before: the writer writes in order.
    if (size == 0 || size > capacity || position < m_read || position % capacity + size > capacity)
        return false;
    *out = QByteArray(m_map + HeaderSize + position % capacity, qsizetype(size));
    m_read = position + size;
    progressOf(m_map)->store(m_read, std::memory_order_release);
    return true;
}
