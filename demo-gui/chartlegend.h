#pragma once

#include <QtWidgets/qlabel.h>

class QPen;

class QChart;

// A legend below a chart that wraps onto as many lines as its entries need, where
// QLegend would cut the names short: each entry is a short stroke in its series'
// colour and line style, then the series' name. A series that is hidden or has no
// name is left out (a second line of a pair, a limit not set).
class ChartLegend : public QLabel
{
    Q_OBJECT
public:
    explicit ChartLegend(QChart *chart, QWidget *parent = nullptr);

    // Reads the chart's series again; cheap when nothing changed.
    void refresh();
    // An entry after the series' that stands for a kind of line rather than one
    // (a dotted grey "exited"); an empty name removes it.
    void setExtraEntry(const QString &name, const QPen &pen);
    // The names shown, in order.
    QStringList names() const { return m_names; }

private:
    QChart *m_chart;
    QStringList m_names;
    QString m_extraName;
    QColor m_extraColor;
    Qt::PenStyle m_extraStyle = Qt::SolidLine;
};
