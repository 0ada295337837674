#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qglobal.h>

#include <sys/types.h>

// The records a fork server's template and its supervisor exchange on the template's
// SEQPACKET descriptor channel, once the template has reached ready(). Fixed-size
// records of plain integers: both ends are built from the same sources, and the
// template side must not allocate between fork and the child's own start.
namespace LpmFork {

// Named in the template's environment: run up to ready(), then serve forks.
inline constexpr char TemplateVariable[] = "LPM_FORK_TEMPLATE";

enum class RecordType : qint32 {
    Ready = 1,   // template: forks may come (value: the template's pid)
    Refused = 2, // template: cannot fork safely (text: why); it exits
    Fork = 3,    // supervisor: fork a worker for slot of count, with 3 descriptors
    Forked = 4,  // template: value = the child's pid, or -errno; a pidfd goes with it
    Exited = 5,  // template: value = the child's pid, status = its wait status
};

struct Record
{
    RecordType type = RecordType::Ready;
    qint32 value = 0;
    qint32 slot = -1;
    qint32 count = 0;
    qint32 status = 0;
    quint32 sequence = 0; // Fork, and the Forked that answers it
    char text[232] = {};
};
static_assert(sizeof(Record) == 256);

// The descriptors that go with a Fork record, in this order; the shared rings only
// where the pool uses shared memory.
enum ForkDescriptor {
    Control = 0,
    Descriptors = 1,
    StandardError = 2,
    RingToWorker = 3,
    RingFromWorker = 4,
    ForkDescriptorCount = 5
};

// Sends record with up to ForkDescriptorCount descriptors (copies travel; the caller keeps its own),
// waiting for room if wait. Returns false with errno set (EAGAIN: no room now).
bool send(int socket, const Record &record, const int *fds, int fdCount, bool wait);
// Receives one record and its descriptors (close-on-exec, -1 where none came).
// Returns 1 for a record, 0 at end of file, -1 with errno set (EAGAIN: nothing there;
// EPROTO: not a record). A record whose descriptors the kernel could not pass (this
// process is at its descriptor limit) comes with none and *lostDescriptors set.
int receive(int socket, Record *record, int fds[ForkDescriptorCount], bool wait,
            bool *lostDescriptors = nullptr);

// pidfd_open(2); -1 where the kernel lacks it.
int openPidFd(pid_t pid);
// pidfd_send_signal(2); false where it failed.
bool signalPidFd(int pidfd, int signal);

} // namespace LpmFork
