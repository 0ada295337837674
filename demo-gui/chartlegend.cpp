#include "chartlegend.h"

#include <QtCharts/qchart.h>
#include <QtCharts/qxyseries.h>
#include <QtGui/qpen.h>

namespace {

// Heavy box-drawing strokes: solid, dashed and dotted, as the lines are drawn.
QString stroke(Qt::PenStyle style)
{
    switch (style) {
    case Qt::DashLine: return QStringLiteral("\u254d\u254d");
    case Qt::DotLine: return QStringLiteral("\u2505\u2505");
    default: return QStringLiteral("\u2501\u2501");
    }
}

} // namespace

ChartLegend::ChartLegend(QChart *chart, QWidget *parent) : QLabel(parent), m_chart(chart)
{
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    setFont(small);
    setContentsMargins(4, 0, 4, 2);
}

void ChartLegend::setExtraEntry(const QString &name, const QPen &pen)
{
    m_extraName = name;
    m_extraColor = pen.color();
    m_extraStyle = pen.style();
    refresh();
}

void ChartLegend::refresh()
{
    QStringList names;
    QStringList entries;
    const auto add = [&](const QString &text, const QColor &color, Qt::PenStyle style) {
        names << text;
        // The entry stays together (no-break spaces); the line breaks between entries.
        QString name = text.toHtmlEscaped();
        name.replace(QLatin1Char(' '), QChar(QChar::Nbsp));
        entries << QStringLiteral("<span style=\"color:%1\">%2</span>&nbsp;%3")
                           .arg(color.name(), stroke(style), name);
    };
    for (QAbstractSeries *series : m_chart->series()) {
        auto *line = qobject_cast<QXYSeries *>(series);
        if (line && line->isVisible() && !line->name().isEmpty())
            add(line->name(), line->pen().color(), line->pen().style());
    }
    if (!m_extraName.isEmpty())
        add(m_extraName, m_extraColor, m_extraStyle);
    const QString html = entries.join(QStringLiteral(" &emsp; "));
    m_names = names;
    if (html != text())
        setText(html);
}
