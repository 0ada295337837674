#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmstream.h>

#include <QtNetwork/qlocalsocket.h>

class LpmStreamPrivate
{
    Q_DECLARE_PUBLIC(LpmStream)
public:
    // Creates a stream whose bytes come once attach() gives it their descriptor: a
    // message and its descriptor travel apart, so the stream may exist first.
    static LpmStream *create(QObject *parent);
    // The descriptor the bytes come on (ownership passes to the stream).
    static void attach(LpmStream *stream, int descriptor);
    // The sender's word on how the stream ended; may come before or after the bytes.
    static void setEnd(LpmStream *stream, bool ok, const QString &error);

    void onEndOfBytes();
    void settle();

    LpmStream *q_ptr = nullptr;
    QLocalSocket socket;
    bool attached = false;
    bool endOfBytes = false; // the socket reached end-of-file
    bool endKnown = false;   // the sender said how the stream ended
    bool endOk = false;
    QString endError;
    bool settled = false;
};
