#include <lpm/lpmresponse.h>

#include <QtCore/qiodevice.h>

class LpmResponseData : public QSharedData
{
public:
    QUuid id;
    qint64 createdAt = 0;
    QVariant data;
    QSharedPointer<QIODevice> stream;
};

/*!
    \class LpmResponse
    \inmodule Lpm
    \brief A worker's answer, delivered by the future that enqueue() returned.

    \code
    supervisor.enqueue(QVariantMap{{"Hello", "World"}}).then(this, [](const LpmResponse &r) {
        qDebug() << r.id() << r.data();
    });
    \endcode
*/

/*!
    Constructs an empty response: a null id and data, no stream.
*/
LpmResponse::LpmResponse() : d(new LpmResponseData) { }

/*!
    Constructs the response to the request \a id, enqueued at \a createdAt
    (nanoseconds on the monotonic clock), with the worker's answer \a data and the
    \a stream it answered with, if any. The supervisor builds responses; tests and
    fakes of a pool may too.
*/
LpmResponse::LpmResponse(const QUuid &id, qint64 createdAt, const QVariant &data,
                         const QSharedPointer<QIODevice> &stream)
    : d(new LpmResponseData)
{
    d->id = id;
    d->createdAt = createdAt;
    d->data = data;
    d->stream = stream;
}

/*!
    Constructs a copy of \a other; both share the stream.
*/
LpmResponse::LpmResponse(const LpmResponse &other) = default;

/*!
    Move-constructs a response from \a other.
*/
LpmResponse::LpmResponse(LpmResponse &&other) noexcept = default;

/*!
    \fn LpmResponse &LpmResponse::operator=(LpmResponse &&other)

    Move-assigns \a other to this response and returns a reference to it.
*/

/*!
    \fn void LpmResponse::swap(LpmResponse &other)

    Swaps this response with \a other. This operation is very fast and never fails.
*/

/*!
    Assigns \a other to this response and returns a reference to it.
*/
LpmResponse &LpmResponse::operator=(const LpmResponse &other) = default;

/*!
    Destroys this copy of the response; the stream goes with the last copy.
*/
LpmResponse::~LpmResponse() = default;

/*!
    Returns the value the worker answered; null for LpmRequest::ack().
*/
QVariant LpmResponse::data() const
{
    return d->data;
}

/*!
    Returns the request's id, a random UUID (version 4).
*/
QUuid LpmResponse::id() const
{
    return d->id;
}

/*!
    Returns when the request was enqueued: nanoseconds on the monotonic clock
    (\c CLOCK_MONOTONIC, the clock of \c std::chrono::steady_clock on Linux), which
    is comparable across the pool's processes.
*/
qint64 LpmResponse::createdAt() const
{
    return d->createdAt;
}

/*!
    Returns \c true when the worker answered with a stream as well
    (LpmRequest::respond(const QVariant &, QIODevice *)).
*/
bool LpmResponse::hasStream() const
{
    return !d->stream.isNull();
}

/*!
    Returns the stream the worker answered with, an LpmStream living in the
    supervisor's thread, or \c nullptr. It stays valid while any copy of this
    response exists.
*/
QIODevice *LpmResponse::stream() const
{
    return d->stream.data();
}
