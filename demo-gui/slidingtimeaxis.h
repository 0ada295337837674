#pragma once

#include <QtCharts/qvalueaxis.h>

class QXYSeries;

// The time axis every chart of the monitor shares: seconds since the monitor started,
// showing the last WindowSeconds (from 0 until that much has passed), so that all
// charts slide together and points line up across them.
class SlidingTimeAxis : public QValueAxis
{
    Q_OBJECT
public:
    explicit SlidingTimeAxis(QObject *parent = nullptr);

    // Moves the window so that it ends at seconds (or at WindowSeconds, early on).
    void slideTo(double seconds);
    // Removes the points of series that slid out on the left.
    void trim(QXYSeries *series) const;

    static constexpr double WindowSeconds = 60;
};

// Sets a value axis to 0 .. a round number above max (at least minimumTop), with a
// tick on every round step, for the value axes beside a SlidingTimeAxis.
void fitFromZero(QValueAxis *axis, double max, double minimumTop);
