#include "memorychart.h"

#include <QtCharts/qchart.h>
#include <QtCharts/qlegendmarker.h>
#include <QtCharts/qlineseries.h>
#include <QtCharts/qvalueaxis.h>
#include <QtGui/qpen.h>

#include <algorithm>
#include <cmath>

namespace {

constexpr double MiB = 1024.0 * 1024.0;

// Distinct, readable on white; a pool rarely shows more at once.
const QColor Palette[] = { QColor(0x1f77b4), QColor(0xff7f0e), QColor(0x2ca02c), QColor(0xd62728),
                           QColor(0x9467bd), QColor(0x8c564b), QColor(0xe377c2), QColor(0x17becf) };

void removeOlderThan(QLineSeries *series, double oldest)
{
    if (!series)
        return;
    int stale = 0;
    const int count = series->count();
    while (stale < count && series->at(stale).x() < oldest)
        ++stale;
    if (stale > 0)
        series->removePoints(0, stale);
}

double seriesMax(const QLineSeries *series)
{
    double max = 0;
    if (!series)
        return max;
    for (const QPointF &p : series->points())
        max = std::max(max, p.y());
    return max;
}

} // namespace

MemoryChart::MemoryChart(Metric metric, QWidget *parent)
    : QChartView(parent), m_metric(metric), m_timeAxis(new QValueAxis), m_memoryAxis(new QValueAxis)
{
    auto *chart = new QChart;
    chart->setTitle(titleText());
    chart->legend()->setAlignment(Qt::AlignRight);
    m_timeAxis->setTitleText(tr("Seconds"));
    m_timeAxis->setLabelFormat(QStringLiteral("%d"));
    m_timeAxis->setRange(0, WindowSeconds);
    m_timeAxis->setTickCount(7);
    m_memoryAxis->setTitleText(tr("MiB"));
    m_memoryAxis->setLabelFormat(QStringLiteral("%d"));
    m_memoryAxis->setRange(0, 16);
    m_memoryAxis->setTickCount(5);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_memoryAxis, Qt::AlignLeft);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(360, 220);
}

QString MemoryChart::titleText() const
{
    return m_metric == Metric::Rss ? tr("Resident memory (RSS) per worker")
                                   : tr("Heap per worker: used (solid) and total (dashed)");
}

void MemoryChart::addSamples(double seconds, const QList<LpmWorkerStatus> &workers)
{
    QList<qint64> seen;
    for (const LpmWorkerStatus &worker : workers) {
        // A worker reports its first figures shortly after it starts.
        if (worker.rss() <= 0)
            continue;
        seen.append(worker.pid());
        auto it = m_lines.find(worker.pid());
        if (it == m_lines.end())
            it = m_lines.insert(worker.pid(), addLine(worker.pid()));
        if (m_metric == Metric::Rss) {
            it->main->append(seconds, double(worker.rss()) / MiB);
        } else {
            it->main->append(seconds, double(worker.heapUsed()) / MiB);
            it->total->append(seconds, double(worker.heapTotal()) / MiB);
        }
    }
    for (auto it = m_lines.begin(); it != m_lines.end(); ++it) {
        if (!it->exited && !seen.contains(it.key()))
            markExited(it.key(), *it);
    }
    dropOldPoints(seconds - WindowSeconds);
    updateAxes(seconds);
}

MemoryChart::Line MemoryChart::addLine(qint64 pid)
{
    const QColor color = Palette[m_nextColor++ % int(std::size(Palette))];
    Line line;
    line.main = new QLineSeries(this);
    line.main->setName(tr("pid %1").arg(pid));
    line.main->setPen(QPen(color, 2));
    chart()->addSeries(line.main);
    line.main->attachAxis(m_timeAxis);
    line.main->attachAxis(m_memoryAxis);
    if (m_metric == Metric::Heap) {
        line.total = new QLineSeries(this);
        line.total->setPen(QPen(color, 1.5, Qt::DashLine));
        chart()->addSeries(line.total);
        line.total->attachAxis(m_timeAxis);
        line.total->attachAxis(m_memoryAxis);
        // One legend entry per pid: the dashed line shares its colour.
        for (QLegendMarker *marker : chart()->legend()->markers(line.total))
            marker->setVisible(false);
    }
    return line;
}

void MemoryChart::markExited(qint64 pid, Line &line)
{
    line.exited = true;
    line.main->setName(tr("pid %1 (exited)").arg(pid));
    QPen faded = line.main->pen();
    faded.setStyle(Qt::DotLine);
    line.main->setPen(faded);
}

void MemoryChart::dropOldPoints(double oldest)
{
    for (auto it = m_lines.begin(); it != m_lines.end();) {
        removeOlderThan(it->main, oldest);
        removeOlderThan(it->total, oldest);
        if (it->exited && it->main->count() == 0) {
            chart()->removeSeries(it->main);
            delete it->main;
            if (it->total) {
                chart()->removeSeries(it->total);
                delete it->total;
            }
            it = m_lines.erase(it);
        } else {
            ++it;
        }
    }
}

void MemoryChart::setLimit(double mib, const QString &name)
{
    m_limitMiB = mib;
    if (!m_limit && mib > 0) {
        m_limit = new QLineSeries(this);
        m_limit->setPen(QPen(QColor(0xd62728), 1.5, Qt::DashLine));
        chart()->addSeries(m_limit);
        m_limit->attachAxis(m_timeAxis);
        m_limit->attachAxis(m_memoryAxis);
    }
    if (m_limit) {
        m_limit->setName(name);
        m_limit->setVisible(mib > 0);
    }
    updateAxes(m_timeAxis->max() > WindowSeconds ? m_timeAxis->max() : 0);
}

void MemoryChart::updateAxes(double seconds)
{
    m_timeAxis->setRange(std::max(0.0, seconds - WindowSeconds), std::max(WindowSeconds, seconds));
    if (m_limit && m_limitMiB > 0)
        m_limit->replace({ QPointF(m_timeAxis->min(), m_limitMiB), QPointF(m_timeAxis->max(), m_limitMiB) });
    double max = m_limitMiB;
    for (const Line &line : std::as_const(m_lines))
        max = std::max({ max, seriesMax(line.main), seriesMax(line.total) });
    // Round the top up to a step of 4 ticks so the labels are whole MiB.
    const double step = max <= 16 ? 4 : max <= 64 ? 16 : max <= 256 ? 64 : 128;
    m_memoryAxis->setRange(0, std::max(16.0, std::ceil(max * 1.1 / step) * step));
}

QList<qint64> MemoryChart::pids() const
{
    return m_lines.keys();
}

QList<qint64> MemoryChart::livePids() const
{
    QList<qint64> result;
    for (auto it = m_lines.cbegin(); it != m_lines.cend(); ++it) {
        if (!it->exited)
            result.append(it.key());
    }
    return result;
}

int MemoryChart::pointCount(qint64 pid) const
{
    const auto it = m_lines.constFind(pid);
    return it == m_lines.cend() ? 0 : it->main->count();
}
