#include <lpm/lpmpoolmetrics.h>

class LpmPoolMetricsData : public QSharedData
{
public:
    LpmLatency queueWait;
    LpmLatency runTime;
    double throughput = 0;
    double utilization = 0;
    qint64 failed = 0;
};

/*!
    \class LpmPoolMetrics
    \inmodule Lpm
    \brief What a pool has been doing: queue wait, run time, throughput, utilization.

    \code
    const LpmPoolMetrics m = supervisor.metrics();
    qDebug() << m.throughput() << "answers/s, run time p90" << m.runTime().p90() << "us";
    \endcode
*/

LpmPoolMetrics::LpmPoolMetrics() : d(new LpmPoolMetricsData) { }
LpmPoolMetrics::LpmPoolMetrics(const LpmPoolMetrics &other) = default;
LpmPoolMetrics::LpmPoolMetrics(LpmPoolMetrics &&other) noexcept = default;
LpmPoolMetrics &LpmPoolMetrics::operator=(const LpmPoolMetrics &other) = default;
LpmPoolMetrics::~LpmPoolMetrics() = default;

LpmLatency LpmPoolMetrics::queueWait() const { return d->queueWait; }
LpmLatency LpmPoolMetrics::runTime() const { return d->runTime; }
double LpmPoolMetrics::throughput() const { return d->throughput; }
double LpmPoolMetrics::utilization() const { return d->utilization; }
qint64 LpmPoolMetrics::failed() const { return d->failed; }

void LpmPoolMetrics::setQueueWait(const LpmLatency &latency) { d->queueWait = latency; }
void LpmPoolMetrics::setRunTime(const LpmLatency &latency) { d->runTime = latency; }
void LpmPoolMetrics::setThroughput(double perSecond) { d->throughput = perSecond; }
void LpmPoolMetrics::setUtilization(double share) { d->utilization = share; }
void LpmPoolMetrics::setFailed(qint64 failed) { d->failed = failed; }
