#include "lpmrequest_p.h"

#include "lpmlogging_p.h"
#include "lpmworker_p.h"

#include <QtCore/qiodevice.h>

/*!
    \class LpmRequest
    \inmodule Lpm
    \brief One request received by a worker; answer it with respond() or ack().

    \code
    QObject::connect(LpmWorker::instance(), &LpmWorker::request, [](LpmRequest *req) {
        QTimer::singleShot(2000, req, [req] { req->respond(req->data()); });
    });
    \endcode

    The request belongs to the worker and is deleted (later) once answered.
*/

LpmRequest::LpmRequest(LpmWorkerPrivate *worker, const QUuid &id, qint64 createdAt,
                       const QVariant &data, QObject *parent)
    : QObject(parent), d_ptr(new LpmRequestPrivate)
{
    Q_D(LpmRequest);
    d->worker = worker;
    d->id = id;
    d->createdAt = createdAt;
    d->data = data;
}

LpmRequest::~LpmRequest() = default;

QVariant LpmRequest::data() const
{
    return d_func()->data;
}

QUuid LpmRequest::id() const
{
    return d_func()->id;
}

qint64 LpmRequest::createdAt() const
{
    return d_func()->createdAt;
}

bool LpmRequest::isAnswered() const
{
    return d_func()->answered;
}

bool LpmRequest::isCanceled() const
{
    return d_func()->canceled;
}

bool LpmRequest::hasStream() const
{
    return d_func()->stream != nullptr;
}

QIODevice *LpmRequest::stream() const
{
    return d_func()->stream;
}

bool LpmRequest::hasSocket() const
{
    return d_func()->hadSocket;
}

QTcpSocket *LpmRequest::socket() const
{
    return d_func()->socket;
}

bool LpmRequest::respond(const QVariant &answer)
{
    return respond(answer, nullptr);
}

bool LpmRequest::respond(const QVariant &answer, QIODevice *device)
{
    Q_D(LpmRequest);
    if (d->canceled) {
        qCDebug(lcLpmWorker) << "request" << d->id << "was canceled; its answer is dropped";
        return false;
    }
    if (d->answered) {
        qCWarning(lcLpmWorker).noquote() << "request" << d->id.toString(QUuid::WithoutBraces)
                                         << "was already answered; the new answer is dropped";
        return false;
    }
    d->answered = true;
    const bool sent = d->worker ? d->worker->sendAnswer(this, answer, device) : false;
    Q_EMIT answered();
    deleteLater();
    return sent;
}

bool LpmRequest::ack()
{
    return respond(QVariant());
}
