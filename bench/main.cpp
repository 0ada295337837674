// lpm-bench: how fast LPM answers, against a raw socketpair floor measured in the
// same run. Every figure is the median of --runs runs; raw values follow in brackets.
//
//   W1  sequential echo round trips, one in flight (p50, p99 in µs; req/s)
//   W2  pipelined echo requests, all enqueued at once (req/s)
//   W3  start() to online() (ms)
//   W5  a stream through a worker that reads and discards it (MiB/s), with the peak
//       RSS of both processes
//
// Payload {Hello: "World"}; the worker answers with it.

#include "benchstats.h"
#include "socketpairfloor.h"

#include <lpm/lpm.h>

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qtimer.h>

#include <cstdio>
#include <cstring>
#include <functional>

namespace {

// The size of one LPM request frame for the payload above, so the floor moves as
// many bytes per message.
constexpr int FloorMessageSize = 48;

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

// Peak resident set size (VmHWM) of a process, in MiB.
double peakRssMiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return 0;
}

struct RunResult
{
    double streamMiBPerSecond = 0;
    double supervisorPeakMiB = 0;
    double workerPeakMiB = 0;
    double startMs = 0;
    QList<double> latenciesUs;
    double sequentialPerSecond = 0;
    double pipelinedPerSecond = 0;
};

const QVariantMap Payload{ { QStringLiteral("Hello"), QStringLiteral("World") } };

// Runs the event loop until done() is true or timeoutMs passes.
bool spinUntil(const std::function<bool()> &done, int timeoutMs = 300000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

// Sends count requests one after the other; each is enqueued from the previous one's
// continuation, which runs in the supervisor's thread as soon as the answer is in.
void sequential(LpmSupervisor &supervisor, int count, QList<double> *latenciesUs, double *perSecond)
{
    int remaining = count;
    QElapsedTimer total;
    QElapsedTimer one;
    std::function<void()> next = [&] {
        one.start();
        supervisor.enqueue(Payload).then([&](const LpmResponse &) {
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

double pipelined(LpmSupervisor &supervisor, int count)
{
    int answered = 0;
    QElapsedTimer total;
    total.start();
    for (int i = 0; i < count; ++i)
        supervisor.enqueue(Payload).then([&answered](const LpmResponse &) { ++answered; });
    spinUntil([&] { return answered == count; });
    return count / (double(total.nsecsElapsed()) / 1e9);
}

void streamThrough(LpmSupervisor &supervisor, qint64 bytes, RunResult *result)
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
    result->streamMiBPerSecond = double(bytes) / (1024.0 * 1024.0) / (double(timer.nsecsElapsed()) / 1e9);
    if (received != bytes)
        std::fprintf(stderr, "lpm-bench: the worker read %lld of %lld bytes\n", received, bytes);
    result->supervisorPeakMiB = peakRssMiB(QCoreApplication::applicationPid());
    for (const LpmWorkerHealth &h : supervisor.health())
        result->workerPeakMiB = qMax(result->workerPeakMiB, peakRssMiB(h.pid));
}

RunResult runOnce(int workers, int sequentialCount, int pipelinedCount, qint64 streamBytes)
{
    RunResult result;
    LpmSupervisorConfig config;
    config.worker.program = QStringLiteral(LPM_BENCH_WORKER);
    config.worker.count = workers;
    LpmSupervisor supervisor(config);
    bool online = false;
    QObject::connect(&supervisor, &LpmSupervisor::online, [&online] { online = true; });
    QElapsedTimer start;
    start.start();
    supervisor.start();
    if (!spinUntil([&] { return online; }, 60000)) {
        std::fprintf(stderr, "lpm-bench: the workers did not come online\n");
        std::exit(1);
    }
    result.startMs = double(start.nsecsElapsed()) / 1e6;

    // First, while this process is small: its peak RSS is then the stream's doing.
    streamThrough(supervisor, streamBytes, &result);
    sequential(supervisor, 1000, nullptr, nullptr); // warm-up
    result.latenciesUs.reserve(sequentialCount);
    sequential(supervisor, sequentialCount, &result.latenciesUs, &result.sequentialPerSecond);
    result.pipelinedPerSecond = pipelined(supervisor, pipelinedCount);
    return result;
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

void printRow(const char *metric, const QList<double> &lpm, const QList<double> &floor,
              int precision, bool higherIsBetter)
{
    QString ratio = QStringLiteral("-");
    if (!floor.isEmpty()) {
        const double r = BenchStats::median(lpm) / BenchStats::median(floor);
        ratio = higherIsBetter ? QStringLiteral("%1 % of floor").arg(r * 100, 0, 'f', 1)
                               : QStringLiteral("%1x floor").arg(r, 0, 'f', 2);
    }
    std::printf("| %-34s | %-34s | %-34s | %-16s |\n", metric, qPrintable(figures(lpm, precision)),
                floor.isEmpty() ? "-" : qPrintable(figures(floor, precision)), qPrintable(ratio));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Measures LPM against a raw socketpair floor."));
    parser.addHelpOption();
    const QCommandLineOption workersOption(QStringLiteral("workers"), QStringLiteral("Workers in the pool."),
                                           QStringLiteral("n"), QStringLiteral("2"));
    const QCommandLineOption sequentialOption(QStringLiteral("sequential"),
                                              QStringLiteral("Sequential round trips (W1)."),
                                              QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption pipelinedOption(QStringLiteral("pipelined"),
                                             QStringLiteral("Requests enqueued at once (W2)."),
                                             QStringLiteral("n"), QStringLiteral("100000"));
    const QCommandLineOption streamOption(QStringLiteral("stream-mib"),
                                          QStringLiteral("MiB streamed through a worker (W5)."),
                                          QStringLiteral("n"), QStringLiteral("256"));
    const QCommandLineOption runsOption(QStringLiteral("runs"), QStringLiteral("Runs; medians are reported."),
                                        QStringLiteral("n"), QStringLiteral("3"));
    parser.addOptions({ workersOption, sequentialOption, pipelinedOption, streamOption, runsOption });
    parser.process(app);
    const int workers = qMax(1, parser.value(workersOption).toInt());
    const int sequentialCount = qMax(1, parser.value(sequentialOption).toInt());
    const int pipelinedCount = qMax(1, parser.value(pipelinedOption).toInt());
    const int runs = qMax(1, parser.value(runsOption).toInt());
    const qint64 streamBytes = qMax<qint64>(1, parser.value(streamOption).toLongLong()) * 1024 * 1024;

    QList<double> p50, p99, seqRate, pipeRate, startMs, streamRate, supervisorPeak, workerPeak;
    QList<double> floorP50, floorP99, floorSeqRate, floorPipeRate, floorStreamRate;
    for (int run = 0; run < runs; ++run) {
        // Interleaved, so drift on a noisy machine touches both sides alike.
        const RunResult lpm = runOnce(workers, sequentialCount, pipelinedCount, streamBytes);
        streamRate.append(lpm.streamMiBPerSecond);
        supervisorPeak.append(lpm.supervisorPeakMiB);
        workerPeak.append(lpm.workerPeakMiB);
        floorStreamRate.append(SocketpairFloor::streamMiBPerSecond(streamBytes));
        p50.append(BenchStats::quantile(lpm.latenciesUs, 0.50));
        p99.append(BenchStats::quantile(lpm.latenciesUs, 0.99));
        seqRate.append(lpm.sequentialPerSecond);
        pipeRate.append(lpm.pipelinedPerSecond);
        startMs.append(lpm.startMs);

        const SocketpairFloor::Result floor =
                SocketpairFloor::measure(sequentialCount, pipelinedCount, FloorMessageSize);
        floorP50.append(BenchStats::quantile(floor.latenciesUs, 0.50));
        floorP99.append(BenchStats::quantile(floor.latenciesUs, 0.99));
        floorSeqRate.append(floor.sequentialPerSecond);
        floorPipeRate.append(floor.pipelinedPerSecond);
    }

    std::printf("lpm-bench: %d workers, %d sequential, %d pipelined, %lld MiB streamed, %d runs "
                "(median [raw])\n\n",
                workers, sequentialCount, pipelinedCount, streamBytes / (1024 * 1024), runs);
    std::printf("| %-34s | %-34s | %-34s | %-16s |\n", "metric", "LPM", "socketpair floor", "ratio");
    std::printf("|%s|%s|%s|%s|\n", QByteArray(36, '-').constData(), QByteArray(36, '-').constData(),
                QByteArray(36, '-').constData(), QByteArray(18, '-').constData());
    printRow("W1 sequential p50 (us)", p50, floorP50, 1, false);
    printRow("W1 sequential p99 (us)", p99, floorP99, 1, false);
    printRow("W1 sequential (req/s)", seqRate, floorSeqRate, 0, true);
    printRow("W2 pipelined (req/s)", pipeRate, floorPipeRate, 0, true);
    printRow("W3 start to online (ms)", startMs, {}, 1, false);
    printRow("W5 stream (MiB/s)", streamRate, floorStreamRate, 0, true);
    printRow("W5 peak RSS, supervisor (MiB)", supervisorPeak, {}, 1, false);
    printRow("W5 peak RSS, worker (MiB)", workerPeak, {}, 1, false);
    return 0;
}
