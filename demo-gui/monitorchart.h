#pragma once

#include <QtWidgets/qwidget.h>

class ChartLegend;
class QAbstractAxis;
class QChart;
class QChartView;
class QLineSeries;
class QPen;
class SlidingTimeAxis;

// What every chart of the monitor shares: a chart under a bold title, with tight
// margins so that six fit beside the table, the sliding time axis along its bottom
// and a wrapping legend (ChartLegend) below it. Subclasses add the value axes and
// the lines, and call slideTo() and refreshLegend() once per sample.
class MonitorChart : public QWidget
{
    Q_OBJECT
public:
    QChartView *view() const { return m_view; }
    QChart *chart() const;
    SlidingTimeAxis *timeAxis() const { return m_timeAxis; }
    // The legend's entries as shown.
    QStringList legendNames() const;

protected:
    explicit MonitorChart(const QString &title, QWidget *parent = nullptr);

    // A line on the time axis and valueAxis (already added to the chart).
    QLineSeries *addLine(const QString &name, const QPen &pen, QAbstractAxis *valueAxis);
    // Ends the window at seconds and drops the points that left it.
    void slideTo(double seconds);
    // Shows the lines' current names, colours and styles below the chart.
    void refreshLegend();
    // See ChartLegend::setExtraEntry().
    void setLegendExtra(const QString &name, const QPen &pen);

private:
    QChartView *m_view;
    SlidingTimeAxis *m_timeAxis;
    ChartLegend *m_legend;
};
