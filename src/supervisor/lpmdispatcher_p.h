#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qglobal.h>

#include <limits>

// What dispatch needs to know about one worker.
struct LpmWorkerLoad
{
    bool accepting = false;    // ready, not busy, not retiring, channel up and read
    int inFlight = 0;          // requests sent and not yet answered
    int sockets = 0;           // handed-over connections still open in the worker
    qint64 rss = 0;            // latest resident set size in bytes
    bool stopping = false;     // asked to stop (retiring, killed)
    bool hasBeenReady = false; // called ready() at least once
    bool remote = false;       // started by a remote launcher: takes no socket
};

// The dispatch policy, on plain data: which worker takes the next request or socket.
// Every decision is one pass over the workers: no sorting, no allocation. Ties go to
// the earliest worker, so decisions are stable.
namespace LpmDispatcher {

// An idle accepting worker (nothing in flight, no socket in hand) with the lowest RSS;
// when none is idle, the accepting worker with the fewest requests in flight, the
// lowest RSS breaking ties. Workers already holding maxInFlight requests are full.
// Returns last when no worker accepts.
//
// Memory figures lag behind work, so RSS alone would send a whole burst to one
// worker (the original package did); counting in-flight requests spreads it.
template <typename Iterator, typename LoadOf>
Iterator pickForRequest(Iterator first, Iterator last, LoadOf loadOf,
                        int maxInFlight = std::numeric_limits<int>::max())
{
    Iterator best = last;
    bool bestIdle = false;
    int bestInFlight = 0;
    qint64 bestRss = 0;
    for (Iterator it = first; it != last; ++it) {
        const LpmWorkerLoad &load = loadOf(*it);
        if (!load.accepting || load.inFlight >= maxInFlight)
            continue;
        const bool idle = load.inFlight == 0 && load.sockets == 0;
        bool better;
        if (best == last)
            better = true;
        else if (idle != bestIdle)
            better = idle;
        else if (!idle && load.inFlight != bestInFlight)
            better = load.inFlight < bestInFlight;
        else
            better = load.rss < bestRss;
        if (better) {
            best = it;
            bestIdle = idle;
            bestInFlight = load.inFlight;
            bestRss = load.rss;
        }
    }
    return best;
}

// The accepting local worker with the fewest sockets in hand, the lowest RSS breaking
// ties.
template <typename Iterator, typename LoadOf>
Iterator pickForSocket(Iterator first, Iterator last, LoadOf loadOf)
{
    Iterator best = last;
    int bestSockets = 0;
    qint64 bestRss = 0;
    for (Iterator it = first; it != last; ++it) {
        const LpmWorkerLoad &load = loadOf(*it);
        if (!load.accepting || load.remote)
            continue;
        if (best == last || load.sockets < bestSockets
            || (load.sockets == bestSockets && load.rss < bestRss)) {
            best = it;
            bestSockets = load.sockets;
            bestRss = load.rss;
        }
    }
    return best;
}

// The worker to retire when the pool shrinks, or last: never one already stopping;
// the one with the least work (requests in flight and sockets), one that has not come
// up yet before one that has, the earliest breaking ties.
template <typename Iterator, typename LoadOf>
Iterator pickForRetirement(Iterator first, Iterator last, LoadOf loadOf)
{
    Iterator best = last;
    int bestWork = 0;
    bool bestReady = false;
    for (Iterator it = first; it != last; ++it) {
        const LpmWorkerLoad &load = loadOf(*it);
        if (load.stopping)
            continue;
        const int work = load.inFlight + load.sockets;
        if (best == last || work < bestWork || (work == bestWork && !load.hasBeenReady && bestReady)) {
            best = it;
            bestWork = work;
            bestReady = load.hasBeenReady;
        }
    }
    return best;
}

} // namespace LpmDispatcher
