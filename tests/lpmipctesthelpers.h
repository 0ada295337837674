#pragma once

// Shared by the tests of the ipc layer: socketpairs and descriptor counts, no
// processes.

#include <lpm/lpmstream.h>

#include <QtCore/qdir.h>
#include <QtTest/qtest.h>

#include <sys/socket.h>
#include <unistd.h>

namespace LpmIpcTest {

struct Pair
{
    int a = -1;
    int b = -1;
};

inline Pair socketPair(int type)
{
    int fds[2] = { -1, -1 };
    if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) != 0)
        qFatal("socketpair failed");
    return { fds[0], fds[1] };
}

// Descriptors this process has open now.
inline int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

// Whether the peer of the socket fd has closed its end (nothing more will come).
inline bool peerClosed(int fd)
{
    char byte;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
    return n == 0;
}

// Every byte of stream, read as it comes until it has ended (or failed).
inline QByteArray readAllOf(LpmStream *stream, int timeoutMs = 20000)
{
    QByteArray all;
    (void)QTest::qWaitFor([&] {
        all += stream->readAll();
        return stream->isFinished() || stream->hasError();
    }, timeoutMs);
    return all + stream->readAll();
}

} // namespace LpmIpcTest
