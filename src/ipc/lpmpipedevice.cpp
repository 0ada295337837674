#include "lpmpipedevice_p.h"

#include <QtCore/qcoreevent.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qthread.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include <csignal>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
constexpr qsizetype ReadStep = 256 * 1024;
// Read per wake-up at most, so that one busy peer cannot hold the event loop.
constexpr qsizetype ReadPerWakeUp = 16 * ReadStep;
// A buffer grown past this by one large frame or a backlog is not kept once spent.
// Below it, a buffer is kept: faulting in fresh pages for every large payload made
// 1 MiB round trips through the socket three times slower (W8). It is what a worker's
// shared ring holds per direction.
constexpr qsizetype KeptCapacity = 32 * 1024 * 1024;

void makeNonBlocking(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

// Waits up to the deadline for events on fd; false on timeout.
bool waitFor(int fd, short events, const QDeadlineTimer &deadline)
{
    for (;;) {
        pollfd entry{ fd, events, 0 };
        const qint64 left = deadline.remainingTime();
        const int n = ::poll(&entry, 1, left < 0 ? -1 : int(qMin<qint64>(left, INT_MAX)));
        if (n < 0 && errno == EINTR)
            continue;
        return n > 0;
    }
}
} // namespace

LpmPipeDevice::LpmPipeDevice(int readDescriptor, int writeDescriptor, QObject *parent)
    : QIODevice(parent), m_readFd(readDescriptor), m_writeFd(writeDescriptor)
{
    makeNonBlocking(m_readFd);
    makeNonBlocking(m_writeFd);
    m_readNotifier = new QSocketNotifier(m_readFd, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, [this] {
        const qsizetype before = m_incoming.size() - m_incomingRead;
        const bool open = readNow();
        if (m_incoming.size() - m_incomingRead > before)
            Q_EMIT readyRead();
        if (!open)
            endChannel();
    });
    m_writeNotifier = new QSocketNotifier(m_writeFd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &LpmPipeDevice::flushNow);
    open(QIODevice::ReadWrite | QIODevice::Unbuffered);
}

LpmPipeDevice::LpmPipeDevice(int socketDescriptor, QObject *parent)
    : LpmPipeDevice(socketDescriptor, socketDescriptor, parent)
{
    m_isSocket = true;
}

LpmPipeDevice::~LpmPipeDevice()
{
    close();
}

void LpmPipeDevice::close()
{
    if (m_readNotifier)
        m_readNotifier->setEnabled(false);
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    if (m_writeFd == m_readFd) // one socket: closed once
        m_writeFd = -1;
    for (int *fd : { &m_readFd, &m_writeFd }) {
        if (*fd >= 0)
            ::close(std::exchange(*fd, -1));
    }
    m_outgoing.clear();
    m_outgoingSent = 0;
    QIODevice::close();
}

qint64 LpmPipeDevice::bytesAvailable() const
{
    return QIODevice::bytesAvailable() + (m_incoming.size() - m_incomingRead);
}

bool LpmPipeDevice::readNow()
{
    if (m_readFd < 0)
        return false;
    if (m_incomingRead == m_incoming.size()) {
        m_incoming.resize(0);
        m_incomingRead = 0;
    }
    for (qsizetype taken = 0; taken < ReadPerWakeUp;) {
        const qsizetype at = m_incoming.size();
        m_incoming.resize(at + ReadStep);
        const ssize_t n = ::read(m_readFd, m_incoming.data() + at, ReadStep);
        m_incoming.resize(at + qMax<ssize_t>(n, 0));
        if (n > 0) {
            taken += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    return true; // more may wait: the notifier says so again
}

// write() without SIGPIPE, whose default would kill a worker whose launcher went
// away before it could say goodbye: the signal is blocked in this thread for the
// call and, if the write raised it, taken back (never ignored process-wide, which
// children would inherit).
static ssize_t writeWithoutSigpipe(int fd, const char *data, size_t size)
{
    sigset_t pipe, previous;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    const bool alreadyPending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &previous);
    const ssize_t n = ::write(fd, data, size);
    const int saved = errno;
    if (n < 0 && saved == EPIPE && !alreadyPending) {
        const timespec now{ 0, 0 };
        while (sigtimedwait(&pipe, nullptr, &now) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    errno = saved;
    return n;
}

QByteArray LpmPipeDevice::takeIncoming()
{
    QByteArray taken = m_incomingRead == 0 ? std::exchange(m_incoming, QByteArray())
                                           : m_incoming.mid(m_incomingRead);
    m_incoming.resize(0);
    m_incomingRead = 0;
    return taken;
}

void LpmPipeDevice::reuseBuffer(QByteArray &&spent)
{
    if (m_incoming.isEmpty() && spent.isDetached() && spent.capacity() > m_incoming.capacity()
        && spent.capacity() <= KeptCapacity) {
        m_incoming = std::move(spent);
        m_incoming.resize(0); // keeps its capacity
        m_incomingRead = 0;
    }
}

bool LpmPipeDevice::writeNow()
{
    while (m_outgoingSent < m_outgoing.size() && m_writeFd >= 0) {
        const char *data = m_outgoing.constData() + m_outgoingSent;
        const size_t size = size_t(m_outgoing.size() - m_outgoingSent);
        // A socket is told not to raise SIGPIPE; a pipe cannot be.
        const ssize_t n = m_isSocket ? ::send(m_writeFd, data, size, MSG_NOSIGNAL)
                                     : writeWithoutSigpipe(m_writeFd, data, size);
        if (n > 0) {
            m_outgoingSent += n;
            if (m_outgoingSent == m_outgoing.size()) {
                if (m_outgoing.capacity() > KeptCapacity)
                    m_outgoing = QByteArray(); // a drained backlog gives its memory back
                else
                    m_outgoing.resize(0); // keeps its capacity
                m_outgoingSent = 0;
            }
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        const bool wouldBlock = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        if (!wouldBlock) { // the peer is gone: nothing more can be written to it
            m_outgoing.clear();
            m_outgoingSent = 0;
        }
        m_writeNotifier->setEnabled(wouldBlock);
        return wouldBlock;
    }
    m_writeNotifier->setEnabled(false);
    return m_writeFd >= 0;
}

void LpmPipeDevice::flushNow()
{
    if (m_ended || m_flushing || bytesToWrite() == 0)
        return;
    {
        // What a slot adds goes out with the rest; a slot that flushes, closes or
        // deletes the device ends this flush.
        const QPointer<LpmPipeDevice> alive(this);
        m_flushing = true;
        Q_EMIT aboutToFlush();
        if (!alive)
            return;
        m_flushing = false;
        if (m_ended || m_writeFd < 0 || bytesToWrite() == 0)
            return;
    }
    const qint64 before = bytesToWrite();
    const bool ok = writeNow();
    if (bytesToWrite() < before && ok)
        Q_EMIT bytesWritten(before - bytesToWrite());
    if (!ok)
        endAfterWriteFailure();
}

void LpmPipeDevice::endAfterWriteFailure()
{
    // A peer that exited left its last words in our receive buffer, and a write may
    // fail before they were read (writes go out before the loop polls): they are
    // read first, from the loop, and only then does the channel end.
    m_writeNotifier->setEnabled(false);
    if (m_endPending)
        return;
    m_endPending = true;
    QMetaObject::invokeMethod(this, [this] {
        const qsizetype before = m_incoming.size() - m_incomingRead;
        readNow();
        if (m_incoming.size() - m_incomingRead > before)
            Q_EMIT readyRead();
        endChannel();
    }, Qt::QueuedConnection);
}

namespace {
// How deep this thread is in the flush hooks of its dispatcher: what is sent from
// there (a bytesWritten() handler, say) comes after the hooks that would take it.
thread_local int t_flushHookDepth = 0;
} // namespace

void LpmPipeDevice::flushOnEveryPass()
{
    for (const QMetaObject::Connection &hook : m_flushHooks)
        disconnect(hook);
    m_flushHooks.clear();
    m_hookedDispatcher = QAbstractEventDispatcher::instance(thread());
    if (!m_hookedDispatcher)
        return;
    // Qt's dispatchers emit one of the two at the start of every processEvents():
    // aboutToBlock() when it may block, awake() when it may not. The UNIX dispatcher
    // also emits awake() first in a pass that then blocks, and GLib's emits it after
    // such a pass: that awake() leaves the flush to the aboutToBlock() that follows,
    // so that a pass's posted events join the same write.
    const auto onPass = [this](bool mayBlock) {
        if (QThread::currentThread() != thread()) // the old dispatcher, after a move
            return;
        const bool blockedBefore = std::exchange(m_blockedSinceAwake, mayBlock);
        if (!mayBlock && blockedBefore)
            return;
        if (bytesToWrite() > 0 && !m_writeNotifier->isEnabled()) { // else it waits for room
            ++t_flushHookDepth;
            flushNow();
            --t_flushHookDepth;
        }
    };
    m_flushHooks = {
        connect(m_hookedDispatcher, &QAbstractEventDispatcher::aboutToBlock, this,
                [onPass] { onPass(true); }, Qt::DirectConnection),
        connect(m_hookedDispatcher, &QAbstractEventDispatcher::awake, this,
                [onPass] { onPass(false); }, Qt::DirectConnection),
    };
}

bool LpmPipeDevice::event(QEvent *event)
{
    if (event->type() == QEvent::ThreadChange) {
        // Hooked to the new thread's dispatcher, and flushed there, once the device is in it.
        QMetaObject::invokeMethod(this, [this] {
            flushOnEveryPass();
            flushNow();
        }, Qt::QueuedConnection);
    }
    return QIODevice::event(event);
}

void LpmPipeDevice::endChannel()
{
    if (m_ended)
        return;
    m_ended = true;
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(false);
    m_outgoing.clear(); // nobody will read it
    m_outgoingSent = 0;
    Q_EMIT readChannelFinished();
}

qint64 LpmPipeDevice::readData(char *data, qint64 maxSize)
{
    const qint64 n = qMin<qint64>(maxSize, m_incoming.size() - m_incomingRead);
    if (n == 0)
        return m_ended ? -1 : 0;
    std::memcpy(data, m_incoming.constData() + m_incomingRead, size_t(n));
    m_incomingRead += n;
    return n;
}

QByteArray *LpmPipeDevice::outgoingBuffer()
{
    if (m_ended || m_writeFd < 0)
        return nullptr;
    if (m_outgoingSent > 0 && m_outgoingSent >= m_outgoing.size() / 2) {
        // Most of it went out: drop that part now, at most once per half.
        m_outgoing.remove(0, m_outgoingSent);
        m_outgoingSent = 0;
    }
    return &m_outgoing;
}

void LpmPipeDevice::appended()
{
    // Out when the loop starts its next pass, with whatever joins it in this one. No
    // notifier is enabled for that: under the GLib dispatcher, enabling and disabling
    // one wakes the loop each time (measured: three extra system calls per message).
    if (m_hookedDispatcher != QAbstractEventDispatcher::instance(thread()) || m_flushHooks.isEmpty())
        flushOnEveryPass();
    // Sent from within the hooks (not by an aboutToFlush() slot of ours, which is
    // written with the rest): the loop is about to block, so it must not.
    if (t_flushHookDepth > 0 && !m_flushing)
        m_writeNotifier->setEnabled(true);
}

qint64 LpmPipeDevice::writeData(const char *data, qint64 size)
{
    QByteArray *out = outgoingBuffer();
    if (!out)
        return -1;
    out->append(data, size);
    appended();
    return size;
}

bool LpmPipeDevice::waitForReadyRead(int msecs)
{
    // Like QAbstractSocket: only bytes read now count, not ones already waiting (a
    // caller that loops while this returns true must not spin on bytes it leaves).
    const QDeadlineTimer deadline(msecs);
    while (!m_ended && m_readFd >= 0) {
        const qint64 before = bytesAvailable();
        const bool open = readNow();
        if (bytesAvailable() > before) {
            Q_EMIT readyRead();
            if (!open)
                endChannel();
            return true;
        }
        if (!open) {
            endChannel();
            return false;
        }
        if (!waitFor(m_readFd, POLLIN, deadline))
            return false;
    }
    return false;
}

bool LpmPipeDevice::waitForBytesWritten(int msecs)
{
    if (bytesToWrite() == 0)
        return false;
    const QDeadlineTimer deadline(msecs);
    while (!m_ended && m_writeFd >= 0) {
        const qint64 before = bytesToWrite();
        const bool ok = writeNow();
        if (bytesToWrite() < before) {
            Q_EMIT bytesWritten(before - bytesToWrite());
            return true;
        }
        if (!ok) {
            endAfterWriteFailure();
            return false;
        }
        if (!waitFor(m_writeFd, POLLOUT, deadline))
            return false;
    }
    return false;
}
