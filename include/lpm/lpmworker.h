#pragma once

#include <lpm/lpmglobal.h>
#include <lpm/lpmrequest.h>

#include <QtCore/qfuture.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qvariant.h>

#include <memory>

class LpmWorkerPrivate;

QT_BEGIN_NAMESPACE
class QTcpServer;
QT_END_NAMESPACE

// The worker process's side of the pool: a singleton that receives requests
// from the supervisor. Nothing is delivered before ready() is called.
class LPM_EXPORT LpmWorker : public QObject
{
    Q_OBJECT
public:
    ~LpmWorker() override;

    // Created on first use; needs a QCoreApplication.
    static LpmWorker *instance();
    // True when this process was started by an LpmSupervisor (its channel is present).
    static bool isWorkerProcess();

    // Tells the supervisor this worker takes requests. Mandatory. In a process
    // that was not started by a supervisor it prints why and exits with status 2.
    void ready();
    // Tells the supervisor to send no new request until ready() is called again.
    void busy();
    bool isReady() const;

    // The requests received and not yet answered (nor canceled), oldest first.
    QList<LpmRequest *> requests() const;

    // Ends a soft kill that a softKillRequested() handler took over: the worker exits.
    void softKillDone();

    // Tells the supervisor this worker lives, for its hang detection (worker.hangTimeout):
    // the event loop answers the supervisor's heartbeats by itself, so only a handler
    // that runs long without returning to it calls this now and then. One small write,
    // from the worker's thread.
    void heartbeat();

    // Sends a custom event to the supervisor (its eventReceived()). The future resolves
    // with the supervisor's LpmEvent::respond() answer, or rejects with LpmError:
    // NotSerializable at once if the payload cannot cross processes, NoAnswer if the
    // supervisor dropped the event unanswered, ChannelClosed if the supervisor went
    // away first. Thread-safe.
    QFuture<QVariant> sendEvent(const QString &name, const QVariant &payload = {});

Q_SIGNALS:
    void request(LpmRequest *request);
    // The supervisor asks this worker to stop gently (a soft kill or a shrinking pool).
    // While something is connected, the worker stays alive until softKillDone();
    // otherwise it exits once every ongoing request is answered. A busy() worker
    // gets this only once it is ready() again.
    void softKillRequested();
    // Emitted just before the worker exits on a hard kill.
    void hardKillRequested();
    // The supervisor broadcast an event.
    void eventReceived(const QString &name, const QVariant &payload);
    // The supervisor shared a listening server: server (owned by the worker) accepts
    // connections on it alongside the other workers. Connect before ready(); without a
    // connection the socket is not adopted.
    void serverReceived(const QString &name, const QVariant &payload, QTcpServer *server);

private:
    friend class LpmRequest;
    LpmWorker();
    Q_DECLARE_PRIVATE(LpmWorker)
    std::unique_ptr<LpmWorkerPrivate> d_ptr;
};
