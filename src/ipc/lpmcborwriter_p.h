#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qbytearray.h>
#include <QtCore/qcborcommon.h>
#include <QtCore/qendian.h>
#include <QtCore/qstring.h>

#include <cstring>

// Appends CBOR (RFC 8949) items to a QByteArray. Every message and payload goes
// through here on the hot path: QCborStreamWriter needs a QIODevice, and a QBuffer
// per frame cost a tenth of a worker's time under load (measured with callgrind).
// LpmCborReader reads it back.
class LpmCborWriter
{
public:
    explicit LpmCborWriter(QByteArray &out) : m_out(out) { }

    void appendUnsigned(quint64 value) { head(0, value); }
    void appendInteger(qint64 value)
    {
        if (value >= 0)
            head(0, quint64(value));
        else
            head(1, quint64(-1 - value)); // CBOR stores -1 - n
    }
    void appendBytes(const char *data, qsizetype size)
    {
        head(2, quint64(size));
        m_out.append(data, size);
    }
    void appendBytes(const QByteArray &bytes) { appendBytes(bytes.constData(), bytes.size()); }
    void appendText(QStringView text)
    {
        // Short ASCII text (keys, most values) is its own UTF-8: narrowed on the stack,
        // with no conversion and no allocation.
        constexpr qsizetype ShortText = 64;
        if (text.size() <= ShortText) {
            char ascii[ShortText];
            qsizetype i = 0;
            for (; i < text.size() && text[i].unicode() < 0x80; ++i)
                ascii[i] = char(text[i].unicode());
            if (i == text.size()) {
                head(3, quint64(i));
                m_out.append(ascii, i);
                return;
            }
        }
        const QByteArray utf8 = text.toUtf8();
        head(3, quint64(utf8.size()));
        m_out.append(utf8);
    }
    void startArray(quint64 count) { head(4, count); }
    void startMap(quint64 count) { head(5, count); }
    void appendTag(QCborKnownTags tag) { head(6, quint64(tag)); }
    void appendTag(quint64 tag) { head(6, tag); }
    void appendBool(bool value) { m_out.append(char(value ? 0xf5 : 0xf4)); }
    void appendNull() { m_out.append(char(0xf6)); }
    void appendDouble(double value)
    {
        char bytes[9];
        bytes[0] = char(0xfb);
        quint64 bits;
        std::memcpy(&bits, &value, sizeof(bits));
        qToBigEndian(bits, bytes + 1);
        m_out.append(bytes, sizeof(bytes));
    }
    void appendFloat(float value)
    {
        char bytes[5];
        bytes[0] = char(0xfa);
        quint32 bits;
        std::memcpy(&bits, &value, sizeof(bits));
        qToBigEndian(bits, bytes + 1);
        m_out.append(bytes, sizeof(bytes));
    }

private:
    // The initial byte (major type, and the value or its size) and the value's bytes.
    void head(quint8 major, quint64 value)
    {
        char bytes[9];
        const char type = char(major << 5);
        if (value < 24) {
            m_out.append(char(type | char(value)));
            return;
        }
        qsizetype size;
        if (value <= 0xff) {
            bytes[0] = char(type | 24);
            bytes[1] = char(value);
            size = 2;
        } else if (value <= 0xffff) {
            bytes[0] = char(type | 25);
            qToBigEndian(quint16(value), bytes + 1);
            size = 3;
        } else if (value <= 0xffffffffu) {
            bytes[0] = char(type | 26);
            qToBigEndian(quint32(value), bytes + 1);
            size = 5;
        } else {
            bytes[0] = char(type | 27);
            qToBigEndian(value, bytes + 1);
            size = 9;
        }
        m_out.append(bytes, size);
    }

    QByteArray &m_out;
};
