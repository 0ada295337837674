#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmrequesttable_p.h"
#include "lpmrestartpolicy_p.h"

#include <lpm/lpmsupervisor.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qpromise.h>
#include <QtCore/qtimer.h>

#include <memory>
#include <unordered_map>
#include <optional>
#include <vector>

class LpmWorkerHandle;
namespace LpmIpc { struct Message; }

class LpmSupervisorPrivate
{
    Q_DECLARE_PUBLIC(LpmSupervisor)
public:
    LpmSupervisorPrivate(LpmSupervisor *q, const LpmSupervisorConfig &config);

    // Requests: made in the caller's thread, accepted in the supervisor's, then sent or
    // queued.
    std::unique_ptr<LpmPendingRequest> makeRequest(const QVariant &payload,
                                                   const LpmRequestOptions &options);
    void acceptFromAnyThread(std::unique_ptr<LpmPendingRequest> request);
    void accept(std::unique_ptr<LpmPendingRequest> request);
    // The worker the dispatch policy picks for request, or nullptr.
    LpmWorkerHandle *pickFor(const LpmPendingRequest *request) const;
    void startStream(LpmWorkerHandle *worker, LpmPendingRequest *request);
    void resolveWithStream(LpmWorkerHandle *worker, std::unique_ptr<LpmPendingRequest> request,
                           const QVariant &payload, int fd);
    void onStreamBackArrived(LpmWorkerHandle *worker, const QUuid &id);
    void dispatchQueued();
    bool sendTo(LpmWorkerHandle *worker, LpmPendingRequest *request);
    void onTimeout(const QUuid &id);
    // Drops the requests whose caller cancelled the future; their workers are told.
    void sweepCanceled();
    void onAnswer(LpmWorkerHandle *worker, const LpmIpc::Message &message);
    void onEvent(LpmWorkerHandle *worker, const LpmIpc::Message &message);
    // Hands every shared listening server to worker.
    void shareServersWith(LpmWorkerHandle *worker);
    void requeueOrReject(LpmWorkerHandle *worker);
    void rejectQueued(const LpmError &error);
    void rejectAll(const LpmError &error);
    // Why no worker can ever take a request right now, or nullopt if one may.
    std::optional<LpmError> unservableReason() const;

    // Workers.
    void spawnWorker();
    void onWorkerStateChanged(LpmWorkerHandle *worker);
    void onWorkerExited(LpmWorkerHandle *worker);
    void replaceWorkersIfAllowed();
    int activeWorkerCount() const; // live workers not asked to stop
    // Workers whose process runs (started, not yet exited), in spawn order.
    std::vector<const LpmWorkerHandle *> liveWorkers() const;
    void checkOnline();
    void retireIdleWorkersWhenDrained();
    void finishStopIfDone();
    void onInterrupted();
    void stopAllWorkers();
    void setError(LpmSupervisor::Error error, const QString &message);
    void setState(LpmSupervisor::State state);

    LpmSupervisor *q_ptr;
    const LpmSupervisorConfig config;
    int targetCount;
    LpmSupervisor::State state = LpmSupervisor::State::Stopped;
    LpmSupervisor::Error error = LpmSupervisor::Error::NoError;
    QString errorString;
    // False from a kill until start(): new requests reject with ShuttingDown.
    bool accepting = true;

    std::vector<LpmWorkerHandle *> workers; // alive or starting, in spawn order; owned
    LpmRequestTable requests;

    LpmRestartPolicy restartPolicy;
    QElapsedTimer clock;
    QTimer restartTimer;   // fires when the restart window has room again
    QTimer healthTimer;    // samples every worker's RSS
    QTimer softKillGrace;  // escalates a soft kill to a hard kill
    QTimer cancelSweep;    // looks for cancelled futures while requests are pending
    std::optional<QPromise<void>> softKillPromise;
    // Set when a worker could not be started, so requests fail instead of waiting.
    std::optional<LpmError> startFailure;
    bool restartLimitHit = false;
    // Listening sockets shared with every worker: our own copy of each descriptor and
    // the (name, payload) body that goes with it.
    struct SharedServer
    {
        QByteArray body;
        int fd;
    };
    std::vector<SharedServer> sharedServers;
    // Answers that came with a stream whose descriptor has not yet.
    struct AwaitingStream
    {
        std::unique_ptr<LpmPendingRequest> request;
        QVariant payload;
        LpmWorkerHandle *worker;
    };
    std::unordered_map<QUuid, AwaitingStream, LpmRequestTable::UuidHash> awaitingStreams;
    int restartCount = 0;
    qint64 handledCount = 0;
};
