#pragma once

#include <lpm/lpmglobal.h>

#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

#include <optional>

// How the worker processes are started and kept. Defaults are the original
// package's: one worker, at most 5 restarts within 120 seconds.
struct LpmWorkerConfig
{
    QString program;             // the worker executable (the original's worker.file)
    QStringList arguments;       // passed to every worker
    int count = 1;               // workers maintained
    int restarts = 5;            // at most this many respawns ...
    int maxRestartsInInterval = 120; // ... within this many seconds (a sliding window)
    // Requests one worker holds at once at most; the rest wait in the queue for the
    // first worker with room. 0: no limit, which pipelines short requests fastest.
    // 1 suits long CPU-bound jobs: an idle worker never waits while another has a
    // backlog, and a backlog queued before start() spreads as workers come up.
    int maxInFlight = 0;
    // Milliseconds a worker may take from spawn to ready(); one that takes longer is
    // killed (LpmWorkerExit::Reason::StartTimedOut) and its slot refilled under the
    // restart policy. -1: no limit.
    int startTimeout = 30000;
};

// Defaults for every request; LpmRequestOptions overrides them per request.
struct LpmRequestConfig
{
    int timeout = -1;  // milliseconds; -1 = no timeout
    int retries = 0;   // re-queues after the worker died; -1 = unlimited
};

struct LpmSupervisorConfig
{
    LpmWorkerConfig worker;
    LpmRequestConfig request;
};

// Per-request settings; an unset member takes the supervisor's config.
struct LpmRequestOptions
{
    std::optional<int> timeout;  // milliseconds; -1 = no timeout
    std::optional<int> retries;  // -1 = unlimited
};
