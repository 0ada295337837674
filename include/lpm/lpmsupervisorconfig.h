#pragma once

#include <lpm/lpmglobal.h>
#include <lpm/lpmlauncher.h>

#include <QtCore/qprocess.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

#include <optional>

// How the worker processes are started and kept. Defaults are the original
// package's: one worker, at most 5 restarts within 120 seconds.
struct LpmWorkerConfig
{
    QString program;             // the worker executable (the original's worker.file)
    QStringList arguments;       // passed to every worker
    int count = 1;               // workers maintained (where an autoscaling pool starts)
    // Autoscaling bounds; -1: count. While requests wait and every worker holds work,
    // the pool grows by one worker at a time (the next only once that one is ready) up
    // to maxCount; a worker idle for idleTimeout ms is retired while more than
    // minCount remain and another has been idle as long (one stays as headroom).
    // Growth and retirement are not restarts.
    int minCount = -1;
    int maxCount = -1;
    int idleTimeout = 60000;
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

    // Recycling: a worker is replaced, the replacement started first, once it has
    // answered maxRequests (+ a random 0..maxRequestsJitter of its own) requests, holds
    // more than maxMemory bytes of PSS (read from /proc/<pid>/smaps_rollup), or is older
    // than maxAge ms. Checked between requests; 0: never. Recycles are not restarts.
    int maxRequests = 0;
    int maxRequestsJitter = 0;
    qint64 maxMemory = 0;
    int maxAge = 0;
    // Milliseconds a worker holding work may leave the supervisor's heartbeat
    // unanswered before it is killed (LpmWorkerExit::Reason::Hung) and its requests
    // retried or rejected as for a crash. Its event loop answers; a long synchronous
    // handler calls LpmWorker::heartbeat() now and then. -1: off.
    int hangTimeout = -1;
    // Milliseconds before a slot whose worker crashed is refilled, doubling (with up
    // to a quarter of jitter) for each crash in a row up to backoffMax; a worker that
    // stayed up backoffMax resets it. Recycles, resizes and kills wait for nothing,
    // nor does a worker that answered and then exited cleanly by itself. 0: none.
    int backoffInitial = 100;
    int backoffMax = 15000;
    // The workers' environment. LPM_WORKER_INDEX (the worker's slot, 0..count-1, which a
    // replacement takes over) and LPM_WORKER_COUNT are added for each.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // Written to each worker's /proc/self/oom_score_adj, so that under memory pressure
    // the kernel takes a worker, which LPM replaces, before the application. 0: left.
    int oomScoreAdj = 300;
    // Start workers by forking a template that ran the worker program up to ready():
    // no exec, no dynamic linking, no start-up code again for a respawn or a recycle.
    // The template must have one thread at ready(); otherwise workers start normally.
    bool forkServer = false;
    // Bytes of shared memory per worker and direction through which the large byte
    // arrays of requests and answers (32 KiB and more, nested anywhere) cross instead
    // of the socket; pages are touched as used and then reused. 0: none.
    qint64 sharedMemory = 32 * 1024 * 1024;
    // How each worker is started: worker i uses launchers[i % size()] (empty: local).
    // Remote workers (ssh, Slurm, a command) talk over their launcher's stdio.
    QList<LpmLauncher> launchers = { LpmLauncher::local() };
};

// Defaults for every request; LpmRequestOptions overrides them per request.
struct LpmRequestConfig
{
    int timeout = -1;  // milliseconds; -1 = no timeout
    int retries = 0;   // re-queues after the worker died; -1 = unlimited
    // Requests waiting for a worker at most; beyond it enqueue() rejects at once with
    // LpmError::Code::QueueFull. Requests taken back from a dead worker to be retried
    // are accepted work and always re-enter. 0: unbounded.
    int maxQueued = 0;
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
    // Higher goes first; FIFO among equals. A retried request goes before the others of
    // its priority.
    int priority = 0;
};
