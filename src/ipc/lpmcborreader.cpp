#include "lpmcborreader_p.h"

#include <QtCore/qendian.h>

qsizetype LpmCborReader::decodeHead(Head *head) const
{
    if (m_at >= m_end)
        return 0;
    const quint8 first = quint8(*m_at);
    head->major = Major(first >> 5);
    head->info = first & 0x1f;
    const qsizetype left = m_end - m_at - 1;
    switch (head->info) {
    case 24:
        if (left < 1)
            return 0;
        head->value = quint8(m_at[1]);
        return 2;
    case 25:
        if (left < 2)
            return 0;
        head->value = qFromBigEndian<quint16>(m_at + 1);
        return 3;
    case 26:
        if (left < 4)
            return 0;
        head->value = qFromBigEndian<quint32>(m_at + 1);
        return 5;
    case 27:
        if (left < 8)
            return 0;
        head->value = qFromBigEndian<quint64>(m_at + 1);
        return 9;
    case 28:
    case 29:
    case 30: // reserved
    case 31: // indefinite length, or break
        return 0;
    default:
        head->value = head->info;
        return 1;
    }
}

bool LpmCborReader::readString(Major major, QByteArrayView *bytes)
{
    Head head;
    const qsizetype size = decodeHead(&head);
    if (size == 0 || head.major != major || head.value > quint64(m_end - m_at - size))
        return false;
    *bytes = QByteArrayView(m_at + size, qsizetype(head.value));
    m_at += size + qsizetype(head.value);
    return true;
}
