#pragma once

#include <QtCore/qstring.h>

// W6: what one dispatch decision costs as the queue and the pool grow.
namespace DispatchCost {

// Nanoseconds per decision of the dispatch policy alone, on a pool of `workers` that
// stays loaded (every decision adds a request in flight, an answer takes one back).
double pickNs(int workers, int decisions);

struct Queued
{
    double enqueueUs = 0; // per enqueue() while the queue grows to `queued`
    double drainUs = 0;   // per request, from start() until every queued one is answered
};

// Through the public API: enqueues `queued` requests before start(), so they all wait
// in the queue, then starts `workers` workers and times the drain. With priorities > 1
// each request gets one of that many priorities, mixed pseudo-randomly.
Queued queued(const QString &workerProgram, int workers, int queued, int priorities = 1);

} // namespace DispatchCost
