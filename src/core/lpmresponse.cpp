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

LpmResponse::LpmResponse() : d(new LpmResponseData) { }

LpmResponse::LpmResponse(const QUuid &id, qint64 createdAt, const QVariant &data,
                         const QSharedPointer<QIODevice> &stream)
    : d(new LpmResponseData)
{
    d->id = id;
    d->createdAt = createdAt;
    d->data = data;
    d->stream = stream;
}

LpmResponse::LpmResponse(const LpmResponse &other) = default;
LpmResponse::LpmResponse(LpmResponse &&other) noexcept = default;
LpmResponse &LpmResponse::operator=(const LpmResponse &other) = default;
LpmResponse::~LpmResponse() = default;

QVariant LpmResponse::data() const
{
    return d->data;
}

QUuid LpmResponse::id() const
{
    return d->id;
}

qint64 LpmResponse::createdAt() const
{
    return d->createdAt;
}

bool LpmResponse::hasStream() const
{
    return !d->stream.isNull();
}

QIODevice *LpmResponse::stream() const
{
    return d->stream.data();
}
