// The metrics' parts on plain data: the latency window's percentiles against exact
// ones, its sliding, the recorder's throughput, utilization and failures, and the
// parsing of /proc/<pid>/stat for CPU time.

#include "lpmclock_p.h"
#include "lpmcpusampler_p.h"
#include "lpmlatencywindow_p.h"
#include "lpmmetricsrecorder_p.h"

#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <time.h>

namespace {
constexpr qint64 Second = 1000000000;
constexpr qint64 Start = 1000 * Second; // any monotonic time

qint64 exactPercentile(std::vector<qint64> sorted, double p)
{
    const size_t rank = size_t(std::max(1.0, std::ceil(p * double(sorted.size()))));
    return sorted[rank - 1];
}
} // namespace

class tst_Metrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bucketsCoverEveryValueInOrder();
    void percentilesAreWithinABucketOfExact_data();
    void percentilesAreWithinABucketOfExact();
    void theWindowSlides();
    void throughputUtilizationAndFailures();
    void resetForgets();
    void cpuTicksFromStat_data();
    void cpuTicksFromStat();
    void cpuOfThisProcess();
};

void tst_Metrics::bucketsCoverEveryValueInOrder()
{
    int previous = -1;
    for (quint64 micros = 0; micros < 200000; micros += 1 + micros / 64) {
        const int bucket = LpmLatencyWindow::bucketOf(micros);
        QVERIFY(bucket >= previous);
        QVERIFY(bucket < LpmLatencyWindow::BucketCount);
        previous = bucket;
        // The value standing for the bucket is within 1/16 of every value in it.
        const double representative = double(LpmLatencyWindow::representative(bucket));
        QVERIFY2(std::abs(representative - double(micros)) <= double(micros) / 16 + 0.5,
                 qPrintable(QStringLiteral("%1 -> %2").arg(micros).arg(representative)));
    }
    QCOMPARE(LpmLatencyWindow::bucketOf(std::numeric_limits<quint64>::max()), LpmLatencyWindow::BucketCount - 1);
}

void tst_Metrics::percentilesAreWithinABucketOfExact_data()
{
    QTest::addColumn<int>("shape");
    QTest::newRow("uniform") << 0;
    QTest::newRow("long tail") << 1;
    QTest::newRow("two modes") << 2;
}

void tst_Metrics::percentilesAreWithinABucketOfExact()
{
    QFETCH(int, shape);
    LpmLatencyWindow window(60, 1);
    QRandomGenerator random(quint32(7 + shape));
    std::vector<qint64> micros;
    for (int i = 0; i < 20000; ++i) {
        qint64 value = 0;
        switch (shape) {
        case 0:
            value = 50 + qint64(random.bounded(5000));
            break;
        case 1:
            value = qint64(20 * std::exp(random.generateDouble() * 9)); // 20 µs .. 160 ms
            break;
        default:
            value = random.bounded(2) ? 100 + qint64(random.bounded(20)) : 90000 + qint64(random.bounded(5000));
            break;
        }
        micros.push_back(value);
        window.record(Start + i * (30 * Second / 20000), value * 1000); // spread over 30 s
    }
    const LpmLatency latency = window.snapshot(Start + 30 * Second);
    std::sort(micros.begin(), micros.end());
    QCOMPARE(latency.count(), qint64(micros.size()));
    QCOMPARE(latency.max(), micros.back());
    const auto near = [](qint64 got, qint64 exact) {
        return std::abs(double(got - exact)) <= double(exact) / 16 + 1;
    };
    QVERIFY2(near(latency.p50(), exactPercentile(micros, 0.50)), qPrintable(QString::number(latency.p50())));
    QVERIFY2(near(latency.p90(), exactPercentile(micros, 0.90)), qPrintable(QString::number(latency.p90())));
    QVERIFY2(near(latency.p99(), exactPercentile(micros, 0.99)), qPrintable(QString::number(latency.p99())));
    qint64 sum = 0;
    for (qint64 value : micros)
        sum += value;
    QCOMPARE(latency.mean(), sum / qint64(micros.size()));
}

void tst_Metrics::theWindowSlides()
{
    LpmLatencyWindow window(60, 1);
    window.record(Start, 1000 * 1000);               // 1 ms, at 0 s
    window.record(Start + 30 * Second, 5000 * 1000); // 5 ms, at 30 s
    QCOMPARE(window.snapshot(Start + 31 * Second).count(), 2);
    // At 60.5 s the first has left the window; the second stays until 90 s.
    const LpmLatency later = window.snapshot(Start + 60 * Second + Second / 2);
    QCOMPARE(later.count(), 1);
    QCOMPARE(later.max(), 5000);
    QCOMPARE(window.snapshot(Start + 95 * Second).count(), 0);
    // A slot reused a lap later starts empty.
    window.record(Start + 120 * Second, 2000 * 1000);
    const LpmLatency lap = window.snapshot(Start + 120 * Second);
    QCOMPARE(lap.count(), 1);
    QCOMPARE(lap.max(), 2000);
}

void tst_Metrics::throughputUtilizationAndFailures()
{
    LpmMetricsRecorder recorder(Start);
    // 20 answers a second for 5 s, a worker busy 3 s out of every 4.
    for (int i = 0; i < 100; ++i)
        recorder.recordAnswer(Start + i * (Second / 20), 10 * 1000000);
    recorder.recordWorkerTime(Start + 4 * Second, 3 * Second, 4 * Second);
    recorder.recordFailures(Start + Second, 2);
    recorder.recordRefusal(); // from another thread, folded in at the next snapshot
    const LpmPoolMetrics metrics = recorder.snapshot(Start + 5 * Second);
    QVERIFY2(std::abs(metrics.throughput() - 20.0) < 0.5, qPrintable(QString::number(metrics.throughput())));
    QCOMPARE(metrics.utilization(), 0.75);
    QCOMPARE(metrics.failed(), 3);
    QCOMPARE(metrics.runTime().count(), 100);
    QCOMPARE(metrics.runTime().p50(), 10000);
    // Ten seconds later the answers have left the throughput window, not the minute.
    const LpmPoolMetrics later = recorder.snapshot(Start + 16 * Second);
    QCOMPARE(later.throughput(), 0.0);
    QCOMPARE(later.runTime().count(), 100);
    QCOMPARE(later.failed(), 3);
}

void tst_Metrics::resetForgets()
{
    LpmMetricsRecorder recorder(Start);
    recorder.recordAnswer(Start + Second, 1000000);
    recorder.recordQueueWait(Start + Second, 1000000);
    recorder.recordFailures(Start + Second, 1);
    recorder.reset(Start + 2 * Second);
    const LpmPoolMetrics metrics = recorder.snapshot(Start + 3 * Second);
    QCOMPARE(metrics.runTime().count(), 0);
    QCOMPARE(metrics.queueWait().count(), 0);
    QCOMPARE(metrics.failed(), 0);
    QCOMPARE(metrics.throughput(), 0.0);
    // Throughput after a reset counts from the reset: 10 answers in the second since.
    for (int i = 0; i < 10; ++i)
        recorder.recordAnswer(Start + 2 * Second + i * (Second / 10), 1000);
    QVERIFY(std::abs(recorder.snapshot(Start + 3 * Second).throughput() - 10.0) < 0.5);
}

void tst_Metrics::cpuTicksFromStat_data()
{
    QTest::addColumn<QByteArray>("stat");
    QTest::addColumn<qint64>("ticks");
    QTest::newRow("plain") << QByteArray("42 (worker) S 1 42 42 0 -1 4194560 100 0 0 0 25 7 0 0 20 0 1 0")
                           << qint64(32);
    QTest::newRow("spaces and parentheses in the name")
            << QByteArray("42 (a (b) c) R 1 42 42 0 -1 4194560 100 0 0 0 1000 234 0 0 20 0 1 0") << qint64(1234);
    QTest::newRow("truncated") << QByteArray("42 (worker) S 1 42 42") << qint64(-1);
    QTest::newRow("no name") << QByteArray("42 worker S 1") << qint64(-1);
}

void tst_Metrics::cpuTicksFromStat()
{
    QFETCH(QByteArray, stat);
    QFETCH(qint64, ticks);
    QCOMPARE(LpmCpuSampler::ticksFromStat(stat.constData()), ticks);
}

void tst_Metrics::cpuOfThisProcess()
{
    // Whatever share of a core this process gets on a loaded machine, the sampler must
    // agree with the CPU time the kernel reports to the process itself.
    const auto processCpuNs = [] {
        timespec t{};
        ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return qint64(t.tv_sec) * Second + t.tv_nsec;
    };
    LpmCpuSampler sampler(QCoreApplication::applicationPid());
    const qint64 wallStart = LpmClock::nowNs();
    const qint64 cpuStart = processCpuNs();
    sampler.sample(wallStart);
    while (processCpuNs() - cpuStart < 400 * 1000000) { // 400 ms of CPU
    }
    const qint64 wallEnd = LpmClock::nowNs();
    const double percent = sampler.sample(wallEnd);
    const double expected = 100.0 * double(processCpuNs() - cpuStart) / double(wallEnd - wallStart);
    // Ticks are 10 ms: two of them over at least 400 ms is 5 points.
    QVERIFY2(std::abs(percent - expected) < 8, qPrintable(QStringLiteral("%1 vs %2").arg(percent).arg(expected)));
}

QTEST_GUILESS_MAIN(tst_Metrics)
#include "tst_metrics.moc"
