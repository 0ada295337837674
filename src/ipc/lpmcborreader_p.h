#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qbytearrayview.h>
#include <QtCore/qglobal.h>

// Reads the CBOR both ends write (LpmCborWriter): items of definite length, straight
// from a frame's bytes, with no allocation and no state beyond a position.
// QCborStreamReader allocated a private, a container stack and string chunks per
// frame, which made decoding a third of the supervisor's instructions per answer.
//
// Every read checks what it reads against what is left, so a truncated or lying
// item fails instead of reading past the end. Indefinite lengths (and the break
// byte) are refused: no LPM writer produces them.
class LpmCborReader
{
public:
    enum class Major : quint8 { Unsigned, Negative, Bytes, Text, Array, Map, Tag, Simple };

    // An item's head: its major type, the low five bits of its first byte (which tell
    // a float from a simple value) and its argument (an integer's value, a string's or
    // container's length, a tag's number, a simple value, a float's bits).
    struct Head
    {
        Major major = Major::Unsigned;
        quint8 info = 0;
        quint64 value = 0;
    };

    LpmCborReader(const char *data, qsizetype size) : m_at(data), m_end(data + size), m_begin(data) { }

    // The next item's head, consumed or not; false at the end or when it is malformed.
    bool peek(Head *head) const { return decodeHead(head) > 0; }
    bool read(Head *head)
    {
        const qsizetype size = decodeHead(head);
        m_at += size;
        return size > 0;
    }
    // Consumes the head of a string (byte or text) of the given type and returns its
    // bytes, in place; false when the next item is not one or is cut short.
    bool readString(Major major, QByteArrayView *bytes);

    bool atEnd() const { return m_at == m_end; }
    qsizetype remaining() const { return m_end - m_at; }
    qsizetype offset() const { return m_at - m_begin; }

private:
    // The head's size in bytes, or 0.
    qsizetype decodeHead(Head *head) const;

    const char *m_at;
    const char *m_end;
    const char *m_begin;
};
