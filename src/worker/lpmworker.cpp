#include "lpmworker_p.h"

#include "lpmlogging_p.h"
#include "lpmmessage_p.h"
#include "lpmrequest_p.h"

#include <QtCore/qcoreapplication.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

// The worker's public API. Its workings are in lpmworker_p.cpp, its events in
// lpmworkerevents.cpp.

using namespace LpmIpc;

/*!
    \class LpmWorker
    \inmodule Lpm
    \brief The worker process's side of an LpmSupervisor pool.

    \code
    int main(int argc, char **argv)
    {
        QCoreApplication app(argc, argv);
        LpmWorker *worker = LpmWorker::instance();
        QObject::connect(worker, &LpmWorker::request, [](LpmRequest *req) {
            req->respond(QVariantMap{{"echo", req->data()}});
        });
        worker->ready();
        return app.exec();
    }
    \endcode

    The worker exits (QCoreApplication::exit(0)) when its channel to the supervisor
    closes, and the kernel kills it if the supervisor dies, so no worker outlives
    its pool.
*/

LpmWorker::LpmWorker() : QObject(QCoreApplication::instance()), d_ptr(new LpmWorkerPrivate(this))
{
    d_ptr->openEndpoint();
}

/*!
    Destroys the worker singleton, with the application that owns it: requests not
    yet answered are deleted unanswered, and sendEvent() futures still waiting
    reject with LpmError::Code::ChannelClosed.
*/
LpmWorker::~LpmWorker()
{
    Q_D(LpmWorker);
    d->flushLastWords(); // a worker whose application ends without exec() returning
    d->events.rejectAll(LpmError::Code::ChannelClosed);
    const QList<LpmRequest *> unanswered = d->ongoing.values();
    d->ongoing.clear();
    for (LpmRequest *request : unanswered) {
        request->d_func()->worker = nullptr;
        delete request;
    }
}

/*!
    Returns the worker singleton, creating it on first use. A QCoreApplication (or
    QGuiApplication, QApplication) must exist; the worker is its child.
*/
LpmWorker *LpmWorker::instance()
{
    static LpmWorker *worker = nullptr;
    if (!worker) {
        if (!QCoreApplication::instance())
            qFatal("LpmWorker::instance() needs a QCoreApplication; create one first");
        worker = new LpmWorker;
        QObject::connect(worker, &QObject::destroyed, [] { worker = nullptr; });
    }
    return worker;
}

/*!
    Returns \c true when this process was started by an LpmSupervisor, that is when
    its channel to the supervisor is present.
*/
bool LpmWorker::isWorkerProcess()
{
    return LpmWorkerPrivate::inheritedChannel().exists();
}

/*!
    Tells the supervisor that this worker takes requests. Mandatory: nothing is
    delivered before it. Call it again after busy() to take requests again.

    In a process that was not started by a supervisor it prints why on stderr and
    exits with status 2.
*/
void LpmWorker::ready()
{
    Q_D(LpmWorker);
    if (!d->endpoint) {
        const QString program = QCoreApplication::applicationFilePath();
        std::fprintf(stderr,
                     "%s: this program is an LPM worker and must be started by an "
                     "LpmSupervisor (no channel in %s).\n",
                     qPrintable(program), ChannelFdVariable);
        std::exit(2);
    }
    if (d->templateSocket >= 0)
        d->serveForks(); // returns in a forked worker only
    d->ready = true;
    d->endpoint->send(Message::control(MessageType::Ready));
    d->proceedWithSoftKill();
}

/*!
    Tells the supervisor to send no new request until ready() is called again. A
    soft kill waits for a busy worker.
*/
void LpmWorker::busy()
{
    Q_D(LpmWorker);
    if (!d->endpoint)
        return;
    d->ready = false;
    d->endpoint->send(Message::control(MessageType::Busy));
}

/*!
    Ends a soft kill that a softKillRequested() handler took over: the worker exits.
    Outside a soft kill it only warns.
*/
void LpmWorker::softKillDone()
{
    Q_D(LpmWorker);
    if (!d->softKillStarted) {
        qCWarning(lcLpmWorker) << "softKillDone() called, but no soft kill is in progress";
        return;
    }
    d->exitProcess();
}

/*!
    Tells the supervisor this worker lives, for its hang detection
    (LpmWorkerConfig::hangTimeout). The event loop answers the supervisor's
    heartbeats by itself, so only a handler that runs long without returning to it
    calls this now and then. One small write, from the worker's thread.
*/
void LpmWorker::heartbeat()
{
    Q_D(LpmWorker);
    if (!d->endpoint)
        return;
    d->endpoint->send(Message::control(MessageType::Pong));
    d->endpoint->flushNow(); // the event loop will not run for a while: write it now
}

/*!
    Sends the custom event \a name with \a payload to the supervisor, whose
    LpmSupervisor::eventReceived() delivers it. Thread-safe.

    The future resolves with the supervisor's LpmEvent::respond() answer, or
    rejects with an LpmError: NotSerializable at once if the payload cannot cross
    processes, NoAnswer if the supervisor dropped the event unanswered,
    ChannelClosed if the supervisor went away first.
*/
QFuture<QVariant> LpmWorker::sendEvent(const QString &name, const QVariant &payload)
{
    return d_func()->events.send(name, payload);
}

/*!
    Returns \c true between ready() and the next busy().
*/
bool LpmWorker::isReady() const
{
    return d_func()->ready;
}

/*!
    \fn void LpmWorker::request(LpmRequest *request)

    This signal is emitted for each \a request the supervisor sends. The worker owns
    it; answer it with LpmRequest::respond() or LpmRequest::ack(), now or later.
*/

/*!
    \fn void LpmWorker::softKillRequested()

    This signal is emitted when the supervisor asks this worker to stop gently: a
    soft kill or a shrinking pool. While something is connected to it, the worker
    stays alive until softKillDone(); otherwise it exits once every ongoing request
    is answered. A busy() worker gets it only once it is ready() again.
*/

/*!
    \fn void LpmWorker::hardKillRequested()

    This signal is emitted just before the worker exits on a hard kill.
*/

/*!
    \fn void LpmWorker::eventReceived(const QString &name, const QVariant &payload)

    This signal is emitted when the supervisor broadcasts the event \a name with
    \a payload (LpmSupervisor::broadcast()).
*/

/*!
    \fn void LpmWorker::serverReceived(const QString &name, const QVariant &payload, QTcpServer *server)

    This signal is emitted when the supervisor shares a listening server, broadcast
    as \a name with \a payload: \a server, owned by the worker, accepts connections
    on the same socket as the other workers. Connect before ready(); without a
    connection the socket is not adopted.
*/

/*!
    Returns the requests received and not yet answered (nor canceled), oldest first.
*/
QList<LpmRequest *> LpmWorker::requests() const
{
    Q_D(const LpmWorker);
    QList<LpmRequest *> list = d->ongoing.values();
    std::sort(list.begin(), list.end(), [](const LpmRequest *a, const LpmRequest *b) {
        return a->createdAt() < b->createdAt();
    });
    return list;
}
