#include "lpmforktemplate_p.h"

#include "lpmforkprotocol_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qglobal.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace LpmForkTemplate {

namespace {

int threadCount()
{
    DIR *tasks = ::opendir("/proc/self/task");
    if (!tasks)
        return -1;
    int count = 0;
    while (const struct dirent *entry = ::readdir(tasks)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    ::closedir(tasks);
    return count;
}

// Every eventfd is an event loop's wake-up (Qt's and GLib's dispatchers use one).
// Shared with the template and the other children, it would let one process eat
// another's wake-ups, so each child gets fresh ones under the same numbers, signalled
// once so that a dispatcher which had a wake-up pending at the fork sees it.
void renewEventDescriptors()
{
    DIR *fds = ::opendir("/proc/self/fd");
    if (!fds)
        return;
    const int own = ::dirfd(fds);
    std::vector<int> eventFds;
    while (const struct dirent *entry = ::readdir(fds)) {
        const int fd = std::atoi(entry->d_name);
        if (entry->d_name[0] == '.' || fd == own)
            continue;
        char path[64];
        char target[64] = {};
        std::snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        const ssize_t n = ::readlink(path, target, sizeof(target) - 1);
        if (n > 0 && std::strcmp(target, "anon_inode:[eventfd]") == 0)
            eventFds.push_back(fd);
    }
    ::closedir(fds);
    for (const int fd : eventFds) {
        const int statusFlags = ::fcntl(fd, F_GETFL);
        const int fdFlags = ::fcntl(fd, F_GETFD);
        const int fresh = ::eventfd(0, EFD_CLOEXEC | ((statusFlags & O_NONBLOCK) ? EFD_NONBLOCK : 0));
        if (fresh < 0)
            continue;
        ::dup3(fresh, fd, (fdFlags & FD_CLOEXEC) ? O_CLOEXEC : 0);
        ::close(fresh);
        const quint64 one = 1;
        (void)!::write(fd, &one, sizeof(one));
    }
}

void refuse(int socket, const char *why)
{
    LpmFork::Record record;
    record.type = LpmFork::RecordType::Refused;
    std::snprintf(record.text, sizeof(record.text), "%s", why);
    LpmFork::send(socket, record, nullptr, 0, true);
    ::_exit(0);
}

void closeAll(int fds[LpmFork::ForkDescriptorCount])
{
    for (int i = 0; i < LpmFork::ForkDescriptorCount; ++i) {
        if (fds[i] >= 0)
            ::close(fds[i]);
    }
}

// The child's first steps: its stderr, a process group of its own, death with the
// template, and its slot in the environment.
ChildChannels becomeWorker(const LpmFork::Record &request, int fds[LpmFork::ForkDescriptorCount],
                           pid_t templatePid)
{
    ::dup2(fds[LpmFork::StandardError], STDERR_FILENO);
    ::close(fds[LpmFork::StandardError]);
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != templatePid) // the template died before prctl took effect
        ::_exit(127);
    renewEventDescriptors();
    qputenv("LPM_WORKER_INDEX", QByteArray::number(request.slot));
    qputenv("LPM_WORKER_COUNT", QByteArray::number(request.count));
    return { fds[LpmFork::Control], fds[LpmFork::Descriptors], fds[LpmFork::RingToWorker],
             fds[LpmFork::RingFromWorker] };
}

struct Child
{
    pid_t pid;
    int pidfd;
};

// Reports child's exit if it has ended; false while it still runs.
bool reportExit(int socket, pid_t pid)
{
    int status = 0;
    pid_t reaped;
    do {
        reaped = ::waitpid(pid, &status, WNOHANG);
    } while (reaped < 0 && errno == EINTR);
    if (reaped == 0)
        return false; // not yet: the next poll tells again
    LpmFork::Record record;
    record.type = LpmFork::RecordType::Exited;
    record.value = qint32(pid);
    // ECHILD: the program ignores SIGCHLD, so the kernel reaped it: status unknown.
    record.status = reaped == pid ? status : -1;
    LpmFork::send(socket, record, nullptr, 0, true);
    return true;
}

} // namespace

bool isRequested()
{
    static const bool requested = [] {
        const bool set = qEnvironmentVariableIsSet(LpmFork::TemplateVariable);
        qunsetenv(LpmFork::TemplateVariable);
        return set;
    }();
    return requested;
}

ChildChannels serve(int socket)
{
    const int threads = threadCount();
    if (threads != 1) {
        char why[200];
        std::snprintf(why, sizeof(why),
                      "%d threads run in the worker program at ready() (only one may, to fork "
                      "safely)", threads);
        refuse(socket, why);
    }
    const int probe = LpmFork::openPidFd(::getpid());
    if (probe < 0)
        refuse(socket, "this kernel has no pidfd_open() (Linux 5.3 or later is needed)");
    ::close(probe);
    ::fcntl(socket, F_SETFL, ::fcntl(socket, F_GETFL) & ~O_NONBLOCK);
    std::fflush(nullptr); // or every child writes out the start-up's buffered output again
    const pid_t self = ::getpid();
    LpmFork::Record ready;
    ready.type = LpmFork::RecordType::Ready;
    ready.value = qint32(self);
    if (!LpmFork::send(socket, ready, nullptr, 0, true))
        ::_exit(0);

    std::vector<Child> children;
    bool closing = false; // the supervisor is gone: wait for the children, then end
    for (;;) {
        if (closing && children.empty())
            ::_exit(0);
        std::vector<struct pollfd> polled;
        polled.push_back({ closing ? -1 : socket, POLLIN, 0 });
        for (const Child &child : children)
            polled.push_back({ child.pidfd, POLLIN, 0 });
        if (::poll(polled.data(), nfds_t(polled.size()), -1) < 0) {
            if (errno == EINTR)
                continue;
            ::_exit(1);
        }
        for (size_t i = children.size(); i-- > 0;) {
            if (!(polled[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (reportExit(socket, children[i].pid)) {
                ::close(children[i].pidfd);
                children.erase(children.begin() + qsizetype(i));
            }
        }
        if (closing || !(polled[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        LpmFork::Record request;
        int fds[LpmFork::ForkDescriptorCount];
        bool lostDescriptors = false;
        const int got = LpmFork::receive(socket, &request, fds, false, &lostDescriptors);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EPROTO)) {
            closing = true;
            continue;
        }
        if (got < 0 || request.type != LpmFork::RecordType::Fork)
            continue;
        LpmFork::Record forked;
        forked.type = LpmFork::RecordType::Forked;
        forked.slot = request.slot;
        forked.sequence = request.sequence;
        if (lostDescriptors || fds[LpmFork::Control] < 0 || fds[LpmFork::Descriptors] < 0
            || fds[LpmFork::StandardError] < 0) { // every request is answered, in order
            closeAll(fds);
            forked.value = -EPROTO;
            LpmFork::send(socket, forked, nullptr, 0, true);
            continue;
        }
        const pid_t pid = ::fork();
        const int forkError = errno;
        if (pid == 0) {
            ::close(socket);
            for (const Child &child : children)
                ::close(child.pidfd);
            return becomeWorker(request, fds, self);
        }
        closeAll(fds);
        if (pid < 0) {
            forked.value = -forkError;
            LpmFork::send(socket, forked, nullptr, 0, true);
            continue;
        }
        const int pidfd = LpmFork::openPidFd(pid);
        if (pidfd < 0) { // out of descriptors: a child nobody could watch must not run
            forked.value = -errno;
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            LpmFork::send(socket, forked, nullptr, 0, true);
            continue;
        }
        forked.value = qint32(pid);
        LpmFork::send(socket, forked, &pidfd, 1, true);
        children.push_back({ pid, pidfd });
    }
}

} // namespace LpmForkTemplate
