#include "lpmpayloadcodec_p.h"

#include <QtCore/qdatetime.h>
#include <QtCore/qstringconverter.h>
#include <QtCore/qurl.h>
#include <QtCore/quuid.h>

#include <limits>

// Decoding: what a peer sent, checked at every step and within the payload budget.

namespace {

using LpmPayloadCodec::Budget;
using LpmPayloadCodec::MaxDepth;

QVariant integerVariant(qint64 n)
{
    if (n >= std::numeric_limits<int>::min() && n <= std::numeric_limits<int>::max())
        return QVariant(int(n));
    return QVariant(qlonglong(n));
}


} // namespace

namespace LpmPayloadCodec {

bool readText(QCborStreamReader &r, QString *out, QString *error)
{
    out->clear();
    if (!r.isString()) {
        *error = QStringLiteral("a text string was expected");
        return false;
    }
    // Most strings are short keys and values: one chunk into a stack buffer and one
    // conversion, instead of the general path's per-chunk strings (a tenth of a
    // worker's time under load, measured with callgrind).
    constexpr qsizetype ShortString = 256;
    if (r.isLengthKnown() && r.length() <= quint64(ShortString)) {
        char buffer[ShortString];
        auto chunk = r.readStringChunk(buffer, sizeof(buffer));
        qsizetype size = 0;
        if (chunk.status == QCborStreamReader::Ok) {
            size = chunk.data;
            chunk = r.readStringChunk(nullptr, 0);
        }
        if (chunk.status != QCborStreamReader::EndOfString) {
            *error = QStringLiteral("a malformed text string");
            return false;
        }
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        *out = utf8(QByteArrayView(buffer, size));
        if (utf8.hasError()) {
            *error = QStringLiteral("a text string that is not UTF-8");
            return false;
        }
        return true;
    }
    auto chunk = r.readString();
    while (chunk.status == QCborStreamReader::Ok) {
        *out += chunk.data;
        chunk = r.readString();
    }
    if (chunk.status == QCborStreamReader::Error) {
        *error = QStringLiteral("a malformed text string");
        return false;
    }
    return true;
}

bool readBytes(QCborStreamReader &r, QByteArray *out, QString *error)
{
    out->clear();
    if (!r.isByteArray()) {
        *error = QStringLiteral("a byte string was expected");
        return false;
    }
    auto chunk = r.readByteArray();
    while (chunk.status == QCborStreamReader::Ok) {
        *out += chunk.data;
        chunk = r.readByteArray();
    }
    if (chunk.status == QCborStreamReader::Error) {
        *error = QStringLiteral("a malformed byte string");
        return false;
    }
    return true;
}

} // namespace LpmPayloadCodec

namespace {

using LpmPayloadCodec::readBytes;
using LpmPayloadCodec::readText;

bool readValue(QCborStreamReader &r, QVariant *out, QString *error, int depth, Budget &budget);

// Moves past a scalar just read. At the top level of a buffer, running out of data
// right after a complete item is the normal end, not an error.
bool advance(QCborStreamReader &r)
{
    return r.next() || r.lastError() == QCborError::EndOfFile;
}

bool readTagged(QCborStreamReader &r, QVariant *out, QString *error, const Budget &budget)
{
    const QCborTag tag = r.toTag();
    r.next();
    switch (quint64(tag)) {
    case LpmPayloadCodec::BlobTag: {
        if (!r.isUnsignedInteger()) {
            *error = QStringLiteral("a malformed reference to a large byte array");
            return false;
        }
        const quint64 index = r.toUnsignedInteger();
        if (!budget.blobSource || index >= quint64(budget.blobSource->size())) {
            *error = QStringLiteral("a reference to a large byte array that did not come with it");
            return false;
        }
        *out = budget.blobSource->at(qsizetype(index));
        return advance(r);
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
        *error = QStringLiteral("an unsupported CBOR tag %1").arg(quint64(tag));
        return false;
    }
}

bool readValue(QCborStreamReader &r, QVariant *out, QString *error, int depth, Budget &budget)
{
    if (depth > MaxDepth) {
        *error = QStringLiteral("nesting deeper than %1 levels").arg(MaxDepth);
        return false;
    }
    if (!budget.spend(error))
        return false;
    switch (r.type()) {
    case QCborStreamReader::UnsignedInteger: {
        const quint64 n = r.toUnsignedInteger();
        *out = n <= quint64(std::numeric_limits<qint64>::max()) ? integerVariant(qint64(n))
                                                                 : QVariant(qulonglong(n));
        return advance(r);
    }
    case QCborStreamReader::NegativeInteger: {
        const quint64 magnitude = quint64(r.toNegativeInteger());
        // -1 - (2^63 - 1) is the smallest qint64; beyond that CBOR can go but we cannot.
        if (magnitude == 0 || magnitude - 1 > quint64(std::numeric_limits<qint64>::max())) {
            *error = QStringLiteral("a negative integer below the 64-bit range");
            return false;
        }
        *out = integerVariant(-qint64(magnitude - 1) - 1);
        return advance(r);
    }
    case QCborStreamReader::ByteArray: {
        QByteArray bytes;
        if (!readBytes(r, &bytes, error))
            return false;
        *out = bytes;
        return true;
    }
    case QCborStreamReader::String: {
        QString text;
        if (!readText(r, &text, error))
            return false;
        *out = text;
        return true;
    }
    case QCborStreamReader::Array: {
        QVariantList list;
        if (r.isLengthKnown()) {
            // Reserve modestly: the announced length comes from the peer.
            list.reserve(qsizetype(qMin<quint64>(r.length(), 1024)));
        }
        if (!r.enterContainer())
            break;
        while (r.hasNext()) {
            QVariant item;
            if (!readValue(r, &item, error, depth + 1, budget))
                return false;
            list.append(std::move(item));
        }
        if (r.lastError() != QCborError::NoError || !r.leaveContainer())
            break;
        *out = list;
        return true;
    }
    case QCborStreamReader::Map: {
        QVariantMap map;
        if (!r.enterContainer())
            break;
        while (r.hasNext()) {
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
        if (r.lastError() != QCborError::NoError || !r.leaveContainer())
            break;
        *out = map;
        return true;
    }
    case QCborStreamReader::Tag:
        return readTagged(r, out, error, budget);
    case QCborStreamReader::SimpleType:
        switch (r.toSimpleType()) {
        case QCborSimpleType::False:
            *out = false;
            return advance(r);
        case QCborSimpleType::True:
            *out = true;
            return advance(r);
        case QCborSimpleType::Null:
        case QCborSimpleType::Undefined:
            *out = QVariant();
            return advance(r);
        default:
            *error = QStringLiteral("an unsupported CBOR simple type");
            return false;
        }
    case QCborStreamReader::Float16:
        *out = double(float(r.toFloat16()));
        return advance(r);
    case QCborStreamReader::Float:
        *out = r.toFloat();
        return advance(r);
    case QCborStreamReader::Double:
        *out = r.toDouble();
        return advance(r);
    case QCborStreamReader::Invalid:
        break;
    }
    if (error->isEmpty()) {
        *error = r.lastError() != QCborError::NoError
                ? QStringLiteral("malformed CBOR: %1").arg(r.lastError().toString())
                : QStringLiteral("a truncated or invalid CBOR item");
    }
    return false;
}

} // namespace

namespace LpmPayloadCodec {

bool read(QCborStreamReader &reader, QVariant *value, QString *error, const Blobs *blobs)
{
    Budget budget;
    budget.blobSource = blobs;
    return readValue(reader, value, error, 0, budget);
}

bool atCleanEnd(QCborStreamReader &reader, qsizetype size)
{
    const QCborError error = reader.lastError();
    return (error == QCborError::NoError || error == QCborError::EndOfFile)
            && reader.currentOffset() == size;
}

bool decode(const QByteArray &cbor, QVariant *value, QString *error)
{
    QCborStreamReader reader(cbor);
    if (!read(reader, value, error))
        return false;
    if (!atCleanEnd(reader, cbor.size())) {
        *error = QStringLiteral("trailing or malformed bytes after the payload");
        return false;
    }
    return true;
}

} // namespace LpmPayloadCodec
