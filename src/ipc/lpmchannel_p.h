#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmframereader_p.h"
#include "lpmmessage_p.h"

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

class LpmPipeDevice;
class LpmSharedRing;
class QIODevice;

// The framed message channel between a supervisor and a worker, over any open
// byte device: an LpmPipeDevice on a socketpair for local workers, or on a launcher's
// stdin/stdout for others. It knows nothing of descriptors.
//
// Both ends send a Hello (protocol version and pid) first and expect one first;
// after that, every complete frame is decoded and delivered in order. A worker's
// Hello proves the pool's token and the supervisor's checks it: over a launcher's
// stdio, whatever answers is not necessarily a worker of this pool (and a program
// that echoes, like cat, would otherwise greet with the supervisor's own Hello). Anything
// malformed is a protocol error: protocolError() is emitted once and nothing more
// is delivered. Writes are only buffered: the device sends everything written in
// one event-loop pass with one system call, which is what makes pipelining fast.
// The pool's token and what one end of a channel does with it.
struct LpmPoolToken
{
    enum class Role {
        Prove, // sends it in its Hello (a worker)
        Check, // requires it in the peer's Hello (the supervisor)
    };
    QByteArray value; // empty: none sent, none required
    Role role = Role::Prove;
};

class LpmChannel : public QObject
{
    Q_OBJECT
public:
    // Bytes written but not yet taken by the peer past which the peer counts as no
    // longer reading (backlogExceeded()): two frames of the largest size.
    static constexpr qint64 MaxBacklog = 2 * LpmIpc::MaxFrameSize;

    // Takes ownership of device, which must be open for reading and writing.
    explicit LpmChannel(QIODevice *device, QObject *parent = nullptr, const LpmPoolToken &token = {});
    // A channel over a connected stream socket descriptor (taken over, even on failure).
    static LpmChannel *overSocket(int descriptor, QObject *parent = nullptr, const LpmPoolToken &token = {});
    ~LpmChannel() override;

    bool isConnected() const;
    bool isHelloReceived() const { return m_helloReceived; }
    qint64 peerPid() const { return m_peerPid; }

    // Returns false (with error set) if the message cannot be encoded; nothing is sent then.
    bool send(const LpmIpc::Message &message, QString *error = nullptr);
    // Writes out whatever the kernel takes now, without waiting: for a caller that will
    // not return to the event loop for a while.
    void flushNow();
    // Writes out everything buffered, waiting up to timeoutMs; for use before exiting.
    void flushBlocking(int timeoutMs);
    // Reads and delivers, now, everything the peer wrote before it went away: its last
    // words are in the kernel's buffer even when the process is already gone.
    void drain();
    void close();
    // While paused, nothing is read or delivered: what the peer sends waits (the
    // receiver needs something else first). Resuming delivers what waited.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    qint64 bytesToWrite() const;
    // Whether aboutToFlush() is ever emitted.
    bool announcesFlushes() const { return !m_pipe.isNull(); }
    // Where the peer's large byte arrays are read from (the caller keeps it alive).
    void setIncomingRing(LpmSharedRing *ring) { m_incomingRing = ring; }

Q_SIGNALS:
    void helloReceived(qint64 peerPid);
    void messageReceived(const LpmIpc::Message &message);
    void protocolError(const QString &reason);
    // More than MaxBacklog bytes wait for the peer: it stopped reading. Emitted once.
    void backlogExceeded();
    // Bytes went out to the peer (bytesToWrite() is lower now).
    void bytesWritten();
    // What was sent is about to be written out (only over an LpmPipeDevice, see
    // announcesFlushes(), and from its flushNow()): what is sent now leaves in the
    // same system call.
    void aboutToFlush();
    void disconnected();

private:
    void readFrames();
    // Checks the peer's first message; false (after fail()) when it is no greeting.
    bool acceptHello(const LpmIpc::Message &message);
    void failGreeting(const QString &what);
    void fail(const QString &reason);

    QPointer<QIODevice> m_device;
    QPointer<LpmPipeDevice> m_pipe; // m_device, when frames can be encoded straight into it
    LpmFrameReader m_reader;
    QByteArray m_outgoing;
    qint64 m_peerPid = 0;
    LpmPoolToken m_token;
    QByteArray m_firstBytes; // the start of what the peer sent, to explain a bad greeting
    bool m_helloReceived = false;
    bool m_failed = false;
    bool m_closed = false;
    bool m_backlogReported = false;
    bool m_paused = false;
    LpmSharedRing *m_incomingRing = nullptr;
};
