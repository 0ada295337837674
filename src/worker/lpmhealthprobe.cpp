#include "lpmhealthprobe_p.h"

#include <malloc.h>

// Under AddressSanitizer or ThreadSanitizer, malloc is the sanitizer's and glibc's
// figures stay zero: ask the sanitizer's allocator instead.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define LPM_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define LPM_SANITIZER_ALLOCATOR 1
#  endif
#endif
#ifdef LPM_SANITIZER_ALLOCATOR
// From the sanitizer runtime (<sanitizer/allocator_interface.h>, which GCC does not
// install).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
extern "C" size_t __sanitizer_get_heap_size();
#endif

LpmHealthProbe::Sample LpmHealthProbe::sample() const
{
    Sample s;
    s.rss = qMax<qint64>(0, m_statm.residentBytes());
#ifdef LPM_SANITIZER_ALLOCATOR
    s.heapTotal = qint64(__sanitizer_get_heap_size());
    s.heapUsed = qint64(__sanitizer_get_current_allocated_bytes());
#else
    // Blocks above the mmap threshold are counted in hblkhd, not in uordblks/arena.
    const struct mallinfo2 info = ::mallinfo2();
    s.heapTotal = qint64(info.arena + info.hblkhd);
    s.heapUsed = qint64(info.uordblks + info.hblkhd);
#endif
    return s;
}
