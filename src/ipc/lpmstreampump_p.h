#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtNetwork/qlocalsocket.h>

class QIODevice;

// Copies a readable QIODevice into a descriptor (one end of a stream's socketpair)
// with bounded memory: it reads from the source only while less than a megabyte waits
// to be written, and resumes as the reader drains it. Works with devices that signal
// new data (sockets, processes) and with those that have it all at hand (files,
// buffers). finished() says whether the source ended cleanly.
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
    qint64 bytesCopied() const { return m_copied; }

Q_SIGNALS:
    // ok: the whole source was handed to the kernel and the descriptor closed. Emitted
    // once; the pump may be deleted then.
    void finished(bool ok, const QString &error);

private:
    void pump();
    bool sourceHasEnded() const;
    QString sourceFailure() const;
    void finish(bool ok, const QString &error);

    QPointer<QIODevice> m_source;
    QLocalSocket m_sink;
    QByteArray m_chunk;
    qint64 m_copied = 0;
    QString m_initialError; // a generic device signals failure by changing its errorString()
    bool m_sourceClosedChannel = false;
    bool m_done = false;
    bool m_pumping = false;
};
