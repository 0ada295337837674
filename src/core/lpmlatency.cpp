#include <lpm/lpmlatency.h>

class LpmLatencyData : public QSharedData
{
public:
    qint64 count = 0;
    qint64 p50 = 0;
    qint64 p90 = 0;
    qint64 p99 = 0;
    qint64 max = 0;
    qint64 mean = 0;
};

/*!
    \class LpmLatency
    \inmodule Lpm
    \brief A latency distribution over a sliding window, in microseconds.

    \code
    const LpmLatency wait = supervisor.metrics().queueWait();
    qDebug() << wait.count() << "waited, p99" << wait.p99() << "us";
    \endcode
*/

/*!
    Constructs an empty distribution: no measurement, every figure 0.
*/
LpmLatency::LpmLatency() : d(new LpmLatencyData) { }

/*!
    Constructs a copy of \a other.
*/
LpmLatency::LpmLatency(const LpmLatency &other) = default;

/*!
    Move-constructs a distribution from \a other.
*/
LpmLatency::LpmLatency(LpmLatency &&other) noexcept = default;

/*!
    \fn LpmLatency &LpmLatency::operator=(LpmLatency &&other)

    Move-assigns \a other to this distribution and returns a reference to it.
*/

/*!
    \fn void LpmLatency::swap(LpmLatency &other)

    Swaps this distribution with \a other. This operation is very fast and never fails.
*/

/*!
    Assigns \a other to this distribution and returns a reference to it.
*/
LpmLatency &LpmLatency::operator=(const LpmLatency &other) = default;

/*!
    Destroys the distribution.
*/
LpmLatency::~LpmLatency() = default;

/*!
    \property LpmLatency::count
    \brief the number of measurements in the window (exact).
*/
qint64 LpmLatency::count() const { return d->count; }

/*!
    \property LpmLatency::p50
    \brief the median, in microseconds; 0 when count is 0.

    Like every percentile here, it comes from a histogram whose buckets are 1/16 of
    a power of two wide, so it is within about 3 % of the exact value.
*/
qint64 LpmLatency::p50() const { return d->p50; }

/*!
    \property LpmLatency::p90
    \brief the 90th percentile, in microseconds; 0 when count is 0.
*/
qint64 LpmLatency::p90() const { return d->p90; }

/*!
    \property LpmLatency::p99
    \brief the 99th percentile, in microseconds; 0 when count is 0.
*/
qint64 LpmLatency::p99() const { return d->p99; }

/*!
    \property LpmLatency::max
    \brief the longest measurement, in microseconds (exact); 0 when count is 0.
*/
qint64 LpmLatency::max() const { return d->max; }

/*!
    \property LpmLatency::mean
    \brief the mean, in microseconds; 0 when count is 0.
*/
qint64 LpmLatency::mean() const { return d->mean; }

/*!
    Sets the number of measurements to \a count. For the supervisor, which builds
    distributions.
*/
void LpmLatency::setCount(qint64 count) { d->count = count; }

/*!
    Sets the median \a p50, the percentiles \a p90 and \a p99 and the maximum
    \a max, in microseconds. For the supervisor, which builds distributions.
*/
void LpmLatency::setPercentiles(qint64 p50, qint64 p90, qint64 p99, qint64 max)
{
    d->p50 = p50;
    d->p90 = p90;
    d->p99 = p99;
    d->max = max;
}

/*!
    Sets the mean to \a mean microseconds. For the supervisor, which builds
    distributions.
*/
void LpmLatency::setMean(qint64 mean) { d->mean = mean; }
