#pragma once

#include <lpm/lpmerror.h>
#include <lpm/lpmglobal.h>
#include <lpm/lpmresponse.h>
#include <lpm/lpmsupervisorconfig.h>
#include <lpm/lpmworkerhealth.h>

#include <QtCore/qfuture.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qprocess.h>
#include <QtCore/qvariant.h>

#include <memory>

class LpmSupervisorPrivate;

class LPM_EXPORT LpmSupervisor : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(int queueLength READ queueLength)
public:
    enum class State {
        Stopped,   // no worker runs; start() has not been called or the pool has ended
        Starting,  // workers are being spawned and have not all called ready()
        Online,    // every worker called ready() at least once
    };
    Q_ENUM(State)

    enum class Error {
        NoError,             // nothing went wrong
        WorkerFailedToStart, // the worker program is missing or not executable
        WorkerCrashed,       // a worker exited without being asked to
        RestartLimitReached, // the restart policy refused to replace a dead worker
        ProtocolError,       // a worker sent something malformed and was dropped
    };
    Q_ENUM(Error)

    explicit LpmSupervisor(const LpmSupervisorConfig &config, QObject *parent = nullptr);
    ~LpmSupervisor() override;

    LpmSupervisorConfig config() const;
    State state() const;
    Error error() const;
    QString errorString() const;

    // Spawns config().worker.count workers. Requests may be enqueued before.
    void start();

    // Thread-safe. The future resolves with the worker's answer or rejects with LpmError.
    QFuture<LpmResponse> enqueue(const QVariant &payload, const LpmRequestOptions &options = {});

    // The latest figures of every live worker, in spawn order.
    QList<LpmWorkerHealth> health() const;

    // Requests accepted and not yet answered or rejected (queued and in flight).
    int pendingCount() const;
    // Requests waiting for a worker.
    int queueLength() const;

Q_SIGNALS:
    void online();
    void childSpawned(qint64 pid);
    void workerExited(qint64 pid, int exitCode, QProcess::ExitStatus exitStatus);
    void stateChanged(LpmSupervisor::State state);
    void errorOccurred(LpmSupervisor::Error error);

private:
    Q_DECLARE_PRIVATE(LpmSupervisor)
    std::unique_ptr<LpmSupervisorPrivate> d_ptr;
};
