#pragma once

#include "monitorchart.h"

#include <lpm/lpmworkerstatus.h>

#include <QtCore/qhash.h>
#include <QtCore/qlist.h>

class QValueAxis;

// A live line chart of one figure per worker over the sliding time window: a series
// per pid in its slot's colour (SlotPalette), so that a replacement goes on in the
// colour of the worker it replaced. A pid that is gone keeps its line, dotted, until
// it slides out of the window; the legend names the live ones and has one entry for
// all the dotted ones, so an autoscaling pool's churn does not crowd out the plot.
class WorkerChart : public MonitorChart
{
    Q_OBJECT
public:
    enum class Metric {
        Rss,  // resident memory, MiB
        Heap, // heap in use (solid) and reserved (dashed, same colour), MiB
        Cpu,  // CPU time, percent of one core
    };

    explicit WorkerChart(Metric metric, QWidget *parent = nullptr);

    Metric metric() const { return m_metric; }
    // Adds one point per worker at time seconds (monotonic, since the monitor started).
    void addSamples(double seconds, const QList<LpmWorkerStatus> &workers);

    // Draws a limit across the chart (a dark dashed line, named in the legend); 0: none.
    void setLimit(double value, const QString &name);
    double limit() const { return m_limit; }

    // Pids that have a series in the window, exited ones included.
    QList<qint64> pids() const;
    // Pids whose series still receive points.
    QList<qint64> livePids() const;
    int pointCount(qint64 pid) const;
    // The colour of pid's line; invalid if it has none.
    QColor lineColor(qint64 pid) const;

private:
    struct Line
    {
        QLineSeries *main = nullptr;  // the figure, or heap used
        QLineSeries *total = nullptr; // heap total (Heap only)
        int slot = -1;
        bool exited = false;
    };

    Line addWorker(const LpmWorkerStatus &worker);
    void addValues(Line &line, double seconds, const LpmWorkerStatus &worker);
    void markExited(Line &line);
    void dropExitedLines();
    void updateValueAxis();
    static QString titleFor(Metric metric);

    const Metric m_metric;
    QValueAxis *m_valueAxis;
    QHash<qint64, Line> m_lines;
    QLineSeries *m_limitLine = nullptr;
    double m_limit = 0;
};
