#include "lpmpayloadcodec_p.h"

#include "lpmcborwriter_p.h"

#include <QtCore/qdatetime.h>
#include <QtCore/qurl.h>
#include <QtCore/quuid.h>

// Encoding: exactly, or not at all, within the payload budget.

namespace {

using LpmPayloadCodec::MaxDepth;
using LpmPayloadCodec::Budget;

bool writeValue(LpmCborWriter &w, const QVariant &v, QString *error, int depth, Budget &budget);

bool writeMapEntries(LpmCborWriter &w, const QVariantMap &map, QString *error, int depth,
                     Budget &budget)
{
    w.startMap(quint64(map.size()));
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (!budget.spend(error)) // the key
            return false;
        w.appendText(it.key());
        if (!writeValue(w, it.value(), error, depth + 1, budget))
            return false;
    }
    return true;
}

bool writeValue(LpmCborWriter &w, const QVariant &v, QString *error, int depth, Budget &budget)
{
    if (depth > MaxDepth) {
        *error = QStringLiteral("nesting deeper than %1 levels").arg(MaxDepth);
        return false;
    }
    if (!budget.spend(error))
        return false;
    switch (v.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
        w.appendNull();
        return true;
    case QMetaType::Bool:
        w.appendBool(v.toBool());
        return true;
    case QMetaType::Int:
    case QMetaType::Short:
    case QMetaType::Char:
    case QMetaType::SChar:
    case QMetaType::Long:
    case QMetaType::LongLong:
        w.appendInteger(qint64(v.toLongLong()));
        return true;
    case QMetaType::UInt:
    case QMetaType::UShort:
    case QMetaType::UChar:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
        w.appendUnsigned(quint64(v.toULongLong()));
        return true;
    case QMetaType::Double:
        w.appendDouble(v.toDouble());
        return true;
    case QMetaType::Float:
        w.appendFloat(v.toFloat());
        return true;
    case QMetaType::QString: // read in place: the type is known, no conversion is needed
        w.appendText(*static_cast<const QString *>(v.constData()));
        return true;
    case QMetaType::QByteArray: {
        const QByteArray bytes = v.toByteArray();
        if (budget.blobSink && bytes.size() >= LpmPayloadCodec::BlobThreshold) {
            w.appendTag(LpmPayloadCodec::BlobTag);
            w.appendUnsigned(quint64(budget.blobSink->size()));
            budget.blobSink->append(bytes);
            return true;
        }
        w.appendBytes(bytes);
        return true;
    }
    case QMetaType::QStringList: {
        const QStringList list = v.toStringList();
        w.startArray(quint64(list.size()));
        for (const QString &s : list) {
            if (!budget.spend(error))
                return false;
            w.appendText(s);
        }
        return true;
    }
    case QMetaType::QVariantList: {
        const QVariantList list = v.toList();
        w.startArray(quint64(list.size()));
        for (const QVariant &item : list) {
            if (!writeValue(w, item, error, depth + 1, budget))
                return false;
        }
        return true;
    }
    case QMetaType::QVariantMap:
        return writeMapEntries(w, *static_cast<const QVariantMap *>(v.constData()), error, depth, budget);
    case QMetaType::QVariantHash: {
        // Sorted on the wire, so equal hashes encode equally.
        const QVariantHash hash = v.toHash();
        QVariantMap sorted;
        for (auto it = hash.cbegin(); it != hash.cend(); ++it)
            sorted.insert(it.key(), it.value());
        return writeMapEntries(w, sorted, error, depth, budget);
    }
    case QMetaType::QDateTime: {
        const QDateTime dt = v.toDateTime();
        if (!dt.isValid()) {
            *error = QStringLiteral("an invalid QDateTime");
            return false;
        }
        w.appendTag(QCborKnownTags::DateTimeString);
        w.appendText(dt.toString(Qt::ISODateWithMs));
        return true;
    }
    case QMetaType::QUrl:
        w.appendTag(QCborKnownTags::Url);
        w.appendText(v.toUrl().toString(QUrl::FullyEncoded));
        return true;
    case QMetaType::QUuid:
        w.appendTag(QCborKnownTags::Uuid);
        w.appendBytes(v.toUuid().toRfc4122());
        return true;
    default:
        *error = QStringLiteral("a value of type %1").arg(QLatin1String(v.metaType().name()));
        return false;
    }
}

} // namespace

namespace LpmPayloadCodec {

bool append(QByteArray &out, const QVariant &value, QString *error, bool *tooManyItems, Blobs *blobs)
{
    const qsizetype start = out.size();
    const qsizetype blobsBefore = blobs ? blobs->size() : 0;
    LpmCborWriter writer(out);
    Budget budget;
    budget.blobSink = blobs;
    const bool ok = writeValue(writer, value, error, 0, budget);
    if (tooManyItems)
        *tooManyItems = budget.exceeded;
    if (!ok) { // nothing half-written stays behind
        out.truncate(start);
        if (blobs)
            blobs->resize(blobsBefore);
    }
    return ok;
}

bool encode(const QVariant &value, QByteArray *out, QString *error, bool *tooManyItems, Blobs *blobs)
{
    out->clear();
    return append(*out, value, error, tooManyItems, blobs);
}

} // namespace LpmPayloadCodec
