#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmsettlements_p.h"

#include <lpm/lpmsupervisor.h>

#include <QtCore/qpromise.h>

#include <optional>

class LpmAutoscaler;
class LpmEventBridge;
class LpmRequestRouter;
class LpmWorkerHandle;
class LpmWorkerPool;
class QTimer;

// The pool's state machine: Stopped → Starting → Online → Draining/Stopping →
// Stopped, the soft kill's promise and grace, SIGINT, the error state, and the
// wiring between the parts: the router (requests), the worker pool (the workers'
// lives) and the event bridge (events and broadcasts). Each part is a child of the
// supervisor object, so all of them follow it into another thread.
class LpmSupervisorPrivate
{
    Q_DECLARE_PUBLIC(LpmSupervisor)
public:
    // How long a hard-killed worker may take to exit before it gets SIGKILL.
    static constexpr int HardKillGraceMs = 1000;

    LpmSupervisorPrivate(LpmSupervisor *q, const LpmSupervisorConfig &config);
    ~LpmSupervisorPrivate();

    void start();
    QFuture<void> softKill(int graceMs);
    void hardKill();
    void resize(int count);
    bool setWorkerBounds(int minCount, int maxCount);
    bool isRunning() const;

    void wire(LpmWorkerHandle *worker);
    void onWorkerReady();
    void onWorkerExited(LpmWorkerHandle *worker, const LpmWorkerExit &exit);
    void onQueueEmpty();
    void replaceLost();
    void checkOnline();
    // Ends a drain or stop once no worker is left; adds what must be rejected then.
    void takeUnservable(LpmSettlements &settlements);
    void finishStopIfDone(LpmSettlements &settlements);
    void onInterrupted();
    void setError(LpmSupervisor::Error error, const QString &detail);
    void setState(LpmSupervisor::State state);

    LpmSupervisor *q_ptr;
    const LpmSupervisorConfig config;
    LpmSupervisor::State state = LpmSupervisor::State::Stopped;
    LpmSupervisor::Error error = LpmSupervisor::Error::NoError;
    QString errorString;

    LpmWorkerPool *pool;
    LpmRequestRouter *router;
    LpmEventBridge *bridge;
    LpmAutoscaler *autoscaler;
    QTimer *softKillGrace; // escalates a soft kill to a hard kill
    std::optional<QPromise<void>> softKillPromise;
};
