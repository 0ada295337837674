#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmattachmenttable_p.h"
#include "lpmchannel_p.h"
#include "lpmmessage_p.h"

#include <QtCore/qhash.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qset.h>

#include <memory>

class LpmFdChannel;
class LpmSharedRing;
class LpmStream;
class LpmStreamPump;
class LpmStreamRelay;
class QIODevice;

// One process's end of its connection to the other: the message channel, the
// descriptor channel and the table pairing what travels apart on them. The
// supervisor keeps one per worker and the worker has one; the two differ in policy,
// never in plumbing.
//
// What a message carries comes with it: a message announcing a stream arrives with
// an LpmStream, whose bytes flow as soon as their descriptor is in (either may come
// first); a message handing over a socket arrives only once the socket's descriptor
// is there. Descriptors nobody wants are closed at once, and at most
// LpmAttachmentTable::MaxHeld wait for their message: beyond, reading descriptors
// pauses. Likewise at most MaxHeld socket handovers wait for their descriptor: beyond,
// reading messages pauses until descriptors catch up (a burst of handovers outruns
// the descriptor channel). An end that takes no sockets at all (the supervisor's)
// refuses a handover as a protocol error. Outgoing streams are pumped with backpressure and followed by a StreamEnd
// saying how their source ended, so a reader never takes a short stream for a whole.
//
// The transport is local (a stream socketpair for frames, a SEQPACKET socketpair for
// descriptors) or a plain byte stream such as a launcher's stdin/stdout, over which
// no descriptor crosses: canPassDescriptors() tells, and nothing above this class
// needs to know how a stream's bytes travel.
class LpmEndpoint : public QObject
{
    Q_OBJECT
public:
    // What a received message carries; the receiver owns it.
    struct Attached
    {
        LpmStream *stream = nullptr; // no parent: the receiver gives it one
        int socket = -1;             // a connected socket's descriptor
    };

    // The local transport; takes ownership of both descriptors. Without a descriptor
    // channel (-1), messageDescriptor is a byte stream like any other (a remote
    // worker's launcher). token: see LpmChannel.
    LpmEndpoint(int messageDescriptor, int descriptorChannel, QObject *parent = nullptr,
                const LpmPoolToken &token = {});
    // A byte stream (taken over): messages, and streams as chunks.
    explicit LpmEndpoint(QIODevice *device, QObject *parent = nullptr, const LpmPoolToken &token = {});
    ~LpmEndpoint() override;

    // Shared memory for payloads' large byte arrays (taken over): what this end writes
    // and what the peer wrote. Without them, those arrays travel in the frames. The
    // outgoing ring is used only once enabled: when the peer has said it mapped it.
    void setRings(std::unique_ptr<LpmSharedRing> outgoing, std::unique_ptr<LpmSharedRing> incoming);
    void enableOutgoingRing() { m_outgoingRingEnabled = m_outgoingRing != nullptr; }

    bool isConnected() const;
    bool canPassDescriptors() const { return m_descriptors != nullptr; }
    // Whether the peer may hand this end sockets (default: yes).
    void setAcceptsSockets(bool accepts) { m_acceptsSockets = accepts; }
    qint64 peerPid() const;
    // Bytes buffered for the peer that it has not read yet.
    qint64 bytesToWrite() const;
    bool announcesFlushes() const { return m_channel->announcesFlushes(); }

    // Each returns false with error set when nothing was sent.
    bool send(const LpmIpc::Message &message, QString *error = nullptr);
    enum class Source {
        Borrowed, // the caller's: it keeps it
        Owned,    // deleted once its bytes are sent
    };
    // Sends message (a Request or Response, whose attachment is set here) announcing a
    // stream with source's bytes. source must stay in this thread.
    bool sendWithStream(LpmIpc::Message message, QIODevice *source, Source ownership,
                        QString *error = nullptr);
    // Sends message handing over the connected socket fd (whose ownership passes here).
    bool sendWithSocket(LpmIpc::Message message, int fd, QString *error = nullptr);
    // A listening socket (fd passes here) with its body; no message goes with it.
    bool sendServer(const QByteArray &body, int fd);
    // Stops sending the stream announced by id: its reader gets an error.
    void abortStream(const QUuid &id, const QString &why);
    int outgoingStreamCount() const;
    // The message with id is no longer wanted: if it is still waiting for its socket
    // it is dropped (returns true) and the descriptor is closed when it comes.
    bool discard(const QUuid &id);

    // Delivers, now, everything the other process sent before it went away.
    void drain();
    // Writes out what the kernel takes now, without waiting.
    void flushNow();
    // Writes out everything sent so far, outgoing streams included, waiting up to
    // timeoutMs in all; for a process about to exit.
    void flushBlocking(int timeoutMs);
    // Closes both channels; incoming streams still reading fail with why, outgoing
    // ones stop.
    void close(const QString &why);

Q_SIGNALS:
    void messageReceived(const LpmIpc::Message &message, const LpmEndpoint::Attached &attached);
    // A shared listening socket; the receiver owns fd.
    void serverReceived(const QByteArray &body, int fd);
    void outgoingStreamFinished(const QUuid &id);
    // The peer broke the protocol on either channel; nothing more is delivered.
    void protocolError(const QString &reason);
    // The peer stopped reading (LpmChannel::MaxBacklog).
    void backlogExceeded();
    void bytesWritten();
    void aboutToFlush(); // as LpmChannel::aboutToFlush(), if announcesFlushes()
    void disconnected();

private:
    // Puts message's large byte arrays into the outgoing ring where it has room.
    void placeBlobs(LpmIpc::Message &message);
    void connectChannel();
    void onMessage(const LpmIpc::Message &message);
    void onDescriptor(int kind, const QUuid &id, const QByteArray &body, int fd);
    void deliverStream(const LpmIpc::Message &message);
    // Streams over a transport without descriptors (LpmStreamRelay).
    LpmStreamRelay *relayOutgoing(const QUuid &id, int descriptor);
    int relayIncoming(const QUuid &id);
    void onRelayMessage(const LpmIpc::Message &message);
    void fail(const QString &reason);
    void updateDescriptorReading();

    LpmChannel *m_channel = nullptr;
    LpmFdChannel *m_descriptors = nullptr;
    LpmAttachmentTable m_attachments;
    // Socket handovers waiting for their descriptor, and ids whose descriptor is to be
    // closed on arrival.
    QHash<QUuid, LpmIpc::Message> m_awaitingSocket;
    QSet<QUuid> m_unwanted;
    QHash<QUuid, QPointer<LpmStreamPump>> m_outgoing;
    // Without descriptors: every outgoing stream has a relay, which outlives its pump,
    // and every incoming one too, each direction by id (a request and its answer share
    // one).
    QHash<QUuid, LpmStreamRelay *> m_sending;
    QHash<QUuid, LpmStreamRelay *> m_receiving;
    bool m_failed = false;
    bool m_acceptsSockets = true;
    std::unique_ptr<LpmSharedRing> m_outgoingRing;
    std::unique_ptr<LpmSharedRing> m_incomingRing;
    bool m_outgoingRingEnabled = false;
};
