#include "lpmpayloadcodec_p.h"

#include <QtCore/qdatetime.h>
#include <QtCore/qfloat16.h>
#include <QtCore/qstringconverter.h>
#include <QtCore/qurl.h>
#include <QtCore/quuid.h>

#include <algorithm>
#include <cstring>
#include <limits>

// Decoding: what a peer sent, checked at every step and within the payload budget.

namespace {

using LpmPayloadCodec::Budget;
using LpmPayloadCodec::MaxDepth;
using Major = LpmCborReader::Major;

constexpr quint64 MaxInt64 = quint64(std::numeric_limits<qint64>::max());

QVariant integerVariant(qint64 n)
{
    if (n >= std::numeric_limits<int>::min() && n <= std::numeric_limits<int>::max())
        return QVariant(int(n));
    return QVariant(qlonglong(n));
}

// CBOR's simple values and floats (major type 7), by the low bits of their head.
enum SimpleInfo : quint8 { False = 20, True = 21, Null = 22, Undefined = 23, Half = 25, Single = 26, Double = 27 };

// The string's bytes, in place, with the error a caller reports.
bool readStringOf(LpmCborReader &r, Major major, QByteArrayView *bytes, QString *error)
{
    LpmCborReader::Head head;
    const bool text = major == Major::Text;
    if (!r.peek(&head) || head.major != major) {
        *error = text ? QStringLiteral("a text string was expected") : QStringLiteral("a byte string was expected");
        return false;
    }
    if (!r.readString(major, bytes)) {
        *error = text ? QStringLiteral("a truncated text string") : QStringLiteral("a truncated byte string");
        return false;
    }
    return true;
}

} // namespace

namespace LpmPayloadCodec {

bool readText(LpmCborReader &r, QString *out, QString *error)
{
    QByteArrayView bytes;
    if (!readStringOf(r, Major::Text, &bytes, error))
        return false;
    // ASCII (keys, most values) needs no decoder and cannot be malformed.
    if (std::all_of(bytes.begin(), bytes.end(), [](char c) { return quint8(c) < 0x80; })) {
        *out = QString::fromLatin1(bytes);
        return true;
    }
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    *out = utf8(bytes);
    if (utf8.hasError()) {
        *error = QStringLiteral("a text string that is not UTF-8");
        return false;
    }
    return true;
}

bool readBytes(LpmCborReader &r, QByteArray *out, QString *error)
{
    QByteArrayView bytes;
    if (!readStringOf(r, Major::Bytes, &bytes, error))
        return false;
    *out = bytes.toByteArray();
    return true;
}

} // namespace LpmPayloadCodec

namespace {

using LpmPayloadCodec::readBytes;
using LpmPayloadCodec::readText;

bool readValue(LpmCborReader &r, QVariant *out, QString *error, int depth, Budget &budget);

bool readTagged(LpmCborReader &r, quint64 tag, QVariant *out, QString *error, const Budget &budget)
{
    switch (tag) {
    case LpmPayloadCodec::BlobTag: {
        LpmCborReader::Head index;
        if (!r.read(&index) || index.major != Major::Unsigned) {
            *error = QStringLiteral("a malformed reference to a large byte array");
            return false;
        }
        if (!budget.blobSource || index.value >= quint64(budget.blobSource->size())) {
            *error = QStringLiteral("a reference to a large byte array that did not come with it");
            return false;
        }
        *out = budget.blobSource->at(qsizetype(index.value));
        return true;
    }
    case quint64(QCborKnownTags::DateTimeString): {
        QString text;
        if (!readText(r, &text, error))
            return false;
        const QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!dt.isValid()) {
            *error = QStringLiteral("a malformed date-time");
            return false;
        }
        *out = dt;
        return true;
    }
    case quint64(QCborKnownTags::Url): {
        QString text;
        if (!readText(r, &text, error))
            return false;
        *out = QUrl(text, QUrl::StrictMode);
        return true;
    }
    case quint64(QCborKnownTags::Uuid): {
        QByteArray bytes;
        if (!readBytes(r, &bytes, error))
            return false;
        if (bytes.size() != 16) {
            *error = QStringLiteral("a UUID that is not 16 bytes");
            return false;
        }
        *out = QUuid::fromRfc4122(bytes);
        return true;
    }
    default:
        *error = QStringLiteral("an unsupported CBOR tag %1").arg(tag);
        return false;
    }
}

bool readSimple(const LpmCborReader::Head &head, QVariant *out, QString *error)
{
    switch (head.info) {
    case False:
        *out = false;
        return true;
    case True:
        *out = true;
        return true;
    case Null:
    case Undefined:
        *out = QVariant();
        return true;
    case Half: {
        const quint16 bits = quint16(head.value);
        qfloat16 half;
        std::memcpy(&half, &bits, sizeof(bits));
        *out = double(float(half));
        return true;
    }
    case Single: {
        const quint32 bits = quint32(head.value);
        float value;
        std::memcpy(&value, &bits, sizeof(bits));
        *out = value;
        return true;
    }
    case Double: {
        double value;
        std::memcpy(&value, &head.value, sizeof(value));
        *out = value;
        return true;
    }
    default:
        *error = QStringLiteral("an unsupported CBOR simple type");
        return false;
    }
}

bool readValue(LpmCborReader &r, QVariant *out, QString *error, int depth, Budget &budget)
{
    if (depth > MaxDepth) {
        *error = QStringLiteral("nesting deeper than %1 levels").arg(MaxDepth);
        return false;
    }
    if (!budget.spend(error))
        return false;
    LpmCborReader::Head head;
    if (!r.peek(&head)) {
        *error = QStringLiteral("a truncated or invalid CBOR item");
        return false;
    }
    if (head.major == Major::Bytes) {
        QByteArray bytes;
        if (!readBytes(r, &bytes, error))
            return false;
        *out = bytes;
        return true;
    }
    if (head.major == Major::Text) {
        QString text;
        if (!readText(r, &text, error))
            return false;
        *out = text;
        return true;
    }
    r.read(&head);
    switch (head.major) {
    case Major::Unsigned:
        *out = head.value <= MaxInt64 ? integerVariant(qint64(head.value)) : QVariant(qulonglong(head.value));
        return true;
    case Major::Negative:
        // -1 - n: below the smallest qint64 for n beyond its largest value.
        if (head.value > MaxInt64) {
            *error = QStringLiteral("a negative integer below the 64-bit range");
            return false;
        }
        *out = integerVariant(-1 - qint64(head.value));
        return true;
    case Major::Array: {
        // Every item takes a byte at least: a length beyond what is left is a lie.
        if (head.value > quint64(r.remaining())) {
            *error = QStringLiteral("an array longer than its frame");
            return false;
        }
        QVariantList list;
        list.reserve(qsizetype(qMin<quint64>(head.value, 1024)));
        for (quint64 i = 0; i < head.value; ++i) {
            QVariant item;
            if (!readValue(r, &item, error, depth + 1, budget))
                return false;
            list.append(std::move(item));
        }
        *out = list;
        return true;
    }
    case Major::Map: {
        if (head.value > quint64(r.remaining()) / 2) {
            *error = QStringLiteral("a map longer than its frame");
            return false;
        }
        QVariantMap map;
        for (quint64 i = 0; i < head.value; ++i) {
            QString key;
            if (!budget.spend(error))
                return false;
            if (!readText(r, &key, error)) {
                *error = QStringLiteral("a map key that is not a text string");
                return false;
            }
            QVariant item;
            if (!readValue(r, &item, error, depth + 1, budget))
                return false;
            map.insert(key, std::move(item));
        }
        *out = map;
        return true;
    }
    case Major::Tag:
        return readTagged(r, head.value, out, error, budget);
    case Major::Simple:
        return readSimple(head, out, error);
    case Major::Bytes:
    case Major::Text:
        break; // read above
    }
    *error = QStringLiteral("a truncated or invalid CBOR item");
    return false;
}

} // namespace

namespace LpmPayloadCodec {

bool read(LpmCborReader &reader, QVariant *value, QString *error, const Blobs *blobs)
{
    Budget budget;
    budget.blobSource = blobs;
    return readValue(reader, value, error, 0, budget);
}

bool decode(const QByteArray &cbor, QVariant *value, QString *error)
{
    LpmCborReader reader(cbor.constData(), cbor.size());
    if (!read(reader, value, error))
        return false;
    if (!reader.atEnd()) {
        *error = QStringLiteral("trailing or malformed bytes after the payload");
        return false;
    }
    return true;
}

} // namespace LpmPayloadCodec
