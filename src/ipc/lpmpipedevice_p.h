#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qbytearray.h>
#include <QtCore/qiodevice.h>

class QSocketNotifier;

// A sequential device over two descriptors, one read and one written: how a remote
// worker talks to its launcher (ssh, srun), which gives it pipes as stdin and stdout.
// Writes are buffered and go out when the descriptor takes them, from the event loop,
// so that everything written in one pass leaves in one system call, as with
// QLocalSocket. The end of the read descriptor (or an error on either) is the end of
// the channel: readChannelFinished().
class LpmPipeDevice : public QIODevice
{
    Q_OBJECT
public:
    // Takes both descriptors over; they are made non-blocking.
    LpmPipeDevice(int readDescriptor, int writeDescriptor, QObject *parent = nullptr);
    ~LpmPipeDevice() override;

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;
    qint64 bytesToWrite() const override { return m_outgoing.size(); }
    bool waitForReadyRead(int msecs) override;
    bool waitForBytesWritten(int msecs) override;
    void close() override;
    // Writes what the descriptor takes now, without waiting.
    void flushNow();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    // Reads what the descriptor holds; false once it has ended.
    bool readNow();
    // Writes what the descriptor takes; false when it is broken.
    bool writeNow();
    void endChannel();

    int m_readFd = -1;
    int m_writeFd = -1;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QByteArray m_incoming;
    qsizetype m_incomingRead = 0; // bytes of m_incoming already handed out
    QByteArray m_outgoing;
    bool m_ended = false;
};
