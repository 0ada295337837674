#include "workerchart.h"

#include "slidingtimeaxis.h"
#include "slotpalette.h"

#include <QtCharts/qchart.h>
#include <QtCharts/qlineseries.h>
#include <QtGui/qpen.h>

#include <algorithm>

namespace {

constexpr double MiB = 1024.0 * 1024.0;
constexpr double LineWidth = 2;
// Axis tops while the figures are small: whole MiB, and one core for CPU.
constexpr double MinimumMemoryTop = 16;
constexpr double MinimumCpuTop = 100;

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

WorkerChart::WorkerChart(Metric metric, QWidget *parent)
    : MonitorChart(titleFor(metric), parent), m_metric(metric), m_valueAxis(new QValueAxis)
{
    m_valueAxis->setTitleText(metric == Metric::Cpu ? tr("% of a core") : tr("MiB"));
    m_valueAxis->setLabelFormat(QStringLiteral("%d"));
    fitFromZero(m_valueAxis, 0, metric == Metric::Cpu ? MinimumCpuTop : MinimumMemoryTop);
    chart()->addAxis(m_valueAxis, Qt::AlignLeft);
}

QString WorkerChart::titleFor(Metric metric)
{
    switch (metric) {
    case Metric::Rss: return tr("Resident memory (RSS) per worker");
    case Metric::Heap: return tr("Heap per worker: used, total (dashed)");
    case Metric::Cpu: return tr("CPU per worker");
    }
    return {};
}

void WorkerChart::addSamples(double seconds, const QList<LpmWorkerStatus> &workers)
{
    QList<qint64> seen;
    for (const LpmWorkerStatus &worker : workers) {
        // A worker reports its first figures shortly after it starts.
        if (worker.rss() <= 0)
            continue;
        seen.append(worker.pid());
        auto it = m_lines.find(worker.pid());
        if (it == m_lines.end())
            it = m_lines.insert(worker.pid(), addWorker(worker));
        addValues(*it, seconds, worker);
    }
    for (auto it = m_lines.begin(); it != m_lines.end(); ++it) {
        if (!it->exited && !seen.contains(it.key()))
            markExited(*it);
    }
    slideTo(seconds);
    dropExitedLines();
    updateValueAxis();
    const bool anyExited = std::any_of(m_lines.cbegin(), m_lines.cend(), [](const Line &line) { return line.exited; });
    setLegendExtra(anyExited ? tr("exited") : QString(), QPen(Qt::gray, LineWidth, Qt::DotLine));
}

void WorkerChart::addValues(Line &line, double seconds, const LpmWorkerStatus &worker)
{
    switch (m_metric) {
    case Metric::Rss:
        line.main->append(seconds, double(worker.rss()) / MiB);
        break;
    case Metric::Heap:
        line.main->append(seconds, double(worker.heapUsed()) / MiB);
        line.total->append(seconds, double(worker.heapTotal()) / MiB);
        break;
    case Metric::Cpu:
        line.main->append(seconds, worker.cpuPercent());
        break;
    }
}

WorkerChart::Line WorkerChart::addWorker(const LpmWorkerStatus &worker)
{
    Line line;
    line.slot = worker.slot();
    const QColor color = SlotPalette::color(line.slot);
    line.main = addLine(tr("#%1 pid %2").arg(line.slot).arg(worker.pid()), QPen(color, LineWidth), m_valueAxis);
    if (m_metric == Metric::Heap) {
        // Nameless, so one legend entry per pid: the dashed line shares its colour.
        line.total = addLine(QString(), QPen(color, LineWidth * 0.75, Qt::DashLine), m_valueAxis);
    }
    return line;
}

void WorkerChart::markExited(Line &line)
{
    line.exited = true;
    line.main->setName(QString()); // out of the legend: the "exited" entry stands for it
    QPen faded = line.main->pen();
    faded.setStyle(Qt::DotLine);
    line.main->setPen(faded);
}

void WorkerChart::dropExitedLines()
{
    for (auto it = m_lines.begin(); it != m_lines.end();) {
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

void WorkerChart::setLimit(double value, const QString &name)
{
    m_limit = value;
    if (!m_limitLine && value > 0) {
        // Dark grey: every hue of the palette may be a worker's.
        m_limitLine = addLine(name, QPen(QColor(0x40, 0x40, 0x40), 1.5, Qt::DashLine), m_valueAxis);
    }
    if (m_limitLine) {
        m_limitLine->setName(name);
        m_limitLine->setVisible(value > 0);
    }
    updateValueAxis();
    refreshLegend();
}

void WorkerChart::updateValueAxis()
{
    if (m_limitLine && m_limit > 0)
        m_limitLine->replace({ QPointF(timeAxis()->min(), m_limit), QPointF(timeAxis()->max(), m_limit) });
    double max = m_limit;
    for (const Line &line : std::as_const(m_lines))
        max = std::max({ max, seriesMax(line.main), seriesMax(line.total) });
    fitFromZero(m_valueAxis, max, m_metric == Metric::Cpu ? MinimumCpuTop : MinimumMemoryTop);
}

QList<qint64> WorkerChart::pids() const
{
    return m_lines.keys();
}

QList<qint64> WorkerChart::livePids() const
{
    QList<qint64> result;
    for (auto it = m_lines.cbegin(); it != m_lines.cend(); ++it) {
        if (!it->exited)
            result.append(it.key());
    }
    return result;
}

int WorkerChart::pointCount(qint64 pid) const
{
    const auto it = m_lines.constFind(pid);
    return it == m_lines.cend() ? 0 : it->main->count();
}

QColor WorkerChart::lineColor(qint64 pid) const
{
    const auto it = m_lines.constFind(pid);
    return it == m_lines.cend() ? QColor() : it->main->pen().color();
}
