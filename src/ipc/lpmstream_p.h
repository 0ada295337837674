#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmstream.h>

#include <QtNetwork/qlocalsocket.h>

class LpmStreamPrivate
{
    Q_DECLARE_PUBLIC(LpmStream)
public:
    // Creates a stream reading descriptor (ownership passes to it).
    static LpmStream *create(int descriptor, QObject *parent);
    // The sender's word on how the stream ended; may come before or after the bytes.
    static void setEnd(LpmStream *stream, bool ok, const QString &error);

    void onEndOfBytes();
    void settle();

    LpmStream *q_ptr = nullptr;
    QLocalSocket socket;
    bool endOfBytes = false; // the socket reached end-of-file
    bool endKnown = false;   // the sender said how the stream ended
    bool endOk = false;
    QString endError;
    bool settled = false;
};
