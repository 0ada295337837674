#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qabstracteventdispatcher.h>
#include <QtCore/qbytearray.h>
#include <QtCore/qiodevice.h>
#include <QtCore/qlist.h>
#include <QtCore/qpointer.h>

class QSocketNotifier;

// A sequential device over raw descriptors: two pipes, one read and one written (how
// a remote worker talks to its launcher, ssh or srun, which gives it stdin and
// stdout), or one connected stream socket (a local worker's socketpair).
//
// Writes are buffered and go out when the descriptor takes them, from the event
// loop, so that everything written in one pass leaves in one system call: before the
// loop blocks (aboutToBlock()), at the start of a pass that may not block (awake()),
// or, for what the descriptor would not take, when the write notifier says it takes
// more. Flushing before blocking saves a whole pass per write, which a round trip
// pays on both sides. That relies on Qt's dispatchers, which emit those signals:
// under a GLib main loop that someone else runs (Qt's sources dispatched without
// processEvents()), bytes wait for the next processEvents().
//
// Reads land in one buffer that a reader can take whole and give back
// (takeIncoming(), reuseBuffer()): under a pipelined load QLocalSocket's ring buffer
// allocated, copied and freed a large block per read, which cost more than the
// system calls. The end of the read descriptor (or an error on either) is the end of
// the channel: readChannelFinished().
class LpmPipeDevice : public QIODevice
{
    Q_OBJECT
public:
    // Takes both descriptors over; they are made non-blocking and close-on-exec.
    LpmPipeDevice(int readDescriptor, int writeDescriptor, QObject *parent = nullptr);
    // Takes a connected stream socket over, read and written both.
    explicit LpmPipeDevice(int socketDescriptor, QObject *parent = nullptr);
    ~LpmPipeDevice() override;

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;
    qint64 bytesToWrite() const override { return m_outgoing.size() - m_outgoingSent; }
    bool waitForReadyRead(int msecs) override;
    bool waitForBytesWritten(int msecs) override;
    void close() override;
    // Writes what the descriptor takes now, without waiting.
    void flushNow();
    // The peer's end was seen (or a descriptor failed): nothing more will come or go.
    bool hasEnded() const { return m_ended; }
    // For a writer that encodes in place, without a copy into the device: the buffer
    // that goes out next (nullptr once the device can write no more), then appended()
    // once something was appended to it.
    QByteArray *outgoingBuffer();
    void appended();
    // Every byte read and not yet handed out, without a copy; empty when none.
    QByteArray takeIncoming();
    // A buffer the caller is done with, kept (if nobody else shares it) for the next
    // read, so that steady traffic allocates nothing.
    void reuseBuffer(QByteArray &&spent);

Q_SIGNALS:
    // flushNow() is about to write out what is buffered: a writer may add what belongs
    // in the same system call.
    void aboutToFlush();

protected:
    bool event(QEvent *event) override;
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    // Reads what the descriptor holds; false once it has ended.
    bool readNow();
    // Writes what the descriptor takes; false when it is broken.
    bool writeNow();
    void endChannel();
    // A write failed: what the peer wrote before it went is read, then the channel ends.
    void endAfterWriteFailure();
    // Flushes what is pending at the start of each pass of the event loop of the
    // thread the device is in.
    void flushOnEveryPass();

    int m_readFd = -1;
    int m_writeFd = -1; // equal to m_readFd for a socket
    bool m_isSocket = false;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QByteArray m_incoming;
    qsizetype m_incomingRead = 0; // bytes of m_incoming already handed out
    QByteArray m_outgoing;
    qsizetype m_outgoingSent = 0; // bytes of m_outgoing already written
    bool m_ended = false;
    bool m_endPending = false; // endAfterWriteFailure() is on its way
    QPointer<QAbstractEventDispatcher> m_hookedDispatcher; // hooked by flushOnEveryPass()
    QList<QMetaObject::Connection> m_flushHooks;
    bool m_blockedSinceAwake = false; // an aboutToBlock() came since the last awake()
    bool m_flushing = false;          // aboutToFlush() is being emitted
};
