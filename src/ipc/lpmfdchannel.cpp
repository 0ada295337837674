#include "lpmfdchannel_p.h"

#include "lpmlogging_p.h"
#include "lpmuuid_p.h"

#include <QtCore/qsocketnotifier.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A datagram: kind (1 byte), id (16 bytes), body.
constexpr qsizetype HeaderSize = 1 + 16;

} // namespace

LpmFdChannel::LpmFdChannel(int descriptor, QObject *parent) : QObject(parent), m_fd(descriptor)
{
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &LpmFdChannel::readAvailable);
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &LpmFdChannel::writeQueued);
}

LpmFdChannel::~LpmFdChannel()
{
    close();
}

bool LpmFdChannel::send(const Message &message, int fd)
{
    if (message.body.size() > MaxBodySize || m_fd < 0) {
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    QByteArray datagram(HeaderSize, Qt::Uninitialized);
    datagram[0] = char(message.kind);
    LpmUuid::toRfc4122(message.id, datagram.data() + 1);
    datagram.append(message.body);
    m_queue.push_back({ datagram, fd });
    writeQueued();
    return true;
}

void LpmFdChannel::close()
{
    if (m_fd < 0)
        return;
    delete m_readNotifier;
    m_readNotifier = nullptr;
    delete m_writeNotifier;
    m_writeNotifier = nullptr;
    ::close(m_fd);
    m_fd = -1;
    for (const Outgoing &outgoing : m_queue) {
        if (outgoing.fd >= 0)
            ::close(outgoing.fd);
    }
    m_queue.clear();
}

void LpmFdChannel::setReadingPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (m_readNotifier)
        m_readNotifier->setEnabled(!paused);
    if (!paused) // what came meanwhile raised no new notification
        QMetaObject::invokeMethod(this, &LpmFdChannel::readAvailable, Qt::QueuedConnection);
}

void LpmFdChannel::writeQueued()
{
    while (!m_queue.empty() && m_fd >= 0) {
        Outgoing &outgoing = m_queue.front();
        struct iovec iov;
        iov.iov_base = outgoing.datagram.data();
        iov.iov_len = size_t(outgoing.datagram.size());
        struct msghdr msg;
        std::memset(&msg, 0, sizeof(msg));
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        if (outgoing.fd >= 0) {
            std::memset(control, 0, sizeof(control));
            msg.msg_control = control;
            msg.msg_controllen = sizeof(control);
            struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = SOL_SOCKET;
            cmsg->cmsg_type = SCM_RIGHTS;
            cmsg->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(cmsg), &outgoing.fd, sizeof(int));
        }
        const ssize_t sent = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                m_writeNotifier->setEnabled(true); // resume when the peer reads
                return;
            }
            const int error = errno;
            close();
            if (error == EPIPE || error == ECONNRESET) {
                qCDebug(lcLpmIpc) << "descriptor channel closed:" << std::strerror(error);
                return; // the peer went away: its exit tells the rest
            }
            // Anything else (too many descriptors in flight, no memory) would leave what
            // was announced on the message channel waiting forever: say so.
            // Later: the sender is in the middle of sending.
            const QString reason = QStringLiteral("cannot pass a descriptor: %1")
                                           .arg(QString::fromLocal8Bit(std::strerror(error)));
            QMetaObject::invokeMethod(this, [this, reason] { Q_EMIT protocolError(reason); },
                                      Qt::QueuedConnection);
            return;
        }
        if (outgoing.fd >= 0)
            ::close(outgoing.fd); // the peer has its own copy now
        m_queue.pop_front();
    }
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
}

void LpmFdChannel::readAvailable()
{
    while (m_fd >= 0 && !m_paused) {
        char buffer[HeaderSize + MaxBodySize];
        struct iovec iov;
        iov.iov_base = buffer;
        iov.iov_len = sizeof(buffer);
        alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
        struct msghdr msg;
        std::memset(&msg, 0, sizeof(msg));
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        const ssize_t n = ::recvmsg(m_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                close();
            return;
        }
        if (n == 0) { // the peer closed its end
            close();
            return;
        }
        // Collect every descriptor that came, so none leaks whatever happens next.
        QList<int> fds;
        for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
            if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
                continue;
            const size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int fd;
                std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
                fds.append(fd);
            }
        }
        const quint8 kind = quint8(buffer[0]);
        const bool wellFormed = n >= HeaderSize && !(msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
                && fds.size() <= 1 && kind >= quint8(Kind::Server)
                && kind <= quint8(Kind::Stream);
        if (!wellFormed) {
            for (int fd : std::as_const(fds))
                ::close(fd);
            qCWarning(lcLpmIpc) << "malformed message on the descriptor channel";
            close(); // nothing more is read from a peer that broke the protocol
            Q_EMIT protocolError(QStringLiteral("a malformed message on the descriptor channel"));
            return;
        }
        Message message;
        message.kind = Kind(kind);
        message.id = QUuid::fromRfc4122(QByteArrayView(buffer + 1, 16));
        message.body = QByteArray(buffer + HeaderSize, n - HeaderSize);
        Q_EMIT received(message, fds.isEmpty() ? -1 : fds.first());
    }
}
