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

/*!
    Constructs empty metrics: every figure 0.
*/
LpmPoolMetrics::LpmPoolMetrics() : d(new LpmPoolMetricsData) { }

/*!
    Constructs a copy of \a other.
*/
LpmPoolMetrics::LpmPoolMetrics(const LpmPoolMetrics &other) = default;

/*!
    Move-constructs metrics from \a other.
*/
LpmPoolMetrics::LpmPoolMetrics(LpmPoolMetrics &&other) noexcept = default;

/*!
    \fn LpmPoolMetrics &LpmPoolMetrics::operator=(LpmPoolMetrics &&other)

    Move-assigns \a other to these metrics and returns a reference to them.
*/

/*!
    \fn void LpmPoolMetrics::swap(LpmPoolMetrics &other)

    Swaps these metrics with \a other. This operation is very fast and never fails.
*/

/*!
    Assigns \a other to these metrics and returns a reference to them.
*/
LpmPoolMetrics &LpmPoolMetrics::operator=(const LpmPoolMetrics &other) = default;

/*!
    Destroys the metrics.
*/
LpmPoolMetrics::~LpmPoolMetrics() = default;

/*!
    \property LpmPoolMetrics::queueWait
    \brief how long requests waited over the last 60 s: from
    LpmSupervisor::enqueue() until a worker was sent the request (its first time).
*/
LpmLatency LpmPoolMetrics::queueWait() const { return d->queueWait; }

/*!
    \property LpmPoolMetrics::runTime
    \brief how long answered requests ran over the last 60 s: from being sent to a
    worker until its answer arrived.
*/
LpmLatency LpmPoolMetrics::runTime() const { return d->runTime; }

/*!
    \property LpmPoolMetrics::throughput
    \brief answers per second over the last 10 s (or since the start or
    LpmSupervisor::resetMetrics()).
*/
double LpmPoolMetrics::throughput() const { return d->throughput; }

/*!
    \property LpmPoolMetrics::utilization
    \brief the share, 0 to 1, of the live workers' time in which they held at least
    one request (sampled every 500 ms).
*/
double LpmPoolMetrics::utilization() const { return d->utilization; }

/*!
    \property LpmPoolMetrics::failed
    \brief the requests rejected in the window, whatever the reason (QueueFull and
    timeouts included); a caller's cancellation is not a failure.
*/
qint64 LpmPoolMetrics::failed() const { return d->failed; }

/*!
    Sets the queue wait to \a latency. For the supervisor, which builds the metrics.
*/
void LpmPoolMetrics::setQueueWait(const LpmLatency &latency) { d->queueWait = latency; }

/*!
    Sets the run time to \a latency. For the supervisor, which builds the metrics.
*/
void LpmPoolMetrics::setRunTime(const LpmLatency &latency) { d->runTime = latency; }

/*!
    Sets the throughput to \a perSecond answers per second. For the supervisor,
    which builds the metrics.
*/
void LpmPoolMetrics::setThroughput(double perSecond) { d->throughput = perSecond; }

/*!
    Sets the utilization to \a share (0 to 1). For the supervisor, which builds the
    metrics.
*/
void LpmPoolMetrics::setUtilization(double share) { d->utilization = share; }

/*!
    Sets the number of failed requests to \a failed. For the supervisor, which
    builds the metrics.
*/
void LpmPoolMetrics::setFailed(qint64 failed) { d->failed = failed; }
