#include "poolchart.h"

#include "slidingtimeaxis.h"

#include <QtCharts/qchart.h>
#include <QtCharts/qlineseries.h>
#include <QtCharts/qlogvalueaxis.h>
#include <QtCharts/qvalueaxis.h>
#include <QtGui/qpen.h>

#include <algorithm>
#include <cmath>

namespace {

// Lines of each kind, in the order they are added.
enum ThroughputLine { PoolAverage, HighAnswers, NormalAnswers, Rejected };
enum QueueLine { Waiting, Workers };
enum LatencyLine { RunP50, RunP90, RunP99, WaitP50, WaitP90, WaitP99 };

// Pool lines use colours of their own, none of Tableau 10's (SlotPalette), so that
// no pool line passes for a worker's. Latencies: ColorBrewer's sequential "Blues"
// (run time) and "Oranges" (queue wait), light to dark for p50 to p99
// (Cynthia Brewer, colorbrewer2.org); the rest from its diverging "PuOr" and "RdGy".
const QColor Grey(0x40, 0x40, 0x40);
const QColor Purple(0x54, 0x27, 0x88);
const QColor LightPurple(0x99, 0x8e, 0xc3);
const QColor Brown(0xb3, 0x58, 0x06);
const QColor Red(0xb2, 0x18, 0x2b);
const QColor Blues[] = { QColor(0x6b, 0xae, 0xd6), QColor(0x21, 0x71, 0xb5), QColor(0x08, 0x30, 0x6b) };
const QColor Oranges[] = { QColor(0xfd, 0x8d, 0x3c), QColor(0xd9, 0x48, 0x01), QColor(0x7f, 0x27, 0x04) };

constexpr double LineWidth = 2;
constexpr double MinimumRateTop = 10;   // answers/s
constexpr double MinimumQueueTop = 10;  // requests
constexpr double MinimumWorkersTop = 4;
// The latency axis spans whole decades, at least 0.1 .. 10 ms, at most 1 µs .. 100 s.
constexpr double LowestMs = 0.001;
constexpr double HighestMs = 100000;

double microsToMs(qint64 us)
{
    return std::clamp(double(us) / 1000.0, LowestMs, HighestMs);
}

QPen pen(const QColor &color, Qt::PenStyle style = Qt::SolidLine, double width = LineWidth)
{
    return QPen(QBrush(color), width, style);
}

} // namespace

QString PoolChart::titleFor(Kind kind)
{
    switch (kind) {
    case Kind::Throughput: return tr("Throughput");
    case Kind::Queue: return tr("Queue and workers");
    case Kind::Latency: return tr("Latency over the last minute");
    }
    return {};
}

PoolChart::PoolChart(Kind kind, QWidget *parent) : MonitorChart(titleFor(kind), parent), m_kind(kind)
{
    switch (kind) {
    case Kind::Throughput: setUpThroughput(); break;
    case Kind::Queue: setUpQueue(); break;
    case Kind::Latency: setUpLatency(); break;
    }
    fitAxes();
    refreshLegend();
}

void PoolChart::setUpThroughput()
{
    m_leftAxis = new QValueAxis;
    m_leftAxis->setTitleText(tr("per second"));
    m_leftAxis->setLabelFormat(QStringLiteral("%d"));
    chart()->addAxis(m_leftAxis, Qt::AlignLeft);
    m_lines = { addLine(tr("answers (pool, 10 s)"), pen(Grey, Qt::SolidLine, LineWidth * 1.5), m_leftAxis),
                addLine(tr("high priority"), pen(Purple), m_leftAxis),
                addLine(tr("normal priority"), pen(LightPurple), m_leftAxis),
                addLine(tr("refused: queue full"), pen(Red, Qt::DashLine), m_leftAxis) };
}

void PoolChart::setUpQueue()
{
    m_leftAxis = new QValueAxis;
    m_leftAxis->setTitleText(tr("requests"));
    m_leftAxis->setLabelFormat(QStringLiteral("%d"));
    chart()->addAxis(m_leftAxis, Qt::AlignLeft);
    m_rightAxis = new QValueAxis;
    m_rightAxis->setTitleText(tr("workers"));
    m_rightAxis->setLabelFormat(QStringLiteral("%d"));
    m_rightAxis->setGridLineVisible(false);
    chart()->addAxis(m_rightAxis, Qt::AlignRight);
    m_lines = { addLine(tr("waiting"), pen(Brown), m_leftAxis),
                addLine(tr("workers"), pen(Purple), m_rightAxis) };
    m_boundLine = addLine(QString(), pen(Grey, Qt::DashLine, 1.5), m_leftAxis);
    m_boundLine->setVisible(false);
}

void PoolChart::setUpLatency()
{
    m_logAxis = new QLogValueAxis;
    m_logAxis->setTitleText(tr("ms (log)"));
    m_logAxis->setLabelFormat(QStringLiteral("%g"));
    m_logAxis->setBase(10);
    m_logAxis->setMinorTickCount(0); // a grid line per decade is enough to read it
    chart()->addAxis(m_logAxis, Qt::AlignLeft);
    m_lines = { addLine(tr("run p50"), pen(Blues[0]), m_logAxis),
                addLine(tr("run p90"), pen(Blues[1]), m_logAxis),
                addLine(tr("run p99"), pen(Blues[2]), m_logAxis),
                addLine(tr("wait p50"), pen(Oranges[0], Qt::DashLine), m_logAxis),
                addLine(tr("wait p90"), pen(Oranges[1], Qt::DashLine), m_logAxis),
                addLine(tr("wait p99"), pen(Oranges[2], Qt::DashLine), m_logAxis) };
}

void PoolChart::addSample(double seconds, const PoolSample &sample)
{
    switch (m_kind) {
    case Kind::Throughput: appendThroughput(seconds, sample); break;
    case Kind::Queue: appendQueue(seconds, sample); break;
    case Kind::Latency: appendLatency(seconds, sample); break;
    }
    slideTo(seconds);
    fitAxes();
    refreshLegend();
}

void PoolChart::appendThroughput(double seconds, const PoolSample &sample)
{
    m_lines[PoolAverage]->append(seconds, sample.metrics.throughput());
    m_lines[HighAnswers]->append(seconds, sample.highAnswers);
    m_lines[NormalAnswers]->append(seconds, sample.normalAnswers);
    m_lines[Rejected]->append(seconds, sample.rejected);
}

void PoolChart::appendQueue(double seconds, const PoolSample &sample)
{
    m_lines[Waiting]->append(seconds, sample.queuePeak);
    m_lines[Workers]->append(seconds, sample.workers);
    m_bound = sample.maxQueued;
    m_boundLine->setVisible(m_bound > 0);
    m_boundLine->setName(tr("bound (maxQueued %1)").arg(m_bound));
}

void PoolChart::appendLatency(double seconds, const PoolSample &sample)
{
    // An empty window has no percentiles: the lines pause rather than drop to zero.
    const LpmLatency run = sample.metrics.runTime();
    if (run.count() > 0) {
        m_lines[RunP50]->append(seconds, microsToMs(run.p50()));
        m_lines[RunP90]->append(seconds, microsToMs(run.p90()));
        m_lines[RunP99]->append(seconds, microsToMs(run.p99()));
    }
    const LpmLatency wait = sample.metrics.queueWait();
    if (wait.count() > 0) {
        m_lines[WaitP50]->append(seconds, microsToMs(wait.p50()));
        m_lines[WaitP90]->append(seconds, microsToMs(wait.p90()));
        m_lines[WaitP99]->append(seconds, microsToMs(wait.p99()));
    }
}

double PoolChart::visibleMax(int first, int last) const
{
    double max = 0;
    for (int line = first; line <= last; ++line) {
        for (const QPointF &p : m_lines.at(line)->points())
            max = std::max(max, p.y());
    }
    return max;
}

void PoolChart::fitAxes()
{
    switch (m_kind) {
    case Kind::Throughput:
        fitFromZero(m_leftAxis, visibleMax(PoolAverage, Rejected), MinimumRateTop);
        break;
    case Kind::Queue:
        fitFromZero(m_leftAxis, std::max(visibleMax(Waiting, Waiting), double(m_bound)), MinimumQueueTop);
        fitFromZero(m_rightAxis, visibleMax(Workers, Workers), MinimumWorkersTop);
        if (m_bound > 0)
            m_boundLine->replace({ QPointF(timeAxis()->min(), m_bound), QPointF(timeAxis()->max(), m_bound) });
        break;
    case Kind::Latency:
        fitLatencyAxis();
        break;
    }
}

void PoolChart::fitLatencyAxis()
{
    double low = HighestMs;
    double high = LowestMs;
    for (const QLineSeries *line : std::as_const(m_lines)) {
        for (const QPointF &p : line->points()) {
            low = std::min(low, p.y());
            high = std::max(high, p.y());
        }
    }
    if (low > high) // nothing yet
        low = high = 1;
    const double bottom = std::pow(10.0, std::min(-1.0, std::floor(std::log10(low))));
    const double top = std::pow(10.0, std::max(1.0, std::ceil(std::log10(high * 1.01))));
    if (m_logAxis->min() != bottom || m_logAxis->max() != top)
        m_logAxis->setRange(bottom, top);
}

QString PoolChart::lineName(int line) const
{
    return m_lines.value(line) ? m_lines.at(line)->name() : QString();
}

int PoolChart::pointCount(int line) const
{
    return m_lines.value(line) ? m_lines.at(line)->count() : 0;
}
