#include "soak.h"

#include "benchcommon.h"
#include "procmemory.h"

#include <lpm/lpm.h>

#include <QtCore/qbuffer.h>
#include <QtCore/qdir.h>
#include <QtCore/qelapsedtimer.h>

#include <cstdio>
#include <deque>
#include <memory>

#include <malloc.h>

namespace Soak {

namespace {

// Requests in flight at once: enough to keep both workers busy, few enough that
// timeouts and cancellations meet requests in every state.
constexpr int Window = 2000;
constexpr int Samples = 20;

int descriptorsOf(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::Files | QDir::System).size());
}

} // namespace

Result run(const QString &workerProgram, qint64 requests, int workers)
{
    Result result;
    LpmSupervisorConfig config;
    config.worker.program = workerProgram;
    config.worker.arguments = { QStringLiteral("soak") };
    config.worker.count = workers;
    LpmSupervisor supervisor(config);
    bool online = false;
    QObject::connect(&supervisor, &LpmSupervisor::online, [&] { online = true; });
    supervisor.start();
    BenchCommon::spinUntil([&] { return online; }, 60000);

    const QByteArray streamed(4096, 'x');
    qint64 sent = 0, completed = 0;
    const qint64 sampleEvery = qMax<qint64>(1, requests / Samples);
    std::deque<std::unique_ptr<QBuffer>> sources; // alive until their request ends
    auto sample = [&] {
        Sample s;
        s.completed = completed;
        s.supervisorDescriptors = descriptorsOf(QCoreApplication::applicationPid());
        s.supervisorRssMiB = ProcMemory::rssMiB(QCoreApplication::applicationPid());
        s.supervisorHeapMiB = double(::mallinfo2().uordblks) / (1024.0 * 1024.0);
        for (const LpmWorkerHealth &h : supervisor.health()) {
            s.workerDescriptors += descriptorsOf(h.pid);
            s.workerRssMiB += ProcMemory::rssMiB(h.pid);
        }
        s.pending = supervisor.pendingCount();
        result.samples.append(s);
    };
    auto ended = [&] {
        ++completed;
        if (completed % sampleEvery == 0)
            sample();
    };
    std::function<void()> refill = [&] {
        while (sent < requests && sent - completed < Window) {
            const qint64 n = sent++;
            LpmRequestOptions options;
            QFuture<LpmResponse> future;
            switch (n % 20) {
            case 0: // times out: answered after 50 ms, given 5
                options.timeout = 5;
                future = supervisor.enqueue(QVariantMap{ { QStringLiteral("sleepMs"), 50 } }, options);
                ++result.timedOut;
                break;
            case 1: { // cancelled by its caller while the worker holds it
                // Ended for its caller now. (Qt 6.4 runs no onCanceled() behind an
                // onFailed(): a cancelled future takes no continuation chain here.)
                QFuture<LpmResponse> canceled =
                        supervisor.enqueue(QVariantMap{ { QStringLiteral("sleepMs"), 1000 } });
                canceled.cancel();
                ++result.canceled;
                ended();
                continue;
            }
            case 2: { // a stream to the worker
                auto buffer = std::make_unique<QBuffer>();
                buffer->setData(streamed);
                buffer->open(QIODevice::ReadOnly);
                future = supervisor.enqueue(QVariant(), buffer.get());
                sources.push_back(std::move(buffer));
                ++result.streams;
                break;
            }
            case 3: // a stream back, read to its end
                future = supervisor.enqueue(QVariantMap{ { QStringLiteral("streamBack"), 4096 } });
                ++result.streams;
                break;
            default: // answered at once, with a timeout that never fires
                options.timeout = 60000;
                future = supervisor.enqueue(BenchCommon::payload(), options);
                ++result.answered;
                break;
            }
            future.then(&supervisor, [&](const LpmResponse &response) {
                    if (QIODevice *stream = response.stream())
                        stream->readAll(); // what is left of it goes with the response
                    ended();
                    refill();
                })
                    .onFailed(&supervisor, [&] {
                        ended();
                        refill();
                    });
        }
        // Sources of requests long over go; a window's worth stays.
        while (sources.size() > size_t(Window))
            sources.pop_front();
    };
    QElapsedTimer timer;
    timer.start();
    sample();
    refill();
    if (!BenchCommon::spinUntil([&] { return completed == requests; }, 3600000))
        std::fprintf(stderr, "lpm-bench: the soak run did not finish (%lld of %lld)\n", completed, requests);
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}

double slopePerMillion(const QList<Sample> &samples, double (*y)(const Sample &))
{
    // Leave out the first sample (the pool at rest, before anything warmed up) and the
    // last (the window draining at the end): the slope is the one under load.
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (qsizetype i = 1; i + 1 < samples.size(); ++i) {
        const double x = double(samples.at(i).completed) / 1e6;
        const double v = y(samples.at(i));
        n += 1;
        sx += x;
        sy += v;
        sxx += x * x;
        sxy += x * v;
    }
    const double denominator = n * sxx - sx * sx;
    return denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
}

} // namespace Soak
