#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmlatency.h>
#include <lpm/lpmpoolmetrics.h>

#include <QtQml/qqml.h> // QML_FOREIGN needs more than qqmlregistration.h in 6.4

// The pool's figures as QML value types, registered from outside like the rest of the
// core library: Supervisor.metrics is a poolMetrics, its queueWait and runTime (and a
// WorkerModel row's runTime) are latencies. Read-only: they come from the pool.

struct LpmQmlPoolMetricsForeign
{
    Q_GADGET
    QML_FOREIGN(LpmPoolMetrics)
    QML_VALUE_TYPE(poolMetrics)
};

struct LpmQmlLatencyForeign
{
    Q_GADGET
    QML_FOREIGN(LpmLatency)
    QML_VALUE_TYPE(latency)
};
