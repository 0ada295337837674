#include "socketpairfloor.h"

#include <QtCore/qelapsedtimer.h>

#include <cerrno>
#include <csignal>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

bool readFully(int fd, char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::read(fd, data, size);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= size_t(n);
    }
    return true;
}

bool writeFully(int fd, const char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= size_t(n);
    }
    return true;
}

[[noreturn]] void echoChild(int fd, int messageSize)
{
    std::vector<char> buffer(static_cast<size_t>(messageSize));
    while (readFully(fd, buffer.data(), buffer.size()) && writeFully(fd, buffer.data(), buffer.size())) { }
    ::_exit(0);
}

} // namespace

namespace SocketpairFloor {

Result measure(int sequential, int pipelined, int messageSize)
{
    Result result;
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return result;
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(fds[0]);
        echoChild(fds[1], messageSize);
    }
    ::close(fds[1]);
    const int fd = fds[0];
    std::vector<char> message(static_cast<size_t>(messageSize), 'x');
    std::vector<char> reply(static_cast<size_t>(messageSize));

    for (int i = 0; i < 1000; ++i) { // warm-up, as LPM gets
        writeFully(fd, message.data(), message.size());
        readFully(fd, reply.data(), reply.size());
    }
    QElapsedTimer total;
    total.start();
    result.latenciesUs.reserve(sequential);
    for (int i = 0; i < sequential; ++i) {
        QElapsedTimer one;
        one.start();
        writeFully(fd, message.data(), message.size());
        readFully(fd, reply.data(), reply.size());
        result.latenciesUs.append(double(one.nsecsElapsed()) / 1000.0);
    }
    result.sequentialPerSecond = sequential / (double(total.nsecsElapsed()) / 1e9);

    // Pipelined: a writer thread sends everything while this thread reads the echoes.
    total.restart();
    std::thread writer([&] {
        for (int i = 0; i < pipelined; ++i)
            writeFully(fd, message.data(), message.size());
    });
    for (int i = 0; i < pipelined; ++i)
        readFully(fd, reply.data(), reply.size());
    writer.join();
    result.pipelinedPerSecond = pipelined / (double(total.nsecsElapsed()) / 1e9);

    ::close(fd);
    ::waitpid(child, nullptr, 0);
    return result;
}

double streamMiBPerSecond(qint64 bytes)
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return 0;
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(fds[0]);
        std::vector<char> sink(256 * 1024);
        while (::read(fds[1], sink.data(), sink.size()) > 0) { }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::vector<char> block(256 * 1024, 'x');
    QElapsedTimer timer;
    timer.start();
    for (qint64 sent = 0; sent < bytes; sent += qint64(block.size()))
        writeFully(fds[0], block.data(), size_t(qMin<qint64>(qint64(block.size()), bytes - sent)));
    ::close(fds[0]);
    ::waitpid(child, nullptr, 0); // the child has read everything
    return double(bytes) / (1024.0 * 1024.0) / (double(timer.nsecsElapsed()) / 1e9);
}

} // namespace SocketpairFloor
