#include "lpmqmlsupervisor_p.h"

#include "lpmqmlevent_p.h"
#include "lpmqmllogging_p.h"
#include "lpmqmlrequests_p.h"

#include <lpm/lpmerror.h>

#include <QtCore/qmetaobject.h>
#include <QtCore/qtimer.h>
#include <QtQml/qjsengine.h>

/*!
    \qmltype Supervisor
    \inqmlmodule Lpm
    \brief Keeps a pool of worker processes; the QML face of LpmSupervisor.

    \qml
    import Lpm

    Supervisor {
        id: pool
        program: "/usr/libexec/my-worker"
        count: 2
        Component.onCompleted: start()
        onOnline: pool.enqueue({ "Hello": "World" }).then(
                answer => console.log(JSON.stringify(answer)),
                error => console.warn(error.code, error.message))
    }
    ListView { model: pool.workers; delegate: Text { text: pid + " " + state + " " + rss } }
    Text { text: pool.metrics.throughput.toFixed(1) + " answers/s" }
    \endqml

    The configuration properties are read by start(). Changing them while the pool
    runs takes effect at the next start() after a kill, except \c count,
    \c maxQueued, \c minCount, \c maxCount and \c idleTimeout, which a running
    pool follows at once.
*/

namespace {

LpmQmlSupervisor::State fromCore(LpmSupervisor::State state)
{
    switch (state) {
    case LpmSupervisor::State::Stopped:
        return LpmQmlSupervisor::State::Stopped;
    case LpmSupervisor::State::Starting:
        return LpmQmlSupervisor::State::Starting;
    case LpmSupervisor::State::Online:
        return LpmQmlSupervisor::State::Online;
    case LpmSupervisor::State::Draining:
        return LpmQmlSupervisor::State::Draining;
    case LpmSupervisor::State::Stopping:
        return LpmQmlSupervisor::State::Stopping;
    }
    return LpmQmlSupervisor::State::Stopped;
}

} // namespace

LpmQmlSupervisor::LpmQmlSupervisor(QObject *parent)
    : QObject(parent),
      m_workers(new LpmWorkerModel(this)),
      m_requests(new LpmQmlRequests(this)),
      m_metricsTimer(new QTimer(this)),
      m_targetCount(m_config.worker.count)
{
    connect(m_requests, &LpmQmlRequests::aboutToSettle, this, &LpmQmlSupervisor::updateQueueLength);
    m_metricsTimer->setInterval(1000);
    connect(m_metricsTimer, &QTimer::timeout, this, &LpmQmlSupervisor::refreshMetrics);
}

LpmQmlSupervisor::~LpmQmlSupervisor()
{
    // The supervisor rejects what is pending with ShuttingDown as it goes; those
    // replies reach JavaScript from here, while the engine still knows this object.
    // Its properties no longer change on the way, and what the callbacks ask of it
    // (enqueue, start, ...) is refused: no pool is built again inside its destructor.
    m_destroying = true;
    m_requests->disconnect(this);
    if (m_supervisor) {
        m_supervisor->disconnect(this);
        m_workers->setSupervisor(nullptr);
        m_supervisor.reset();
    }
    m_requests->rejectAll(LpmError(LpmError::Code::ShuttingDown));
}

/*!
    \qmlproperty string Supervisor::program
    The worker executable (LpmWorkerConfig::program).
*/
void LpmQmlSupervisor::setProgram(const QString &program)
{
    if (m_config.worker.program == program)
        return;
    m_config.worker.program = program;
    configChanged();
    Q_EMIT programChanged();
}

/*!
    \qmlproperty list<string> Supervisor::arguments
    The arguments passed to every worker.
*/
void LpmQmlSupervisor::setArguments(const QStringList &arguments)
{
    if (m_config.worker.arguments == arguments)
        return;
    m_config.worker.arguments = arguments;
    configChanged();
    Q_EMIT argumentsChanged();
}

/*!
    \qmlproperty int Supervisor::count
    The number of workers. Setting it on a running pool resizes it. An autoscaling
    pool (\c maxCount above \c minCount) starts from it and goes on from there;
    \c targetCount tells how many workers it keeps.
*/
void LpmQmlSupervisor::setCount(int count)
{
    if (count < 1) {
        qCWarning(lcLpmQml) << "Supervisor.count =" << count << "ignored: a pool needs a worker";
        return;
    }
    // A running pool is compared by its own count, which autoscaling moves.
    if (m_config.worker.count == count && (!m_supervisor || m_supervisor->targetCount() == count))
        return;
    m_config.worker.count = count; // also kept for the next start()
    if (m_supervisor) {
        if (m_config.worker.minCount < 0 || m_config.worker.maxCount < 0)
            applyWorkerBounds(); // bounds that follow count move first
        m_supervisor->resize(count);
    }
    updateTargetCount();
    Q_EMIT countChanged();
}

/*!
    \qmlproperty int Supervisor::restarts
    \qmlproperty int Supervisor::maxRestartsInInterval
    The restart policy: at most \c restarts respawns of dead workers (default 5)
    within any \c maxRestartsInInterval seconds (default 120).
*/
void LpmQmlSupervisor::setRestarts(int restarts)
{
    if (m_config.worker.restarts == restarts)
        return;
    m_config.worker.restarts = restarts;
    configChanged();
    Q_EMIT restartsChanged();
}

void LpmQmlSupervisor::setMaxRestartsInInterval(int seconds)
{
    if (m_config.worker.maxRestartsInInterval == seconds)
        return;
    m_config.worker.maxRestartsInInterval = seconds;
    configChanged();
    Q_EMIT maxRestartsInIntervalChanged();
}

/*!
    \qmlproperty int Supervisor::timeout
    \qmlproperty int Supervisor::retries
    The defaults of every request: its timeout in milliseconds (-1, the default:
    none) and how many times it is queued again after its worker died (default 0;
    -1: unlimited). enqueue()'s options override them per request.
*/
void LpmQmlSupervisor::setTimeout(int ms)
{
    if (m_config.request.timeout == ms)
        return;
    m_config.request.timeout = ms;
    configChanged();
    Q_EMIT timeoutChanged();
}

void LpmQmlSupervisor::setRetries(int retries)
{
    if (m_config.request.retries == retries)
        return;
    m_config.request.retries = retries;
    configChanged();
    Q_EMIT retriesChanged();
}

/*!
    \qmlproperty int Supervisor::maxQueued
    Requests that may wait for a worker at most; beyond it enqueue() rejects at once
    with \c QueueFull. 0 (the default): unbounded. A running pool applies it to the
    requests enqueued from then on.
*/
void LpmQmlSupervisor::setMaxQueued(int maxQueued)
{
    if (m_config.request.maxQueued == maxQueued)
        return;
    m_config.request.maxQueued = maxQueued;
    if (m_supervisor)
        m_supervisor->setMaxQueued(maxQueued);
    Q_EMIT maxQueuedChanged();
}

/*!
    \qmlproperty int Supervisor::minCount
    \qmlproperty int Supervisor::maxCount
    The autoscaling bounds; -1 (the default): \c count. While requests wait and every
    worker holds work, the pool grows one worker at a time up to \c maxCount; a
    worker idle for \c idleTimeout ms is retired while more than \c minCount remain.
    A running pool is brought within new bounds at once; a pair outside
    1 <= minCount <= maxCount is ignored with a warning, so set the one that widens
    the range first.
*/
void LpmQmlSupervisor::setMinCount(int count)
{
    if (m_config.worker.minCount == count)
        return;
    m_config.worker.minCount = count;
    applyWorkerBounds();
    Q_EMIT minCountChanged();
}

void LpmQmlSupervisor::setMaxCount(int count)
{
    if (m_config.worker.maxCount == count)
        return;
    m_config.worker.maxCount = count;
    applyWorkerBounds();
    Q_EMIT maxCountChanged();
}

/*!
    \qmlproperty int Supervisor::idleTimeout
    Milliseconds a worker above \c minCount may stay idle before it is retired
    (default 60000).
*/
void LpmQmlSupervisor::setIdleTimeout(int ms)
{
    if (m_config.worker.idleTimeout == ms)
        return;
    m_config.worker.idleTimeout = ms;
    if (m_supervisor)
        m_supervisor->setIdleTimeout(ms);
    Q_EMIT idleTimeoutChanged();
}

/*!
    \qmlproperty int Supervisor::maxInFlight
    \qmlproperty int Supervisor::startTimeout
    \qmlproperty int Supervisor::maxRequests
    \qmlproperty int Supervisor::maxRequestsJitter
    \qmlproperty int Supervisor::maxMemory
    \qmlproperty int Supervisor::maxAge
    \qmlproperty int Supervisor::hangTimeout
    \qmlproperty int Supervisor::backoffInitial
    \qmlproperty int Supervisor::backoffMax
    The requests one worker holds at once at most (0: no limit) and the worker
    lifecycle policies, as LpmWorkerConfig documents them, with its defaults. They
    apply from the next start().
*/

/*!
    \qmlproperty bool Supervisor::online
    Whether every worker has called ready(): \c state is \c Supervisor.Online.
*/
bool LpmQmlSupervisor::isOnline() const
{
    return m_state == State::Online;
}

/*!
    \qmlproperty enumeration Supervisor::state
    Where the pool stands, as LpmSupervisor::State:

    \value Supervisor.Stopped No worker runs.
    \value Supervisor.Starting Workers are starting.
    \value Supervisor.Online Every worker is ready.
    \value Supervisor.Draining softKill(): finishing accepted work.
    \value Supervisor.Stopping hardKill(): waiting for the workers to exit.
*/
LpmQmlSupervisor::State LpmQmlSupervisor::state() const
{
    return m_state;
}

/*!
    \qmlproperty int Supervisor::queueLength
    The requests waiting for a worker.
*/

/*!
    \qmlproperty WorkerModel Supervisor::workers
    One row per live worker, for views: the roles \c pid, \c state, \c rss,
    \c heapUsed, \c heapTotal, \c inFlight, \c handled, \c sockets, \c restarts,
    \c slot, \c cpuPercent and \c runTime.
*/

/*!
    \qmlproperty string Supervisor::errorString
    A translated description of the last error, as errorOccurred() told it.
*/

/*!
    \qmlsignal Supervisor::online()
    Emitted once every worker has called ready() after start().
*/

/*!
    \qmlsignal Supervisor::childSpawned(int pid)
    Emitted each time a worker process with \a pid starts, restarts included.
*/

/*!
    \qmlsignal Supervisor::workerExited(int pid, int exitCode, bool crashed, string reason)
    Emitted for every worker exit: the worker \a pid ended with \a exitCode, or with
    the signal of that number when \a crashed is \c true; \a reason is the name of
    the LpmWorkerExit::Reason ("Crashed", "Recycled", "Hung", ...).
*/

/*!
    \qmlsignal Supervisor::restartLimitReached()
    Emitted when the restart policy refuses to replace a dead worker.
*/

/*!
    \qmlsignal Supervisor::eventReceived(string name, Event event)
    Emitted when a worker sends the custom event \a name; answer \a event, which
    JavaScript owns, with \c{event.respond()} now or later.
*/

/*!
    \qmlsignal Supervisor::errorOccurred(string message)
    Emitted when something goes wrong outside a request (a worker program that
    cannot start, a crash, the restart limit); \a message is errorString.
*/
int LpmQmlSupervisor::queueLength() const
{
    return m_queueLength;
}

/*!
    \qmlproperty int Supervisor::targetCount
    The number of workers the pool keeps: \c count until \c resize() or the
    autoscaler changes it.
*/

/*!
    \qmlproperty poolMetrics Supervisor::metrics
    What the pool has been doing lately, refreshed every second while it runs (and
    once when it stops): \c queueWait and \c runTime, each a \c latency with
    \c count, \c p50, \c p90, \c p99, \c max and \c mean in microseconds over the
    last 60 s; \c throughput, answers per second over the last 10 s;
    \c utilization, the share 0..1 of the workers' time spent holding requests; and
    \c failed, the requests rejected in the window.

    \qml
    Text { text: (pool.metrics.runTime.p99 / 1000).toFixed(1) + " ms p99" }
    \endqml
*/

/*!
    \qmlmethod void Supervisor::resetMetrics()
    Starts the metrics afresh; \c metrics shows it at once.
*/
void LpmQmlSupervisor::resetMetrics()
{
    if (m_supervisor)
        m_supervisor->resetMetrics();
    refreshMetrics();
}

/*!
    \qmlmethod void Supervisor::start()
    Spawns \c count workers of \c program; online() follows when all are ready.
*/
void LpmQmlSupervisor::start()
{
    if (m_config.worker.program.isEmpty())
        qCWarning(lcLpmQml) << "Supervisor.start(): no program is set";
    if (m_destroying)
        return;
    ensureSupervisor()->start();
}

/*!
    \qmlmethod bool Supervisor::broadcast(string name, var payload)
    Sends the event \a name with \a payload to every live worker. Returns \c false,
    with a warning, if the payload cannot cross processes.
*/
bool LpmQmlSupervisor::broadcast(const QString &name, const QJSValue &payload)
{
    if (m_destroying)
        return false;
    return ensureSupervisor()->broadcast(name, payload.toVariant());
}

/*!
    \qmlmethod Promise Supervisor::enqueue(var payload, object options, function callback)
    Sends \a payload (a JavaScript value made of objects, arrays, strings, numbers
    and booleans) to a worker. \a options, which may be left out, is an object with
    any of \c priority (higher goes first, FIFO among equals; default 0), \c timeout
    (milliseconds, -1 for none) and \c retries (re-queues after the worker died, -1
    for unlimited); those left out take the Supervisor's \c timeout and \c retries.

    Each request ends once, one way. With \a callback, it is called as
    \c {callback(answer, null)} with the worker's answer, or as
    \c {callback(undefined, error)} where \c error is \c {{code, message}}: \c code
    is the name of an LpmError::Code such as \c "TimedOut", \c message a translated
    sentence; enqueue() returns \c undefined then. Without a callback it returns a
    Promise that resolves with the answer or rejects with that error object. A
    request refused at once (\c QueueFull, \c NotSerializable, \c ShuttingDown)
    calls the callback before enqueue() returns; its promise is rejected already.
    When the Supervisor is destroyed, what is pending rejects with \c ShuttingDown.

    \qml
    pool.enqueue({ "job": 1 }, { "priority": 5 }).then(answer => show(answer),
                                                     error => console.warn(error.code))
    pool.enqueue({ "job": 2 }, function (answer, error) { ... })
    \endqml
*/
QJSValue LpmQmlSupervisor::enqueue(const QJSValue &payload, const QJSValue &optionsOrCallback,
                                   const QJSValue &callback)
{
    if (m_destroying) {
        qCWarning(lcLpmQml) << "enqueue() on a Supervisor being destroyed: refused";
        return QJSValue();
    }
    const QJSValue promise = m_requests->enqueue(ensureSupervisor(), payload, optionsOrCallback,
                                                 callback); // undefined with a callback
    updateQueueLength();
    return promise;
}

/*!
    \qmlmethod void Supervisor::softKill()
    Refuses new work, lets accepted work finish, then stops every worker.
*/
void LpmQmlSupervisor::softKill()
{
    if (m_supervisor)
        m_supervisor->softKill();
}

/*!
    \qmlmethod void Supervisor::hardKill()
    Rejects everything pending and stops every worker now.
*/
void LpmQmlSupervisor::hardKill()
{
    if (m_supervisor)
        m_supervisor->hardKill();
}

/*!
    \qmlmethod void Supervisor::resize(int count)
    Grows or shrinks the pool to \a count workers; the same as setting \c count.
*/
void LpmQmlSupervisor::resize(int count)
{
    setCount(count);
}

LpmSupervisor *LpmQmlSupervisor::ensureSupervisor()
{
    // A stopped pool is rebuilt with the new configuration, unless requests wait in
    // it (enqueued before start()): they are kept, and the change waits for the next
    // stop.
    if (m_supervisor
        && (!m_configChanged || m_supervisor->state() != LpmSupervisor::State::Stopped
            || m_supervisor->pendingCount() > 0)) {
        if (m_configChanged && m_supervisor->state() == LpmSupervisor::State::Stopped)
            qCWarning(lcLpmQml) << "configuration changed while requests wait: it applies after the next stop";
        return m_supervisor.get();
    }
    if (m_supervisor)
        qCDebug(lcLpmQml) << "configuration changed: building a new supervisor";
    m_workers->setSupervisor(nullptr);
    // The old one is forgotten before it goes: what its end calls back into sees the
    // new one, connected once.
    std::unique_ptr<LpmSupervisor> old = std::exchange(m_supervisor, std::make_unique<LpmSupervisor>(m_config));
    m_configChanged = false;
    if (old) {
        old->disconnect(this);
        old.reset();
    }
    LpmSupervisor *supervisor = m_supervisor.get();
    connect(supervisor, &LpmSupervisor::stateChanged, this, &LpmQmlSupervisor::updateState);
    connect(supervisor, &LpmSupervisor::healthUpdated, this, &LpmQmlSupervisor::updateQueueLength);
    connect(supervisor, &LpmSupervisor::queueLengthChanged, this,
            &LpmQmlSupervisor::updateQueueLength);
    connect(supervisor, &LpmSupervisor::targetCountChanged, this,
            &LpmQmlSupervisor::updateTargetCount);
    connect(supervisor, &LpmSupervisor::online, this, &LpmQmlSupervisor::online);
    connect(supervisor, &LpmSupervisor::childSpawned, this, &LpmQmlSupervisor::childSpawned);
    connect(supervisor, &LpmSupervisor::eventReceived, this,
            [this](const QString &name, const LpmEvent &event) {
                auto *wrapped = new LpmQmlEvent(event);
                QJSEngine::setObjectOwnership(wrapped, QJSEngine::JavaScriptOwnership);
                Q_EMIT eventReceived(name, wrapped);
            });
    connect(supervisor, &LpmSupervisor::restartLimitReached, this,
            &LpmQmlSupervisor::restartLimitReached);
    connect(supervisor, &LpmSupervisor::workerExited, this, [this](const LpmWorkerExit &exit) {
        const bool signaled = exit.signal() != 0;
        Q_EMIT workerExited(exit.pid(), signaled ? exit.signal() : exit.exitCode(), signaled,
                            QString::fromLatin1(QMetaEnum::fromType<LpmWorkerExit::Reason>().valueToKey(
                                    int(exit.reason()))));
    });
    connect(supervisor, &LpmSupervisor::errorOccurred, this, [this, supervisor] {
        m_errorString = supervisor->errorString();
        Q_EMIT errorOccurred(m_errorString);
    });
    m_workers->setSupervisor(supervisor);
    updateState();
    updateTargetCount();
    refreshMetrics();
    return supervisor;
}

void LpmQmlSupervisor::configChanged()
{
    m_configChanged = true;
}

// The running pool follows the bounds at once; the next supervisor takes them from
// m_config. -1 follows count, as LpmWorkerConfig has it.
void LpmQmlSupervisor::applyWorkerBounds()
{
    if (!m_supervisor)
        return;
    const LpmWorkerConfig &worker = m_config.worker;
    const int minCount = worker.minCount < 0 ? worker.count : worker.minCount;
    const int maxCount = worker.maxCount < 0 ? qMax(worker.count, minCount) : worker.maxCount;
    m_supervisor->setWorkerBounds(minCount, maxCount);
}

void LpmQmlSupervisor::updateState()
{
    const State newState = m_supervisor ? fromCore(m_supervisor->state()) : State::Stopped;
    updateQueueLength();
    if (newState == m_state)
        return;
    const bool wasOnline = isOnline();
    m_state = newState;
    if (m_state == State::Stopped) {
        m_metricsTimer->stop();
        refreshMetrics(); // the last figures stay
    } else if (!m_metricsTimer->isActive()) {
        m_metricsTimer->start();
    }
    Q_EMIT stateChanged();
    if (wasOnline != isOnline())
        Q_EMIT onlineChanged();
}

void LpmQmlSupervisor::updateQueueLength()
{
    const int length = m_supervisor ? m_supervisor->queueLength() : 0;
    if (length == m_queueLength)
        return;
    m_queueLength = length;
    Q_EMIT queueLengthChanged();
}

void LpmQmlSupervisor::updateTargetCount()
{
    const int count = m_supervisor ? m_supervisor->targetCount() : m_config.worker.count;
    if (count == m_targetCount)
        return;
    m_targetCount = count;
    Q_EMIT targetCountChanged();
}

// Every time: the figures move with the clock even when nothing happens.
void LpmQmlSupervisor::refreshMetrics()
{
    m_metrics = m_supervisor ? m_supervisor->metrics() : LpmPoolMetrics();
    Q_EMIT metricsChanged();
}
