#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmframereader_p.h"
#include "lpmmessage_p.h"

#include <QtCore/qobject.h>
#include <QtNetwork/qlocalsocket.h>

// One end of the private control channel between the supervisor and a worker:
// a connected socketpair descriptor wrapped in a QLocalSocket.
//
// Both ends send a Hello (protocol version and pid) first and expect one first;
// after that, every complete frame is decoded and delivered in order. Anything
// malformed is a protocol error: protocolError() is emitted once and nothing more
// is delivered. Writes are only buffered: Qt sends everything written in one
// event-loop pass with one system call, which is what makes pipelining fast.
class LpmChannel : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of descriptor.
    explicit LpmChannel(qintptr descriptor, QObject *parent = nullptr);
    ~LpmChannel() override;

    bool isConnected() const;
    bool isHelloReceived() const { return m_helloReceived; }
    qint64 peerPid() const { return m_peerPid; }

    // Returns false (with error set) if the message cannot be encoded; nothing is sent then.
    bool send(const LpmIpc::Message &message, QString *error = nullptr);
    // Writes out whatever is buffered without blocking.
    void flush();
    // Writes out everything buffered, waiting up to timeoutMs; for use before exiting.
    void flushBlocking(int timeoutMs);
    void close();

    qint64 bytesToWrite() const;

Q_SIGNALS:
    void helloReceived(qint64 peerPid);
    void messageReceived(const LpmIpc::Message &message);
    void protocolError(const QString &reason);
    void disconnected();

private:
    void readFrames();
    void fail(const QString &reason);

    QLocalSocket m_socket;
    LpmFrameReader m_reader;
    QByteArray m_outgoing;
    qint64 m_peerPid = 0;
    bool m_helloReceived = false;
    bool m_failed = false;
};
