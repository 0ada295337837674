#include "lpmuuid_p.h"

#include <QtCore/qendian.h>
#include <QtCore/qrandom.h>

#include <cstring>

namespace {

class Xoshiro256
{
public:
    Xoshiro256()
    {
        // All-zero state is the one state the generator cannot leave.
        do {
            QRandomGenerator::system()->fillRange(m_state, 4);
        } while ((m_state[0] | m_state[1] | m_state[2] | m_state[3]) == 0);
    }

    quint64 next()
    {
        const quint64 result = rotl(m_state[1] * 5, 7) * 9;
        const quint64 t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }
    quint64 m_state[4];
};

} // namespace

namespace LpmUuid {

QUuid createV4()
{
    thread_local Xoshiro256 generator;
    const quint64 words[2] = { generator.next(), generator.next() };
    uchar bytes[16];
    std::memcpy(bytes, words, sizeof(bytes));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    return QUuid::fromRfc4122(QByteArrayView(bytes, sizeof(bytes)));
}

void toRfc4122(const QUuid &id, char out[16])
{
    qToBigEndian(quint32(id.data1), out);
    qToBigEndian(quint16(id.data2), out + 4);
    qToBigEndian(quint16(id.data3), out + 6);
    std::memcpy(out + 8, id.data4, 8);
}

} // namespace LpmUuid
