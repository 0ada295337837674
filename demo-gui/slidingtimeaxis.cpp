#include "slidingtimeaxis.h"

#include <QtCharts/qxyseries.h>

#include <algorithm>

SlidingTimeAxis::SlidingTimeAxis(QObject *parent) : QValueAxis(parent)
{
    setTitleText(tr("Seconds"));
    setLabelFormat(QStringLiteral("%d"));
    setRange(0, WindowSeconds);
    // Ticks on whole tens of seconds, sliding with the data, rather than a fixed
    // count of ticks whose labels change on every sample.
    setTickType(QValueAxis::TicksDynamic);
    setTickAnchor(0);
    setTickInterval(10);
}

void SlidingTimeAxis::slideTo(double seconds)
{
    setRange(std::max(0.0, seconds - WindowSeconds), std::max(WindowSeconds, seconds));
}

void SlidingTimeAxis::trim(QXYSeries *series) const
{
    if (!series)
        return;
    const double oldest = min();
    int stale = 0;
    const int count = series->count();
    while (stale < count && series->at(stale).x() < oldest)
        ++stale;
    if (stale > 0)
        series->removePoints(0, stale);
}

void fitFromZero(QValueAxis *axis, double max, double minimumTop)
{
    // A tenth of headroom, so that a line at its peak does not run along the frame.
    const double top = std::max(minimumTop, max * 1.1);
    if (axis->min() == 0 && axis->max() >= top && axis->max() <= 2.5 * top)
        return; // still fits and not far too tall: keep it, so it does not twitch
    axis->setRange(0, top);
    axis->applyNiceNumbers();
}
