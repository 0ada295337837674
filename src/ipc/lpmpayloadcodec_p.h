#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qcborstreamreader.h>
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
namespace LpmPayloadCodec {

// Appends one CBOR item for value to out. On failure returns false, sets error and
// leaves out as it was.
bool append(QByteArray &out, const QVariant &value, QString *error);

// Reads one CBOR item. On failure returns false and sets error.
bool read(QCborStreamReader &reader, QVariant *value, QString *error);

// One text or byte string, on its own (message fields use these too).
bool readText(QCborStreamReader &reader, QString *text, QString *error);
bool readBytes(QCborStreamReader &reader, QByteArray *bytes, QString *error);

// True when reader consumed exactly size bytes without error.
bool atCleanEnd(QCborStreamReader &reader, qsizetype size);

// Convenience: one payload in a byte array of its own.
bool encode(const QVariant &value, QByteArray *out, QString *error);
bool decode(const QByteArray &cbor, QVariant *value, QString *error);

} // namespace LpmPayloadCodec
