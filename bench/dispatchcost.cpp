#include "dispatchcost.h"

#include "benchcommon.h"

// The policy is a pure template over plain data, so it is measured as the supervisor
// runs it, without processes in the way.
#include "lpmdispatcher_p.h"

#include <lpm/lpm.h>

#include <QtCore/qelapsedtimer.h>

#include <cstdio>
#include <vector>

namespace DispatchCost {

double pickNs(int workers, int decisions)
{
    std::vector<LpmWorkerLoad> loads(size_t(qMax(1, workers)));
    for (size_t i = 0; i < loads.size(); ++i) {
        loads[i].accepting = true;
        loads[i].rss = qint64(12 << 20) + qint64(i % 7) * 4096; // distinct, unordered
    }
    const auto self = [](const LpmWorkerLoad &load) -> const LpmWorkerLoad & { return load; };
    size_t checksum = 0; // keeps the compiler from dropping the decisions
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < decisions; ++i) {
        const auto picked = LpmDispatcher::pickForRequest(loads.begin(), loads.end(), self);
        ++picked->inFlight;
        checksum += size_t(picked - loads.begin());
        // An answer comes back from a worker in turn, so loads shift between decisions.
        LpmWorkerLoad &answering = loads[size_t(i) % loads.size()];
        if (answering.inFlight > 0)
            --answering.inFlight;
    }
    const double ns = double(timer.nsecsElapsed()) / decisions;
    if (checksum == size_t(-1))
        std::puts("");
    return ns;
}

Queued queued(const QString &workerProgram, int workers, int queued, int priorities)
{
    Queued result;
    LpmSupervisorConfig config;
    config.worker.program = workerProgram;
    config.worker.count = workers;
    LpmSupervisor supervisor(config);
    int answered = 0;
    const auto count = [&answered](const LpmResponse &) { ++answered; };
    const QVariantMap payload = BenchCommon::payload();
    // Amortized over the whole queue: a single batch could land on a rehash of the
    // request table and say more about that one moment than about growth.
    LpmRequestOptions options;
    quint32 mix = 12345; // a fixed LCG: the same mix every run
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < queued; ++i) {
        if (priorities > 1) {
            mix = mix * 1664525u + 1013904223u;
            options.priority = int((mix >> 16) % quint32(priorities));
        }
        supervisor.enqueue(payload, options).then(count);
    }
    result.enqueueUs = double(timer.nsecsElapsed()) / 1000.0 / queued;

    timer.restart();
    supervisor.start();
    if (!BenchCommon::spinUntil([&] { return answered == queued; }))
        std::fprintf(stderr, "lpm-bench: W6 drain of %d timed out\n", queued);
    result.drainUs = double(timer.nsecsElapsed()) / 1000.0 / queued;
    return result;
}

} // namespace DispatchCost
