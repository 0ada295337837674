#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>

// Splits a byte stream into frames (a 32-bit little-endian length, then a type
// byte and a body). Every complete frame in the buffer is returned before more
// input is needed; the consumed prefix is dropped once per append, not per frame.
class LpmFrameReader
{
public:
    enum class Status {
        Frame,     // type and body are set; body stays valid until the next append()
        NeedMore,  // the buffer holds no complete frame
        Malformed, // a frame is empty or longer than the limit: the stream is unusable
    };

    explicit LpmFrameReader(qsizetype maxFrameSize);

    void append(const QByteArray &bytes);
    // The same, taking bytes over: returns whichever buffer is no longer needed (the
    // one read through, or bytes once copied), for the caller to read into next.
    QByteArray append(QByteArray &&bytes);
    Status next(quint8 *type, QByteArrayView *body);

    // The length the last Malformed frame announced.
    qsizetype badLength() const { return m_badLength; }
    qsizetype bufferedBytes() const { return m_buffer.size() - m_consumed; }

private:
    QByteArray m_buffer;
    qsizetype m_consumed = 0;
    qsizetype m_maxFrameSize;
    qsizetype m_badLength = 0;
};
