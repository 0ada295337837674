#include "monitorchart.h"

#include "chartlegend.h"
#include "slidingtimeaxis.h"

#include <QtCharts/qchart.h>
#include <QtCharts/qchartview.h>
#include <QtCharts/qlegend.h>
#include <QtCharts/qlineseries.h>
#include <QtGui/qpen.h>
#include <QtWidgets/qboxlayout.h>
#include <QtWidgets/qgraphicslayout.h>

MonitorChart::MonitorChart(const QString &title, QWidget *parent)
    : QWidget(parent), m_view(new QChartView), m_timeAxis(new SlidingTimeAxis)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    QFont titleFont = chart->titleFont();
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->setMargins({ 2, 2, 2, 2 });
    chart->layout()->setContentsMargins(2, 2, 2, 2);
    chart->setBackgroundRoundness(0);
    chart->legend()->hide(); // ChartLegend instead: it wraps rather than cuts names short
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_view->setChart(chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setMinimumSize(260, 160);

    m_legend = new ChartLegend(chart);
    // The same white as the chart: one panel, not two.
    setAutoFillBackground(true);
    QPalette white = palette();
    white.setColor(QPalette::Window, Qt::white);
    setPalette(white);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_legend);
}

QChart *MonitorChart::chart() const
{
    return m_view->chart();
}

QStringList MonitorChart::legendNames() const
{
    return m_legend->names();
}

QLineSeries *MonitorChart::addLine(const QString &name, const QPen &pen, QAbstractAxis *valueAxis)
{
    auto *series = new QLineSeries(this);
    series->setName(name);
    series->setPen(pen);
    chart()->addSeries(series);
    series->attachAxis(m_timeAxis);
    series->attachAxis(valueAxis);
    return series;
}

void MonitorChart::slideTo(double seconds)
{
    m_timeAxis->slideTo(seconds);
    for (QAbstractSeries *series : chart()->series())
        m_timeAxis->trim(qobject_cast<QXYSeries *>(series));
}

void MonitorChart::refreshLegend()
{
    m_legend->refresh();
}

void MonitorChart::setLegendExtra(const QString &name, const QPen &pen)
{
    m_legend->setExtraEntry(name, pen);
}
