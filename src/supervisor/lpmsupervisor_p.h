#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmpendingrequest_p.h"
#include "lpmrestartpolicy_p.h"

#include <lpm/lpmsupervisor.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qtimer.h>

#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

class LpmWorkerHandle;
namespace LpmIpc { struct Message; }

struct LpmUuidHash
{
    size_t operator()(const QUuid &id) const noexcept { return qHash(id); }
};

class LpmSupervisorPrivate
{
    Q_DECLARE_PUBLIC(LpmSupervisor)
public:
    LpmSupervisorPrivate(LpmSupervisor *q, const LpmSupervisorConfig &config);

    // Requests: accepted in the supervisor's thread, then queued or sent.
    void accept(std::unique_ptr<LpmPendingRequest> request);
    void dispatchQueued();
    bool sendTo(LpmWorkerHandle *worker, LpmPendingRequest *request);
    void onAnswer(LpmWorkerHandle *worker, const LpmIpc::Message &message);
    void finishRequest(const QUuid &id);
    void rejectQueued(const LpmError &error);
    // Why no worker can ever take a request right now, or nullopt if one may.
    std::optional<LpmError> unservableReason() const;

    // Workers.
    void spawnWorker();
    void onWorkerStateChanged(LpmWorkerHandle *worker);
    void onWorkerExited(LpmWorkerHandle *worker);
    void replaceWorkersIfAllowed();
    void checkOnline();
    void stopAllWorkers();
    void setError(LpmSupervisor::Error error, const QString &message);
    void setState(LpmSupervisor::State state);

    LpmSupervisor *q_ptr;
    const LpmSupervisorConfig config;
    LpmSupervisor::State state = LpmSupervisor::State::Stopped;
    LpmSupervisor::Error error = LpmSupervisor::Error::NoError;
    QString errorString;

    std::vector<LpmWorkerHandle *> workers; // live or starting, in spawn order; owned
    std::unordered_map<QUuid, std::unique_ptr<LpmPendingRequest>, LpmUuidHash> requests;
    std::deque<QUuid> queue; // ids of queued requests; stale ids are skipped
    int queuedCount = 0;

    LpmRestartPolicy restartPolicy;
    QElapsedTimer clock;
    QTimer restartTimer;  // fires when the restart window has room again
    QTimer healthTimer;   // samples every worker's RSS
    // Set when a worker could not be started, so requests fail instead of waiting.
    std::optional<LpmError> startFailure;
    bool restartLimitHit = false;
};
