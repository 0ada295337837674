#pragma once

#include <QtCore/qstring.h>

// What the monitor runs: the worker program, the pool's size and bounds, and the
// initial load. The controls change all but the program while it runs.
struct MonitorSettings
{
    QString workerProgram;
    int workers = 2;
    // Autoscaling bounds (LpmWorkerConfig::minCount/maxCount); -1: workers.
    int minWorkers = -1;
    int maxWorkers = -1;
    int idleTimeoutMs = 10000;   // short, so that a shrinking pool can be watched
    int maxQueued = 0;           // 0: unbounded
    int requestsPerSecond = 20;
    int highPriorityShare = 10;  // percent
    int tileSize = 48;           // pixels: the work per request

    static constexpr int MaxWorkers = 16;
};
