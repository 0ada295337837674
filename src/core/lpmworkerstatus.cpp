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

/*!
    \enum LpmWorkerStatus::State

    Where a live worker stands.

    \value Starting Spawned; it has not called LpmWorker::ready() yet.
    \value Ready It takes requests.
    \value Busy It called LpmWorker::busy(): it takes none until it is ready() again.
    \value Draining It was asked to stop (a soft kill, a resize) and is finishing
           what it holds.
*/

/*!
    Constructs an empty snapshot: pid 0, state Starting, every figure 0.
*/
LpmWorkerStatus::LpmWorkerStatus() : d(new LpmWorkerStatusData) { }

/*!
    Constructs a copy of \a other.
*/
LpmWorkerStatus::LpmWorkerStatus(const LpmWorkerStatus &other) = default;

/*!
    Move-constructs a snapshot from \a other.
*/
LpmWorkerStatus::LpmWorkerStatus(LpmWorkerStatus &&other) noexcept = default;

/*!
    \fn LpmWorkerStatus &LpmWorkerStatus::operator=(LpmWorkerStatus &&other)

    Move-assigns \a other to this snapshot and returns a reference to it.
*/

/*!
    \fn void LpmWorkerStatus::swap(LpmWorkerStatus &other)

    Swaps this snapshot with \a other. This operation is very fast and never fails.
*/

/*!
    Assigns \a other to this snapshot and returns a reference to it.
*/
LpmWorkerStatus &LpmWorkerStatus::operator=(const LpmWorkerStatus &other) = default;

/*!
    Destroys the snapshot.
*/
LpmWorkerStatus::~LpmWorkerStatus() = default;

/*!
    \property LpmWorkerStatus::pid
    \brief the worker's process id.
*/
qint64 LpmWorkerStatus::pid() const { return d->health.pid; }

/*!
    \property LpmWorkerStatus::state
    \brief where the worker stands: starting, ready, busy or draining.
*/
LpmWorkerStatus::State LpmWorkerStatus::state() const { return d->state; }

/*!
    \property LpmWorkerStatus::inFlight
    \brief the requests sent to the worker and not yet answered.
*/
int LpmWorkerStatus::inFlight() const { return d->inFlight; }

/*!
    \property LpmWorkerStatus::handled
    \brief the requests the worker answered since it started.
*/
qint64 LpmWorkerStatus::handled() const { return d->handled; }

/*!
    \property LpmWorkerStatus::sockets
    \brief the handed-over connections the worker still holds.
*/
int LpmWorkerStatus::sockets() const { return d->sockets; }

/*!
    \property LpmWorkerStatus::slot
    \brief the worker's place in the pool (its \c LPM_WORKER_INDEX), which a
    replacement takes over.
*/
int LpmWorkerStatus::slot() const { return d->slot; }

/*!
    \property LpmWorkerStatus::restarts
    \brief the respawns of the worker's slot after a crash, itself included.
*/
int LpmWorkerStatus::restarts() const { return d->restarts; }

/*!
    Returns the worker's latest memory figures; rss, heapTotal and heapUsed are
    the same figures one by one.
*/
LpmWorkerHealth LpmWorkerStatus::health() const { return d->health; }

/*!
    \property LpmWorkerStatus::rss
    \brief the worker's resident set size in bytes, from its latest health figures.
*/
qint64 LpmWorkerStatus::rss() const { return d->health.rss; }

/*!
    \property LpmWorkerStatus::heapTotal
    \brief the bytes of C heap the worker reserved (glibc malloc's arena, large
    mmap'd blocks included).
*/
qint64 LpmWorkerStatus::heapTotal() const { return d->health.heapTotal; }

/*!
    \property LpmWorkerStatus::heapUsed
    \brief the bytes of C heap the worker has in use.
*/
qint64 LpmWorkerStatus::heapUsed() const { return d->health.heapUsed; }

/*!
    \property LpmWorkerStatus::cpuPercent
    \brief the CPU time the worker used between the last two samples (every
    500 ms), in percent of one core: 100 is one core kept busy.
*/
double LpmWorkerStatus::cpuPercent() const { return d->cpuPercent; }

/*!
    \property LpmWorkerStatus::runTime
    \brief how long the worker's answered requests took, from being sent to it,
    over the last minute.
*/
LpmLatency LpmWorkerStatus::runTime() const { return d->runTime; }

/*!
    Sets the process id to \a pid. For the supervisor, which builds snapshots.
*/
void LpmWorkerStatus::setPid(qint64 pid) { d->health.pid = pid; }

/*!
    Sets the state to \a state. For the supervisor, which builds snapshots.
*/
void LpmWorkerStatus::setState(State state) { d->state = state; }

/*!
    Sets the requests in flight to \a inFlight. For the supervisor, which builds
    snapshots.
*/
void LpmWorkerStatus::setInFlight(int inFlight) { d->inFlight = inFlight; }

/*!
    Sets the requests answered to \a handled. For the supervisor, which builds
    snapshots.
*/
void LpmWorkerStatus::setHandled(qint64 handled) { d->handled = handled; }

/*!
    Sets the connections held to \a sockets. For the supervisor, which builds
    snapshots.
*/
void LpmWorkerStatus::setSockets(int sockets) { d->sockets = sockets; }

/*!
    Sets the slot to \a slot. For the supervisor, which builds snapshots.
*/
void LpmWorkerStatus::setSlot(int slot) { d->slot = slot; }

/*!
    Sets the slot's restarts to \a restarts. For the supervisor, which builds
    snapshots.
*/
void LpmWorkerStatus::setRestarts(int restarts) { d->restarts = restarts; }

/*!
    Sets the memory figures, and the pid with them, to \a health. For the
    supervisor, which builds snapshots.
*/
void LpmWorkerStatus::setHealth(const LpmWorkerHealth &health) { d->health = health; }

/*!
    Sets the CPU use to \a percent of one core. For the supervisor, which builds
    snapshots.
*/
void LpmWorkerStatus::setCpuPercent(double percent) { d->cpuPercent = percent; }

/*!
    Sets the run times to \a runTime. For the supervisor, which builds snapshots.
*/
void LpmWorkerStatus::setRunTime(const LpmLatency &runTime) { d->runTime = runTime; }
