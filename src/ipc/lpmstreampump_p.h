#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qbytearray.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

class QIODevice;
class QSocketNotifier;

// Copies a readable QIODevice into a descriptor (one end of a stream's socketpair)
// with bounded memory: one chunk at a time, written straight to the non-blocking
// descriptor; when the kernel's buffer is full the pump waits until it can write
// again, so a slow reader holds the source back. Works with devices that signal new
// data (sockets, processes) and with those that have it all at hand (files, buffers).
// finished() says whether the source ended cleanly.
class LpmStreamPump : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of descriptor; source must live in this thread.
    LpmStreamPump(QIODevice *source, int descriptor, QObject *parent = nullptr);
    ~LpmStreamPump() override;

    void start();
    // Stops copying and closes the descriptor; finished() is not emitted.
    void abort();
    // Copies what is left now, waiting for the reader or the source, until deadline;
    // for a process about to exit. Returns whether the copy finished.
    bool finishBlocking(const QDeadlineTimer &deadline);
    qint64 bytesCopied() const { return m_copied; }

Q_SIGNALS:
    // ok: the whole source was handed to the kernel and the descriptor closed. Emitted
    // once; the pump may be deleted then.
    void finished(bool ok, const QString &error);

private:
    void pump();
    // Writes what is left of the chunk; false when the kernel cannot take it all yet.
    bool flushChunk();
    bool sourceHasEnded() const;
    QString sourceFailure() const;
    void finish(bool ok, const QString &error);
    void closeSink();

    QPointer<QIODevice> m_source;
    int m_sink = -1;
    QSocketNotifier *m_writable = nullptr;
    QByteArray m_chunk;
    qsizetype m_chunkSize = 0;    // bytes of m_chunk read from the source
    qsizetype m_chunkWritten = 0; // of which written
    qint64 m_copied = 0;
    QString m_initialError; // a generic device signals failure by changing its errorString()
    bool m_sourceClosedChannel = false;
    bool m_done = false;
    bool m_pumping = false;
};
