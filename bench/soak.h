#pragma once

#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

// SOAK: a long run of mixed requests (answered, timed out, cancelled, streams both
// ways), sampled as it goes. Whatever the supervisor or its workers keep per request
// shows as a slope: descriptors, memory and table sizes must stay flat.
namespace Soak {

struct Sample
{
    qint64 completed = 0;         // requests ended so far
    int supervisorDescriptors = 0;
    int workerDescriptors = 0;    // summed over the pool
    double supervisorRssMiB = 0;
    double supervisorHeapMiB = 0; // malloc'd and in use: what a leak would grow

    double workerRssMiB = 0;      // summed over the pool
    int pending = 0;              // the supervisor's pendingCount()
};

struct Result
{
    QList<Sample> samples;
    double seconds = 0;
    qint64 timedOut = 0, canceled = 0, answered = 0, streams = 0;
};

Result run(const QString &workerProgram, qint64 requests, int workers);

// Least-squares slope of y against the number of completed requests, per million.
double slopePerMillion(const QList<Sample> &samples, double (*y)(const Sample &));

} // namespace Soak
