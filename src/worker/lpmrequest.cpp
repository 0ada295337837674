#include "lpmrequest_p.h"

#include "lpmendpoint_p.h"
#include "lpmlogging_p.h"
#include "lpmworker_p.h"

#include <lpm/lpmstream.h>

#include <QtCore/qiodevice.h>
#include <QtCore/qmetaobject.h>

#include <memory>

#include <unistd.h>

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
    d->q_ptr = this;
    d->worker = worker;
    d->id = id;
    d->createdAt = createdAt;
    d->data = data;
}

LpmRequest::~LpmRequest() = default;

void LpmRequestPrivate::attachStream(LpmStream *incoming)
{
    Q_Q(LpmRequest);
    incoming->setParent(q);
    stream = incoming;
}

bool LpmRequestPrivate::attachSocket(int fd, const QByteArray &prelude, LpmEndpoint *endpoint,
                                     QObject *owner)
{
    hadSocket = true;
    auto *adopted = new QTcpSocket(owner);
    const QPointer<LpmEndpoint> channel(endpoint);
    auto reportClosed = [channel, id = id, reported = std::make_shared<bool>(false)] {
        if (*reported || !channel)
            return;
        *reported = true;
        channel->send(LpmIpc::Message::socketClosed(id));
    };
    QObject::connect(adopted, &QObject::destroyed, owner, reportClosed);
    QObject::connect(adopted, &QAbstractSocket::disconnected, owner, [adopted, reportClosed] {
        reportClosed();
        adopted->deleteLater();
    });
    if (!adopted->setSocketDescriptor(fd)) {
        qCWarning(lcLpmWorker) << "cannot adopt a handed-over connection:" << adopted->errorString();
        ::close(fd);
        delete adopted; // reports it closed
        return false;
    }
    // Bytes the supervisor had already read come first, as if never taken out.
    for (qsizetype i = prelude.size() - 1; i >= 0; --i)
        adopted->ungetChar(prelude.at(i));
    if (!prelude.isEmpty())
        QMetaObject::invokeMethod(adopted, [adopted] { Q_EMIT adopted->readyRead(); }, Qt::QueuedConnection);
    socket = adopted;
    return true;
}

void LpmRequestPrivate::cancel()
{
    Q_Q(LpmRequest);
    qCDebug(lcLpmWorker) << "request" << id << "was canceled by the supervisor";
    canceled = true;
    Q_EMIT q->canceled();
    q->deleteLater();
}

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
