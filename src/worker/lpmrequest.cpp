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

/*!
    Destroys the request. The worker deletes it (later) once it is answered or
    canceled; a stream that came with it goes with it, a handed-over socket does not.
*/
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

/*!
    \property LpmRequest::data
    \brief the payload the supervisor enqueued.
*/
QVariant LpmRequest::data() const
{
    return d_func()->data;
}

/*!
    \property LpmRequest::id
    \brief the request's id, a random UUID (version 4), the same as the
    supervisor's LpmResponse::id().
*/
QUuid LpmRequest::id() const
{
    return d_func()->id;
}

/*!
    Returns when the supervisor enqueued the request: nanoseconds on the monotonic
    clock, comparable with the worker's own clock.
*/
qint64 LpmRequest::createdAt() const
{
    return d_func()->createdAt;
}

/*!
    Returns \c true once respond() or ack() was called.
*/
bool LpmRequest::isAnswered() const
{
    return d_func()->answered;
}

/*!
    Returns \c true once the supervisor gave up on this request (it timed out or its
    future was canceled); an answer is then dropped. Long-running handlers may watch
    canceled() and stop early.
*/
bool LpmRequest::isCanceled() const
{
    return d_func()->canceled;
}

/*!
    Returns \c true when the supervisor sent a stream with the request
    (LpmSupervisor::enqueue(const QVariant &, QIODevice *, const LpmRequestOptions &)).
*/
bool LpmRequest::hasStream() const
{
    return d_func()->stream != nullptr;
}

/*!
    Returns the stream the supervisor sent with the request, an LpmStream readable
    as bytes arrive and owned by the request, or \c nullptr.
*/
QIODevice *LpmRequest::stream() const
{
    return d_func()->stream;
}

/*!
    Returns \c true when the supervisor handed a connection over with the request
    (LpmSupervisor::enqueue(const QVariant &, QAbstractSocket *, const LpmRequestOptions &)),
    even once that connection is gone.
*/
bool LpmRequest::hasSocket() const
{
    return d_func()->hadSocket;
}

/*!
    Returns the connection the supervisor handed over, connected, with any bytes the
    supervisor had already read waiting first; or \c nullptr. It belongs to the
    worker and is deleted once disconnected; it outlives the request.
*/
QTcpSocket *LpmRequest::socket() const
{
    return d_func()->socket;
}

/*!
    Sends \a answer to the supervisor, whose future resolves with it; the request is
    deleted later.

    Returns \c false, with a warning under \c lpm.worker, when the request was
    already answered or the answer cannot cross the process boundary (the
    supervisor's future then rejects with LpmError::Code::NotSerializable). A
    canceled request drops the answer and returns \c false.
*/
bool LpmRequest::respond(const QVariant &answer)
{
    return respond(answer, nullptr);
}

/*!
    \overload

    Answers with \a answer and a stream: the supervisor's future resolves once the
    answer arrives, and its LpmResponse::stream() delivers the bytes of \a device
    after. \a device must be open for reading and live in the worker's thread;
    without a parent other than this request, the worker takes it and deletes it
    when the stream is sent. Returns \c false as respond(const QVariant &) does.
*/
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
    if (d->worker)
        d->worker->deleteLater(this);
    else
        deleteLater();
    return sent;
}

/*!
    \fn void LpmRequest::answered()

    This signal is emitted when the request is answered, by respond() or ack().
*/

/*!
    \fn void LpmRequest::canceled()

    This signal is emitted when the supervisor gives up on this request (it timed
    out or its future was canceled). The request is deleted later, as if answered.
*/

/*!
    Answers with nothing: the supervisor's future resolves with a null
    LpmResponse::data(). Returns \c false as respond() does.
*/
bool LpmRequest::ack()
{
    return respond(QVariant());
}
