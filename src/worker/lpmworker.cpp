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

bool LpmWorker::isWorkerProcess()
{
    return LpmWorkerPrivate::channelDescriptor() >= 0;
}

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
    d->ready = true;
    d->endpoint->send(Message::control(MessageType::Ready));
    d->proceedWithSoftKill();
}

void LpmWorker::busy()
{
    Q_D(LpmWorker);
    if (!d->endpoint)
        return;
    d->ready = false;
    d->endpoint->send(Message::control(MessageType::Busy));
}

void LpmWorker::softKillDone()
{
    Q_D(LpmWorker);
    if (!d->softKillStarted) {
        qCWarning(lcLpmWorker) << "softKillDone() called, but no soft kill is in progress";
        return;
    }
    d->exitProcess();
}

void LpmWorker::heartbeat()
{
    Q_D(LpmWorker);
    if (!d->endpoint)
        return;
    d->endpoint->send(Message::control(MessageType::Pong));
    d->endpoint->flushNow(); // the event loop will not run for a while: write it now
}

QFuture<QVariant> LpmWorker::sendEvent(const QString &name, const QVariant &payload)
{
    return d_func()->events.send(name, payload);
}

bool LpmWorker::isReady() const
{
    return d_func()->ready;
}

QList<LpmRequest *> LpmWorker::requests() const
{
    Q_D(const LpmWorker);
    QList<LpmRequest *> list = d->ongoing.values();
    std::sort(list.begin(), list.end(), [](const LpmRequest *a, const LpmRequest *b) {
        return a->createdAt() < b->createdAt();
    });
    return list;
}
