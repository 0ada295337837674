#include <lpm/lpmresponse.h>

class LpmResponseData : public QSharedData
{
public:
    QUuid id;
    qint64 createdAt = 0;
    QVariant data;
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

LpmResponse::LpmResponse(const QUuid &id, qint64 createdAt, const QVariant &data)
    : d(new LpmResponseData)
{
    d->id = id;
    d->createdAt = createdAt;
    d->data = data;
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
    return false; // streams back from workers are not carried yet
}

QIODevice *LpmResponse::stream() const
{
    return nullptr;
}
