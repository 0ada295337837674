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

LpmLatency::LpmLatency() : d(new LpmLatencyData) { }
LpmLatency::LpmLatency(const LpmLatency &other) = default;
LpmLatency::LpmLatency(LpmLatency &&other) noexcept = default;
LpmLatency &LpmLatency::operator=(const LpmLatency &other) = default;
LpmLatency::~LpmLatency() = default;

qint64 LpmLatency::count() const { return d->count; }
qint64 LpmLatency::p50() const { return d->p50; }
qint64 LpmLatency::p90() const { return d->p90; }
qint64 LpmLatency::p99() const { return d->p99; }
qint64 LpmLatency::max() const { return d->max; }
qint64 LpmLatency::mean() const { return d->mean; }

void LpmLatency::setCount(qint64 count) { d->count = count; }
void LpmLatency::setPercentiles(qint64 p50, qint64 p90, qint64 p99, qint64 max)
{
    d->p50 = p50;
    d->p90 = p90;
    d->p99 = p99;
    d->max = max;
}
void LpmLatency::setMean(qint64 mean) { d->mean = mean; }
