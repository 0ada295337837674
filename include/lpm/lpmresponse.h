#pragma once

#include <lpm/lpmglobal.h>

#include <QtCore/qshareddata.h>
#include <QtCore/qsharedpointer.h>
#include <QtCore/quuid.h>
#include <QtCore/qvariant.h>

class QIODevice;
class LpmResponseData;

// A worker's answer to one request. An implicitly shared value type.
class LPM_EXPORT LpmResponse
{
public:
    LpmResponse();
    LpmResponse(const QUuid &id, qint64 createdAt, const QVariant &data,
                const QSharedPointer<QIODevice> &stream = {});
    LpmResponse(const LpmResponse &other);
    LpmResponse(LpmResponse &&other) noexcept;
    LpmResponse &operator=(const LpmResponse &other);
    QT_MOVE_ASSIGNMENT_OPERATOR_IMPL_VIA_PURE_SWAP(LpmResponse)
    ~LpmResponse();

    void swap(LpmResponse &other) noexcept { d.swap(other.d); }

    // The value the worker answered (null for ack()).
    QVariant data() const;
    // The request's id, a random UUID (version 4).
    QUuid id() const;
    // When the request was enqueued: nanoseconds on the monotonic clock
    // (CLOCK_MONOTONIC, the clock of std::chrono::steady_clock on Linux).
    qint64 createdAt() const;

    // True when the worker answered with a stream as well.
    bool hasStream() const;
    // The stream the worker answered with (an LpmStream, living in the supervisor's
    // thread), or nullptr. It stays valid while any copy of this response exists.
    QIODevice *stream() const;

private:
    QSharedDataPointer<LpmResponseData> d;
};

Q_DECLARE_SHARED(LpmResponse)
Q_DECLARE_METATYPE(LpmResponse)
