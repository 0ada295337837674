#pragma once

#include "monitorchart.h"

#include <lpm/lpmpoolmetrics.h>

#include <QtCore/qlist.h>

class QLineSeries;
class QLogValueAxis;
class QValueAxis;

// One moment of the pool as the pool charts draw it: the supervisor's figures and
// what the load generator saw of its own requests.
struct PoolSample
{
    LpmPoolMetrics metrics;     // LpmSupervisor::metrics()
    int queuePeak = 0;          // the longest the queue was since the last sample
    int maxQueued = 0;          // the queue bound; 0: unbounded
    int workers = 0;            // LpmSupervisor::targetCount()
    int highAnswers = 0;        // answers per second to the load's high-priority requests
    int normalAnswers = 0;      // ... and to its normal ones
    int rejected = 0;           // the load's requests refused per second (queue full)
};

// A live line chart of the pool as a whole over the sliding time window, beside the
// per-worker charts: its throughput, its queue and worker count, or its latencies.
class PoolChart : public MonitorChart
{
    Q_OBJECT
public:
    enum class Kind {
        Throughput, // answers/s: the pool's 10 s average, the load's by priority, refusals
        Queue,      // requests waiting (and the bound) on the left, workers on the right
        Latency,    // run time and queue wait, p50/p90/p99, on a logarithmic ms axis
    };

    explicit PoolChart(Kind kind, QWidget *parent = nullptr);

    Kind kind() const { return m_kind; }
    void addSample(double seconds, const PoolSample &sample);

    int lineCount() const { return int(m_lines.size()); }
    QString lineName(int line) const;
    int pointCount(int line) const;

private:
    static QString titleFor(Kind kind);
    void setUpThroughput();
    void setUpQueue();
    void setUpLatency();
    void appendThroughput(double seconds, const PoolSample &sample);
    void appendQueue(double seconds, const PoolSample &sample);
    void appendLatency(double seconds, const PoolSample &sample);
    void fitAxes();
    void fitLatencyAxis();
    double visibleMax(int first, int last) const;

    const Kind m_kind;
    QValueAxis *m_leftAxis = nullptr;    // Throughput, Queue
    QValueAxis *m_rightAxis = nullptr;   // Queue: workers
    QLogValueAxis *m_logAxis = nullptr;  // Latency
    QList<QLineSeries *> m_lines;        // in the order of the Kind's Line enum
    QLineSeries *m_boundLine = nullptr;  // Queue: maxQueued across the window
    int m_bound = 0;
};
