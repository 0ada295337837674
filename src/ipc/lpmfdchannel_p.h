#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qbytearray.h>
#include <QtCore/qobject.h>
#include <QtCore/quuid.h>

#include <deque>

class QSocketNotifier;

// The second channel between the supervisor and a worker, for file descriptors only.
//
// Descriptors cannot travel on the control channel: it is read with plain
// read(2), and the kernel silently drops SCM_RIGHTS data then. This channel is a
// SOCK_SEQPACKET socketpair: every message arrives whole, carrying at most one
// descriptor and saying itself what it is (kind, the id it belongs to, a CBOR body),
// so nothing depends on its ordering relative to the control channel. Sends never
// block: what the peer cannot take yet waits in a queue behind a write notifier.
class LpmFdChannel : public QObject
{
    Q_OBJECT
public:
    enum class Kind : quint8 {
        Server = 1, // a listening socket shared with every worker (broadcast)
        Socket = 2, // a connection handed over with message id
        Stream = 3, // the reading end of the stream that goes with message id
    };

    struct Message
    {
        Kind kind = Kind::Server;
        QUuid id;
        QByteArray body; // CBOR, meaning per kind
    };

    // Largest body accepted; the rest of a datagram is the header.
    static constexpr qsizetype MaxBodySize = 48 * 1024;

    // Takes ownership of descriptor (made non-blocking here).
    explicit LpmFdChannel(int descriptor, QObject *parent = nullptr);
    ~LpmFdChannel() override;

    // Sends message with fd, whose ownership passes to the channel (it is closed once
    // sent, or when the channel closes). Returns false if the body is too large.
    bool send(const Message &message, int fd);
    void close();
    bool isOpen() const { return m_fd >= 0; }
    // While paused, nothing is read: descriptors wait in the kernel, counted against
    // the sender, until reading resumes.
    void setReadingPaused(bool paused);
    // Reads every message already there, now.
    void drain() { readAvailable(); }

Q_SIGNALS:
    // The receiver owns fd (close-on-exec is set).
    void received(const LpmFdChannel::Message &message, int fd);
    void protocolError(const QString &reason);

private:
    struct Outgoing
    {
        QByteArray datagram;
        int fd;
    };
    void readAvailable();
    void writeQueued();

    int m_fd = -1;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    std::deque<Outgoing> m_queue;
    bool m_paused = false;
};
