#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmcborreader_p.h"

#include <QtCore/qcborcommon.h>
#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

// Converts payloads between QVariant and CBOR, exactly or not at all.
//
// What crosses: null (an invalid QVariant or nullptr), bool, every integer type,
// float and double, QString, QByteArray, QVariantList, QStringList, QVariantMap,
// QVariantHash (string keys), QDateTime, QUrl and QUuid, nested at will.
// Lists come back as QVariantList, hashes as QVariantMap, integers as int when they
// fit and qlonglong (or qulonglong above its range) otherwise. Anything else (a
// QObject *, a QPoint, an unregistered type) is refused, naming the type.
//
// Both directions spend a budget per payload: at most MaxItems values (a map entry
// counts its key too) nested at most MaxDepth deep, so decoding what a peer sent
// costs bounded time, stack and memory, and an encodable payload always decodes.
namespace LpmPayloadCodec {

constexpr int MaxDepth = 512;
constexpr qsizetype MaxItems = qsizetype(1) << 20;

// A payload's large byte arrays can travel beside its CBOR, in the message (and
// through shared memory where the endpoint has room): the CBOR then holds BlobTag and
// the array's index in their place. Encoding takes them out (implicitly shared, not
// copied) only when asked to; decoding resolves them from the message's list.
using Blobs = QList<QByteArray>;
constexpr quint64 BlobTag = 0x4c504d42; // "LPMB", outside the registered ranges in use
constexpr qsizetype BlobThreshold = 32 * 1024;

// Counts the values of one payload, so that both sides refuse the same ones: a frame
// of one-byte CBOR nulls would otherwise decode into some 2 GB of QVariants.
struct Budget
{
    qsizetype items = 0;
    bool exceeded = false;
    Blobs *blobSink = nullptr;           // encoding: where large byte arrays go
    const Blobs *blobSource = nullptr;   // decoding: where they come from

    bool spend(QString *error)
    {
        if (++items <= MaxItems)
            return true;
        exceeded = true;
        *error = QStringLiteral("more than %1 values").arg(MaxItems);
        return false;
    }
};

// Appends one CBOR item for value to out. On failure returns false, sets error and
// leaves out as it was; tooManyItems says whether the budget was the reason.
// With blobs, byte arrays of BlobThreshold bytes or more are appended to it instead.
bool append(QByteArray &out, const QVariant &value, QString *error, bool *tooManyItems = nullptr,
            Blobs *blobs = nullptr);

// Reads one CBOR item, its blob references resolved from blobs. On failure returns
// false and sets error.
bool read(LpmCborReader &reader, QVariant *value, QString *error, const Blobs *blobs = nullptr);

// One text or byte string, on its own (message fields use these too).
bool readText(LpmCborReader &reader, QString *text, QString *error);
bool readBytes(LpmCborReader &reader, QByteArray *bytes, QString *error);

// Convenience: one payload in a byte array of its own.
bool encode(const QVariant &value, QByteArray *out, QString *error, bool *tooManyItems = nullptr,
            Blobs *blobs = nullptr);
bool decode(const QByteArray &cbor, QVariant *value, QString *error);

} // namespace LpmPayloadCodec
