#include <lpm/lpmworkerstatus.h>

class LpmWorkerStatusData : public QSharedData
{
public:
    LpmWorkerStatus::State state = LpmWorkerStatus::State::Starting;
    int inFlight = 0;
    qint64 handled = 0;
    int sockets = 0;
    int slot = 0;
    int restarts = 0;
    LpmWorkerHealth health;
    double cpuPercent = 0;
    LpmLatency runTime;
};

/*!
    \class LpmWorkerStatus
    \inmodule Lpm
    \brief A snapshot of one worker: state, load and memory.

    \code
    for (const LpmWorkerStatus &w : supervisor.workers())
        qDebug() << w.pid() << w.state() << w.inFlight() << w.rss();
    \endcode
*/

LpmWorkerStatus::LpmWorkerStatus() : d(new LpmWorkerStatusData) { }
LpmWorkerStatus::LpmWorkerStatus(const LpmWorkerStatus &other) = default;
LpmWorkerStatus::LpmWorkerStatus(LpmWorkerStatus &&other) noexcept = default;
LpmWorkerStatus &LpmWorkerStatus::operator=(const LpmWorkerStatus &other) = default;
LpmWorkerStatus::~LpmWorkerStatus() = default;

qint64 LpmWorkerStatus::pid() const { return d->health.pid; }
LpmWorkerStatus::State LpmWorkerStatus::state() const { return d->state; }
int LpmWorkerStatus::inFlight() const { return d->inFlight; }
qint64 LpmWorkerStatus::handled() const { return d->handled; }
int LpmWorkerStatus::sockets() const { return d->sockets; }
int LpmWorkerStatus::slot() const { return d->slot; }
int LpmWorkerStatus::restarts() const { return d->restarts; }
LpmWorkerHealth LpmWorkerStatus::health() const { return d->health; }
qint64 LpmWorkerStatus::rss() const { return d->health.rss; }
qint64 LpmWorkerStatus::heapTotal() const { return d->health.heapTotal; }
qint64 LpmWorkerStatus::heapUsed() const { return d->health.heapUsed; }
double LpmWorkerStatus::cpuPercent() const { return d->cpuPercent; }
LpmLatency LpmWorkerStatus::runTime() const { return d->runTime; }

void LpmWorkerStatus::setPid(qint64 pid) { d->health.pid = pid; }
void LpmWorkerStatus::setState(State state) { d->state = state; }
void LpmWorkerStatus::setInFlight(int inFlight) { d->inFlight = inFlight; }
void LpmWorkerStatus::setHandled(qint64 handled) { d->handled = handled; }
void LpmWorkerStatus::setSockets(int sockets) { d->sockets = sockets; }
void LpmWorkerStatus::setSlot(int slot) { d->slot = slot; }
void LpmWorkerStatus::setRestarts(int restarts) { d->restarts = restarts; }
void LpmWorkerStatus::setHealth(const LpmWorkerHealth &health) { d->health = health; }
void LpmWorkerStatus::setCpuPercent(double percent) { d->cpuPercent = percent; }
void LpmWorkerStatus::setRunTime(const LpmLatency &runTime) { d->runTime = runTime; }
