#include "lpmforkprotocol_p.h"

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace LpmFork {

bool send(int socket, const Record &record, const int *fds, int fdCount, bool wait)
{
    struct iovec io = { const_cast<Record *>(&record), sizeof(Record) };
    struct msghdr msg = {};
    msg.msg_iov = &io;
    msg.msg_iovlen = 1;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * ForkDescriptorCount)] = {};
    if (fdCount > 0) {
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * size_t(fdCount));
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * size_t(fdCount));
        std::memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * size_t(fdCount));
    }
    for (;;) {
        const ssize_t sent = ::sendmsg(socket, &msg, MSG_NOSIGNAL | (wait ? 0 : MSG_DONTWAIT));
        if (sent == ssize_t(sizeof(Record)))
            return true;
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent >= 0)
            errno = EMSGSIZE;
        return false;
    }
}

int receive(int socket, Record *record, int fds[ForkDescriptorCount], bool wait, bool *lostDescriptors)
{
    if (lostDescriptors)
        *lostDescriptors = false;
    for (int i = 0; i < ForkDescriptorCount; ++i)
        fds[i] = -1;
    struct iovec io = { record, sizeof(Record) };
    struct msghdr msg = {};
    msg.msg_iov = &io;
    msg.msg_iovlen = 1;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * (ForkDescriptorCount + 1))];
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t n;
    do {
        n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC | (wait ? 0 : MSG_DONTWAIT));
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return n == 0 ? 0 : -1;
    int received = 0;
    for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
            continue;
        const size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
            if (received < ForkDescriptorCount)
                fds[received++] = fd;
            else
                ::close(fd); // more than any record carries
        }
    }
    const bool whole = n == ssize_t(sizeof(Record)) && !(msg.msg_flags & MSG_TRUNC);
    if (!whole || (msg.msg_flags & MSG_CTRUNC)) {
        for (int i = 0; i < ForkDescriptorCount; ++i) {
            if (fds[i] >= 0)
                ::close(fds[i]);
            fds[i] = -1;
        }
        if (!whole) {
            errno = EPROTO;
            return -1;
        }
        if (lostDescriptors)
            *lostDescriptors = true;
    }
    record->text[sizeof(record->text) - 1] = '\0';
    return 1;
}

int openPidFd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return int(::syscall(SYS_pidfd_open, pid, 0));
#else
    Q_UNUSED(pid);
    errno = ENOSYS;
    return -1;
#endif
}

bool signalPidFd(int pidfd, int signal)
{
#ifdef SYS_pidfd_send_signal
    return ::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0) == 0;
#else
    Q_UNUSED(pidfd);
    Q_UNUSED(signal);
    errno = ENOSYS;
    return false;
#endif
}

} // namespace LpmFork
