// lpm-bench: how fast LPM answers, against a raw socketpair floor measured in the
// same run. Every figure is the median of --runs runs; raw values follow in brackets.
//
//   W1  sequential echo round trips, one in flight (p50, p99 in µs; req/s)
//   W2  pipelined echo requests, all enqueued at once (req/s), then twice with a
//       timeout on every request and twice without (W2_warm: the passes to weigh it
//       against), in the order A B B A
//   W3  start() to online() for 2 and 8 workers (ms), also from a fork server
//   W3b respawn: a worker whose start-up costs 200 ms is killed; ms until its
//       replacement is ready, without and with a fork server
//   W4  idle worker memory, RSS and PSS (MiB), a moment after online()
//   W5  a stream through a worker that reads and discards it (MiB/s), with the peak
//       RSS of both processes
//   W6  dispatch cost as the queue (10k to 1M) and the pool (2 to 64) grow, and with
//       eight priorities mixed (100k, 1M)
//   W7  connections handed over to workers per second
//   W8  round trips of a 64 KiB, 1 MiB and 16 MiB QByteArray, echoed (µs, median),
//       through shared memory and through the socket alone
//   W9  pipelined echo requests (as W2) with workers recycled every 1,000 requests
//       (maxRequests), against the same pool without recycling
//   W10 (only with --only W10, as root) W1 and W2 through remote launchers against
//       local workers, in one run: ssh to an sshd on 127.0.0.1 and srun on a
//       single-node Slurm, both started here (the test suite's fixtures)
//   SOAK (only with --only SOAK) a long mixed run: --soak requests answered, timed
//       out, cancelled and streamed both ways; descriptors, memory and the table
//       sampled as it goes, reported with their slope per million requests
//
// Payload {Hello: "World"}; the worker answers with it. --json prints the raw values
// for scripts (bench/peers/run-all.sh builds its comparison table from them).

#include "benchcommon.h"
#include "benchstats.h"
#include "dispatchcost.h"
#include "lpmslurmfixture.h"
#include "lpmsshfixture.h"
#include "procmemory.h"
#include "sockethandoff.h"
#include "soak.h"
#include "socketpairfloor.h"

#include <lpm/lpm.h>

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qmap.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qset.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <tuple>

using BenchCommon::spinUntil;

namespace {

// The size of one LPM request frame for the payload above, so the floor moves as
// many bytes per message.
constexpr int FloorMessageSize = 48;
// How long a fresh pool idles before its memory is read: lazy initialisation is done
// by then, and every peer gets the same pause.
constexpr int IdleSettleMs = 200;

// A sequential source of zeros that costs nothing to produce.
class ZeroDevice : public QIODevice
{
public:
    explicit ZeroDevice(qint64 size) : m_left(size) { open(QIODevice::ReadOnly); }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_left + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = qMin(maxSize, m_left);
        if (n <= 0)
            return -1;
        std::memset(data, 0, size_t(n));
        m_left -= n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    qint64 m_left;
};

struct Options
{
    int workers = 2;
    int sequential = 10000;
    int pipelined = 100000;
    qint64 streamBytes = 256 << 20;
    int handoffs = 5000;
    int queueMax = 1000000;
    qint64 soak = 1000000;
    int runs = 3;
    int firstRun = 0; // runs are numbered from it
    bool floor = true; // --no-floor: LPM alone (to profile it)
    QSet<QString> only; // workloads to run ("W1".."W7", "SOAK"); empty: all but SOAK
    bool wants(const char *w) const { return only.isEmpty() || only.contains(QLatin1String(w)); }
    bool wantsSoak() const { return only.contains(QStringLiteral("SOAK")); }
};

// Raw values per metric, one per run.
using Series = QMap<QString, QList<double>>;

const QString WorkerProgram = QStringLiteral(LPM_BENCH_WORKER);

// Starts a pool and returns the ms from start() to online(); exits if it never comes.
double startPool(LpmSupervisor &supervisor)
{
    bool online = false;
    QObject::connect(&supervisor, &LpmSupervisor::online, [&online] { online = true; });
    QElapsedTimer timer;
    timer.start();
    supervisor.start();
    if (!spinUntil([&] { return online; }, 60000)) {
        std::fprintf(stderr, "lpm-bench: the workers did not come online\n");
        std::exit(1);
    }
    return double(timer.nsecsElapsed()) / 1e6;
}

LpmSupervisorConfig configFor(int workers, bool forkServer = false)
{
    LpmSupervisorConfig config;
    config.worker.program = WorkerProgram;
    config.worker.count = workers;
    config.worker.forkServer = forkServer;
    return config;
}

// The supervisor rightly warns of each SIGKILL it did not send; W3b sends them.
QtMessageHandler passOnMessages = nullptr;
void dropOwnKillWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg && message.contains(QLatin1String("which LPM did not send")))
        return;
    if (passOnMessages)
        passOnMessages(type, context, message);
    else
        std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

// W3b: a worker whose start-up costs startupMs is killed; returns the median ms from
// the kill to its replacement's ready(), over rounds. No backoff: the figure is the
// start-up, not the restart policy's wait.
double respawnMs(bool forkServer, int startupMs, int rounds)
{
    passOnMessages = qInstallMessageHandler(dropOwnKillWarnings);
    const auto restoreMessages = qScopeGuard([] { qInstallMessageHandler(passOnMessages); });
    LpmSupervisorConfig config = configFor(1, forkServer);
    config.worker.backoffInitial = 0;
    config.worker.restarts = 100;
    config.worker.environment.insert(QStringLiteral("LPM_BENCH_STARTUP_MS"), QString::number(startupMs));
    LpmSupervisor supervisor(config);
    startPool(supervisor);
    qint64 readyPid = 0;
    QObject::connect(&supervisor, &LpmSupervisor::workerStateChanged, [&readyPid](qint64 pid, LpmWorkerStatus::State state) {
        if (state == LpmWorkerStatus::State::Ready)
            readyPid = pid;
    });
    QList<double> times;
    for (int round = 0; round < rounds; ++round) {
        const qint64 victim = supervisor.health().value(0).pid;
        QElapsedTimer timer;
        timer.start();
        ::kill(pid_t(victim), SIGKILL);
        if (!spinUntil([&] { return readyPid != 0 && readyPid != victim; }, 60000)) {
            std::fprintf(stderr, "lpm-bench: no replacement became ready\n");
            std::exit(1);
        }
        times.append(double(timer.nsecsElapsed()) / 1e6);
    }
    return BenchStats::quantile(times, 0.5);
}

// Sends count requests one after the other; each is enqueued from the previous one's
// continuation, which runs in the supervisor's thread as soon as the answer is in.
void sequential(LpmSupervisor &supervisor, int count, QList<double> *latenciesUs, double *perSecond)
{
    int remaining = count;
    QElapsedTimer total;
    QElapsedTimer one;
    const QVariantMap payload = BenchCommon::payload();
    std::function<void()> next = [&] {
        one.start();
        supervisor.enqueue(payload).then([&](const LpmResponse &) {
            if (latenciesUs)
                latenciesUs->append(double(one.nsecsElapsed()) / 1000.0);
            if (--remaining > 0)
                next();
        });
    };
    total.start();
    next();
    spinUntil([&] { return remaining == 0; });
    if (perSecond)
        *perSecond = count / (double(total.nsecsElapsed()) / 1e9);
}

// W8: the median µs of one round trip of a QByteArray of bytes (sent, echoed back).
double largeRoundTripUs(LpmSupervisor &supervisor, qsizetype bytes, int rounds)
{
    QByteArray payload(bytes, Qt::Uninitialized);
    for (qsizetype i = 0; i < bytes; i += 4096)
        payload[i] = char(i >> 12); // touched: no page is first faulted inside a round trip
    QList<double> times;
    for (int round = 0; round < rounds; ++round) {
        QElapsedTimer timer;
        timer.start();
        QFuture<LpmResponse> answer = supervisor.enqueue(payload);
        spinUntil([&] { return answer.isFinished(); });
        const qint64 ns = timer.nsecsElapsed();
        if (answer.result().data().toByteArray().size() != bytes) {
            std::fprintf(stderr, "lpm-bench: W8 echoed the wrong number of bytes\n");
            std::exit(1);
        }
        times.append(double(ns) / 1000.0);
    }
    return BenchStats::quantile(times, 0.5);
}

// W8 at its three sizes, each figure named W8_<size><suffix>_us.
void largePayloads(LpmSupervisor &supervisor, const QString &suffix, Series *lpm)
{
    for (const auto &[label, bytes, rounds] : { std::tuple{ "64k", 64 << 10, 200 },
                                                std::tuple{ "1m", 1 << 20, 50 },
                                                std::tuple{ "16m", 16 << 20, 10 } }) {
        largeRoundTripUs(supervisor, bytes, 2); // warm-up: buffers grown, pages faulted
        (*lpm)[QStringLiteral("W8_%1%2_us").arg(QLatin1String(label), suffix)].append(
                largeRoundTripUs(supervisor, bytes, rounds));
    }
}

// timeoutMs > 0: every request has that timeout (which none reaches), to weigh what
// a deadline per request costs.
double pipelined(LpmSupervisor &supervisor, int count, int timeoutMs = 0)
{
    int answered = 0;
    const QVariantMap payload = BenchCommon::payload();
    LpmRequestOptions options;
    if (timeoutMs > 0)
        options.timeout = timeoutMs;
    QElapsedTimer total;
    total.start();
    for (int i = 0; i < count; ++i)
        supervisor.enqueue(payload, options).then([&answered](const LpmResponse &) { ++answered; });
    spinUntil([&] { return answered == count; });
    return count / (double(total.nsecsElapsed()) / 1e9);
}

void streamThrough(LpmSupervisor &supervisor, qint64 bytes, Series *lpm)
{
    ZeroDevice source(bytes);
    QElapsedTimer timer;
    timer.start();
    bool done = false;
    qint64 received = 0;
    supervisor.enqueue(QVariant(), &source).then([&](const LpmResponse &r) {
        received = r.data().toLongLong();
        done = true;
    });
    spinUntil([&] { return done; });
    (*lpm)[QStringLiteral("W5_mibps")].append(double(bytes) / (1024.0 * 1024.0)
                                              / (double(timer.nsecsElapsed()) / 1e9));
    if (received != bytes)
        std::fprintf(stderr, "lpm-bench: the worker read %lld of %lld bytes\n", received, bytes);
    double workerPeak = 0;
    for (const LpmWorkerHealth &h : supervisor.health())
        workerPeak = qMax(workerPeak, ProcMemory::peakRssMiB(h.pid));
    (*lpm)[QStringLiteral("W5_peak_supervisor_mib")].append(
            ProcMemory::peakRssMiB(QCoreApplication::applicationPid()));
    (*lpm)[QStringLiteral("W5_peak_worker_mib")].append(workerPeak);
}

// The mean over the pool's workers of one memory figure.
double meanOverWorkers(const LpmSupervisor &supervisor, double (*figure)(qint64))
{
    const QList<LpmWorkerHealth> health = supervisor.health();
    double sum = 0;
    for (const LpmWorkerHealth &h : health)
        sum += figure(h.pid);
    return health.isEmpty() ? 0 : sum / health.size();
}

// W1 to W5 and W7 on one pool of opts.workers, then W3 again with 8 workers. run is
// the run's number (--first-run, then counting up).
void runPool(const Options &opts, int run, Series *lpm)
{
    {
        LpmSupervisor supervisor(configFor(opts.workers));
        (*lpm)[QStringLiteral("W3_%1w_ms").arg(opts.workers)].append(startPool(supervisor));
        if (opts.wants("W4")) {
            spinUntil([] { return false; }, IdleSettleMs);
            (*lpm)[QStringLiteral("W4_rss_mib")].append(meanOverWorkers(supervisor, ProcMemory::rssMiB));
            (*lpm)[QStringLiteral("W4_pss_mib")].append(meanOverWorkers(supervisor, ProcMemory::pssMiB));
        }
        // First, while this process is small: its peak RSS is then the stream's doing.
        if (opts.wants("W5"))
            streamThrough(supervisor, opts.streamBytes, lpm);
        if (opts.wants("W1")) {
            sequential(supervisor, 1000, nullptr, nullptr); // warm-up
            QList<double> latencies;
            double perSecond = 0;
            latencies.reserve(opts.sequential);
            sequential(supervisor, opts.sequential, &latencies, &perSecond);
            (*lpm)[QStringLiteral("W1_p50_us")].append(BenchStats::quantile(latencies, 0.50));
            (*lpm)[QStringLiteral("W1_p99_us")].append(BenchStats::quantile(latencies, 0.99));
            (*lpm)[QStringLiteral("W1_rps")].append(perSecond);
        }
        if (opts.wants("W2")) {
            // First, right after W1's warm-up, as every peer runs it.
            (*lpm)[QStringLiteral("W2_rps")].append(pipelined(supervisor, opts.pipelined));
            // That first pass also grows this process's heap, a page fault per fresh
            // page, which later passes reuse, and whichever series came next ran up to
            // 30 % ahead or behind the other. So the timeout series is weighed against
            // plain passes as warm as itself (W2_warm): two of each per run, in the
            // order A B B A, so that each pair has one of each order and a drift
            // through the run cancels; A alternates from run to run.
            const auto timed = [&] {
                (*lpm)[QStringLiteral("W2_timeout_rps")].append(pipelined(supervisor, opts.pipelined, 600000));
            };
            const auto warm = [&] {
                (*lpm)[QStringLiteral("W2_warm_rps")].append(pipelined(supervisor, opts.pipelined));
            };
            const bool timedFirst = run % 2 == 0;
            for (const bool timedNow : { timedFirst, !timedFirst, !timedFirst, timedFirst })
                timedNow ? timed() : warm();
        }
        if (opts.wants("W7"))
            (*lpm)[QStringLiteral("W7_hps")].append(SocketHandoff::perSecond(supervisor, opts.handoffs));
        if (opts.wants("W8"))
            largePayloads(supervisor, QString(), lpm);
    }
    if (opts.wants("W8")) { // the same without shared memory: through the socket
        LpmSupervisorConfig config = configFor(opts.workers);
        config.worker.sharedMemory = 0;
        LpmSupervisor supervisor(config);
        startPool(supervisor);
        largePayloads(supervisor, QStringLiteral("_socket"), lpm);
    }
    if (opts.wants("W3") && opts.workers != 8) {
        LpmSupervisor supervisor(configFor(8));
        (*lpm)[QStringLiteral("W3_8w_ms")].append(startPool(supervisor));
    }
    if (opts.wants("W3")) { // the same starts from a fork server
        for (const int workers : { opts.workers, 8 }) {
            LpmSupervisor supervisor(configFor(workers, true));
            (*lpm)[QStringLiteral("W3_%1w_fork_ms").arg(workers)].append(startPool(supervisor));
            if (workers == 8)
                break;
        }
    }
    if (opts.wants("W3B")) {
        (*lpm)[QStringLiteral("W3b_respawn_ms")].append(respawnMs(false, 200, 5));
        (*lpm)[QStringLiteral("W3b_respawn_fork_ms")].append(respawnMs(true, 200, 5));
    }
}

// W10: what a remote launcher's channel costs, on this machine: the same W1 and W2
// through ssh (encrypted, over loopback) and srun (relayed by slurmstepd), against
// local workers in the same run. The fixtures start once and serve every run.
struct RemoteFixtures
{
    RemoteFixtures()
    {
        if (!ssh.start(false, &sshWhy))
            std::fprintf(stderr, "lpm-bench: W10 leaves ssh out: %s\n", qPrintable(sshWhy));
        if (!slurm.start(&slurmWhy))
            std::fprintf(stderr, "lpm-bench: W10 leaves srun out: %s\n", qPrintable(slurmWhy));
    }
    LpmTest::SshFixture ssh;
    LpmTest::SlurmFixture slurm;
    QString sshWhy;
    QString slurmWhy;
};

void runRemote(const Options &opts, RemoteFixtures &fixtures, Series *lpm)
{
    const LpmTest::SshFixture &ssh = fixtures.ssh;
    const LpmTest::SlurmFixture &slurm = fixtures.slurm;
    const QString &sshWhy = fixtures.sshWhy;
    const QString &slurmWhy = fixtures.slurmWhy;
    struct Launched
    {
        QString name;
        LpmLauncher launcher;
        QProcessEnvironment environment;
    };
    QList<Launched> launchers{ { QStringLiteral("local"), LpmLauncher::local(), QProcessEnvironment::systemEnvironment() } };
    if (sshWhy.isEmpty())
        launchers.append({ QStringLiteral("ssh"), ssh.launcher(), QProcessEnvironment::systemEnvironment() });
    if (slurmWhy.isEmpty())
        launchers.append({ QStringLiteral("srun"), LpmLauncher::slurm(), slurm.environment() });
    for (const Launched &launched : std::as_const(launchers)) {
        LpmSupervisorConfig config = configFor(opts.workers);
        config.worker.launchers = { launched.launcher };
        config.worker.environment = launched.environment;
        LpmSupervisor supervisor(config);
        startPool(supervisor);
        sequential(supervisor, 500, nullptr, nullptr); // warm-up
        QList<double> latencies;
        latencies.reserve(opts.sequential);
        sequential(supervisor, opts.sequential, &latencies, nullptr);
        (*lpm)[QStringLiteral("W10_W1_p50_us_") + launched.name].append(BenchStats::quantile(latencies, 0.50));
        (*lpm)[QStringLiteral("W10_W2_rps_") + launched.name].append(pipelined(supervisor, opts.pipelined));
    }
}

// W9: what recycling costs. A replacement starts before its worker stops taking work,
// so the pool's capacity never dips; what remains is the replacements' start-up.
void runRecycling(const Options &opts, Series *lpm)
{
    for (const int maxRequests : { 0, 1000 }) {
        LpmSupervisorConfig config = configFor(opts.workers);
        config.worker.maxRequests = maxRequests;
        config.worker.maxRequestsJitter = maxRequests / 10;
        LpmSupervisor supervisor(config);
        startPool(supervisor);
        const double rps = pipelined(supervisor, opts.pipelined);
        (*lpm)[maxRequests ? QStringLiteral("W9_rps_recycled_every_1000") : QStringLiteral("W9_rps_never_recycled")]
                .append(rps);
    }
}

void runFloor(const Options &opts, Series *floor)
{
    if (opts.wants("W5"))
        (*floor)[QStringLiteral("W5_mibps")].append(SocketpairFloor::streamMiBPerSecond(opts.streamBytes));
    if (!opts.wants("W1") && !opts.wants("W2"))
        return;
    const SocketpairFloor::Result r =
            SocketpairFloor::measure(opts.sequential, opts.pipelined, FloorMessageSize);
    (*floor)[QStringLiteral("W1_p50_us")].append(BenchStats::quantile(r.latenciesUs, 0.50));
    (*floor)[QStringLiteral("W1_p99_us")].append(BenchStats::quantile(r.latenciesUs, 0.99));
    (*floor)[QStringLiteral("W1_rps")].append(r.sequentialPerSecond);
    (*floor)[QStringLiteral("W2_rps")].append(r.pipelinedPerSecond);
}

QString queueLabel(int n)
{
    return n >= 1000000 ? QStringLiteral("%1M").arg(n / 1000000) : QStringLiteral("%1k").arg(n / 1000);
}

void runDispatchCost(const Options &opts, Series *lpm)
{
    for (int workers : { 2, 8, 64 })
        (*lpm)[QStringLiteral("W6_pick_ns_%1w").arg(workers)].append(DispatchCost::pickNs(workers, 2000000));
    for (int queued = 10000; queued <= opts.queueMax; queued *= 10) {
        const DispatchCost::Queued q = DispatchCost::queued(WorkerProgram, 2, queued);
        (*lpm)[QStringLiteral("W6_enqueue_us_%1").arg(queueLabel(queued))].append(q.enqueueUs);
        (*lpm)[QStringLiteral("W6_drain_us_%1").arg(queueLabel(queued))].append(q.drainUs);
    }
    // Mixed priorities: eight of them, interleaved at random.
    for (int queued = 100000; queued <= opts.queueMax; queued *= 10) {
        const DispatchCost::Queued q = DispatchCost::queued(WorkerProgram, 2, queued, 8);
        (*lpm)[QStringLiteral("W6_enqueue_us_%1_8prio").arg(queueLabel(queued))].append(q.enqueueUs);
        (*lpm)[QStringLiteral("W6_drain_us_%1_8prio").arg(queueLabel(queued))].append(q.drainUs);
    }
    // The pool grows: the same drain with 64 workers, each decision scanning them all.
    const DispatchCost::Queued wide = DispatchCost::queued(WorkerProgram, 64, 100000);
    (*lpm)[QStringLiteral("W6_drain_us_100k_64w")].append(wide.drainUs);
}

QString figures(const QList<double> &values, int precision)
{
    QStringList raw;
    for (double v : values)
        raw.append(QString::number(v, 'f', precision));
    return QStringLiteral("%1 [%2]")
            .arg(BenchStats::median(values), 0, 'f', precision)
            .arg(raw.join(QLatin1Char(' ')));
}

// One table row per metric present; the floor column where a floor was measured.
void printTable(const Series &lpm, const Series &floor)
{
    std::printf("| %-34s | %-34s | %-34s | %-16s |\n", "metric", "LPM", "socketpair floor", "ratio");
    std::printf("|%s|%s|%s|%s|\n", QByteArray(36, '-').constData(), QByteArray(36, '-').constData(),
                QByteArray(36, '-').constData(), QByteArray(18, '-').constData());
    for (auto it = lpm.cbegin(); it != lpm.cend(); ++it) {
        const QString &key = it.key();
        // Rates are better high; times and sizes are better low.
        const bool higherIsBetter = key.endsWith(QLatin1String("ps"));
        const int precision = higherIsBetter && !key.startsWith(QLatin1String("W5")) ? 0 : 2;
        const QList<double> floorValues = floor.value(key);
        QString ratio = QStringLiteral("-");
        if (!floorValues.isEmpty()) {
            const double r = BenchStats::median(it.value()) / BenchStats::median(floorValues);
            ratio = higherIsBetter ? QStringLiteral("%1 % of floor").arg(r * 100, 0, 'f', 1)
                                   : QStringLiteral("%1x floor").arg(r, 0, 'f', 2);
        }
        std::printf("| %-34s | %-34s | %-34s | %-16s |\n", qPrintable(key),
                    qPrintable(figures(it.value(), precision)),
                    floorValues.isEmpty() ? "-" : qPrintable(figures(floorValues, precision)),
                    qPrintable(ratio));
    }
}

QJsonObject toJson(const Series &series)
{
    QJsonObject object;
    for (auto it = series.cbegin(); it != series.cend(); ++it) {
        QJsonArray values;
        for (double v : it.value())
            values.append(v);
        object.insert(it.key(), values);
    }
    return object;
}

void printSoak(const Soak::Result &r)
{
    std::printf("SOAK: %lld requests in %.1f s (%lld answered, %lld timed out, %lld cancelled, "
                "%lld streams)\n\n",
                r.samples.isEmpty() ? 0 : r.samples.last().completed, r.seconds, r.answered, r.timedOut,
                r.canceled, r.streams);
    std::printf("| %10s | %12s | %12s | %14s | %14s | %14s | %8s |\n", "completed", "sup. fds", "worker fds",
                "sup. RSS MiB", "sup. heap MiB", "worker RSS MiB", "pending");
    std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", QByteArray(12, '-').constData(), QByteArray(14, '-').constData(),
                QByteArray(14, '-').constData(), QByteArray(16, '-').constData(),
                QByteArray(16, '-').constData(), QByteArray(16, '-').constData(), QByteArray(10, '-').constData());
    for (const Soak::Sample &s : r.samples)
        std::printf("| %10lld | %12d | %12d | %14.1f | %14.1f | %14.1f | %8d |\n", s.completed,
                    s.supervisorDescriptors, s.workerDescriptors, s.supervisorRssMiB, s.supervisorHeapMiB,
                    s.workerRssMiB, s.pending);
    const auto slope = [&r](double (*y)(const Soak::Sample &)) { return Soak::slopePerMillion(r.samples, y); };
    std::printf("\nslope per million requests: supervisor fds %+.2f, worker fds %+.2f, supervisor RSS "
                "%+.2f MiB, supervisor heap in use %+.2f MiB, worker RSS %+.2f MiB, pending %+.1f\n",
                slope([](const Soak::Sample &s) { return double(s.supervisorDescriptors); }),
                slope([](const Soak::Sample &s) { return double(s.workerDescriptors); }),
                slope([](const Soak::Sample &s) { return s.supervisorRssMiB; }),
                slope([](const Soak::Sample &s) { return s.supervisorHeapMiB; }),
                slope([](const Soak::Sample &s) { return s.workerRssMiB; }),
                slope([](const Soak::Sample &s) { return double(s.pending); }));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Measures LPM against a raw socketpair floor."));
    parser.addHelpOption();
    const auto number = [](const char *name, const char *help, const char *value) {
        return QCommandLineOption(QLatin1String(name), QLatin1String(help), QStringLiteral("n"),
                                  QLatin1String(value));
    };
    const QCommandLineOption workersOption = number("workers", "Workers in the pool.", "2");
    const QCommandLineOption sequentialOption = number("sequential", "Sequential round trips (W1).", "10000");
    const QCommandLineOption pipelinedOption = number("pipelined", "Requests enqueued at once (W2).", "100000");
    const QCommandLineOption streamOption = number("stream-mib", "MiB streamed through a worker (W5).", "256");
    const QCommandLineOption handoffsOption = number("handoffs", "Connections handed over (W7).", "5000");
    const QCommandLineOption queueOption = number("queue-max", "Largest queue for W6, from 10k up.", "1000000");
    const QCommandLineOption runsOption = number("runs", "Runs; medians are reported.", "3");
    const QCommandLineOption soakOption = number("soak", "Requests of the SOAK run.", "1000000");
    // run-all.sh starts one run at a time: it numbers them, so that orders alternate.
    const QCommandLineOption firstRunOption = number("first-run", "Number of the first run (orders alternate by it).", "0");
    const QCommandLineOption onlyOption(QStringLiteral("only"),
                                        QStringLiteral("Workloads to run, e.g. W1,W2 (default: all)."),
                                        QStringLiteral("list"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print raw values as JSON instead of a table."));
    const QCommandLineOption noFloorOption(QStringLiteral("no-floor"),
                                           QStringLiteral("Leave the socketpair floor out (to profile LPM alone)."));
    parser.addOptions({ workersOption, sequentialOption, pipelinedOption, streamOption, handoffsOption,
                        queueOption, runsOption, soakOption, firstRunOption, onlyOption, jsonOption,
                        noFloorOption });
    parser.process(app);

    Options opts;
    opts.workers = qMax(1, parser.value(workersOption).toInt());
    opts.sequential = qMax(1, parser.value(sequentialOption).toInt());
    opts.pipelined = qMax(1, parser.value(pipelinedOption).toInt());
    opts.streamBytes = qMax<qint64>(1, parser.value(streamOption).toLongLong()) * 1024 * 1024;
    opts.handoffs = qMax(1, parser.value(handoffsOption).toInt());
    opts.queueMax = qMax(10000, parser.value(queueOption).toInt());
    opts.runs = qMax(1, parser.value(runsOption).toInt());
    opts.firstRun = qMax(0, parser.value(firstRunOption).toInt());
    opts.floor = !parser.isSet(noFloorOption);
    opts.soak = qMax<qint64>(1000, parser.value(soakOption).toLongLong());
    if (parser.isSet(onlyOption)) {
        for (const QString &w : parser.value(onlyOption).split(QLatin1Char(','), Qt::SkipEmptyParts))
            opts.only.insert(w.trimmed().toUpper());
    }

    if (opts.wantsSoak()) {
        printSoak(Soak::run(WorkerProgram, opts.soak, opts.workers));
        opts.only.remove(QStringLiteral("SOAK"));
        if (opts.only.isEmpty())
            return 0;
    }

    Series lpm, floor;
    std::unique_ptr<RemoteFixtures> remote;
    if (opts.only.contains(QStringLiteral("W10")))
        remote = std::make_unique<RemoteFixtures>();
    for (int run = 0; run < opts.runs; ++run) {
        // Interleaved, so drift on a noisy machine touches both sides alike.
        if (opts.wants("W1") || opts.wants("W2") || opts.wants("W3") || opts.wants("W4")
            || opts.wants("W5") || opts.wants("W7") || opts.wants("W3B") || opts.wants("W8"))
            runPool(opts, opts.firstRun + run, &lpm);
        if (opts.floor)
            runFloor(opts, &floor);
        if (opts.wants("W9"))
            runRecycling(opts, &lpm);
        if (remote)
            runRemote(opts, *remote, &lpm);
        if (opts.wants("W6"))
            runDispatchCost(opts, &lpm);
    }

    if (parser.isSet(jsonOption)) {
        const QJsonObject root{ { QStringLiteral("lpm"), toJson(lpm) },
                                { QStringLiteral("floor"), toJson(floor) } };
        std::printf("%s\n", QJsonDocument(root).toJson(QJsonDocument::Compact).constData());
        return 0;
    }
    std::printf("lpm-bench: %d workers, %d sequential, %d pipelined, %lld MiB streamed, %d handoffs, "
                "%d runs (median [raw])\n\n",
                opts.workers, opts.sequential, opts.pipelined, opts.streamBytes / (1024 * 1024),
                opts.handoffs, opts.runs);
    printTable(lpm, floor);
    return 0;
}
