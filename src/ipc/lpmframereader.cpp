#include "lpmframereader_p.h"

#include "lpmmessage_p.h"

#include <QtCore/qendian.h>

LpmFrameReader::LpmFrameReader(qsizetype maxFrameSize) : m_maxFrameSize(maxFrameSize) { }

void LpmFrameReader::append(const QByteArray &bytes)
{
    if (m_consumed > 0) {
        m_buffer.remove(0, m_consumed);
        m_consumed = 0;
    }
    if (m_buffer.isEmpty())
        m_buffer = bytes; // shares, no copy
    else
        m_buffer.append(bytes);
}

QByteArray LpmFrameReader::append(QByteArray &&bytes)
{
    if (m_consumed == m_buffer.size()) { // read through: bytes become the buffer
        m_consumed = 0;
        return std::exchange(m_buffer, std::move(bytes));
    }
    append(std::as_const(bytes));
    return std::move(bytes);
}

LpmFrameReader::Status LpmFrameReader::next(quint8 *type, QByteArrayView *body)
{
    const qsizetype available = m_buffer.size() - m_consumed;
    if (available < LpmIpc::FrameHeaderSize)
        return Status::NeedMore;
    const char *start = m_buffer.constData() + m_consumed;
    const qsizetype length = qFromLittleEndian<quint32>(start);
    if (length < 1 || length > m_maxFrameSize) {
        m_badLength = length;
        return Status::Malformed;
    }
    if (available - LpmIpc::FrameHeaderSize < length)
        return Status::NeedMore;
    *type = quint8(start[LpmIpc::FrameHeaderSize]);
    *body = QByteArrayView(start + LpmIpc::FrameHeaderSize + 1, length - 1);
    m_consumed += LpmIpc::FrameHeaderSize + length;
    return Status::Frame;
}
