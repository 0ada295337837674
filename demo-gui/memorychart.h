#pragma once

#include <lpm/lpmworkerstatus.h>

#include <QtCharts/qchartview.h>
#include <QtCore/qhash.h>
#include <QtCore/qlist.h>

class QLineSeries;
class QValueAxis;

// A live line chart of one memory figure per worker: a series per pid over a
// sliding time window. A new pid starts a series; a pid that is gone keeps its
// line, marked as exited, until it slides out of the window.
class MemoryChart : public QChartView
{
    Q_OBJECT
public:
    enum class Metric {
        Rss,  // resident memory
        Heap, // heap in use (solid) and reserved (dashed, same colour)
    };

    explicit MemoryChart(Metric metric, QWidget *parent = nullptr);

    // Adds one point per worker at time seconds (monotonic, since the monitor started).
    void addSamples(double seconds, const QList<LpmWorkerStatus> &workers);

    // Draws a limit across the chart (a red dashed line, named in the legend); 0: none.
    void setLimit(double mib, const QString &name);
    double limit() const { return m_limitMiB; }

    // Pids that have a series in the window, exited ones included.
    QList<qint64> pids() const;
    // Pids whose series still receive points.
    QList<qint64> livePids() const;
    int pointCount(qint64 pid) const;

    static constexpr double WindowSeconds = 60;

private:
    struct Line
    {
        QLineSeries *main = nullptr;  // rss, or heap used
        QLineSeries *total = nullptr; // heap total (Heap only)
        bool exited = false;
    };

    Line addLine(qint64 pid);
    void markExited(qint64 pid, Line &line);
    void dropOldPoints(double oldest);
    void updateAxes(double seconds);
    QString titleText() const;

    Metric m_metric;
    QValueAxis *m_timeAxis;
    QValueAxis *m_memoryAxis;
    QHash<qint64, Line> m_lines;
    QLineSeries *m_limit = nullptr;
    double m_limitMiB = 0;
    int m_nextColor = 0;
};
