#include "lpmworkerpool_p.h"

#include "lpmdispatcher_p.h"
#include "lpmlogging_p.h"
#include "lpmworkerhandle_p.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qpointer.h>
#include <QtCore/qtimer.h>

#include <algorithm>
#include <limits>

#include <fcntl.h>
#include <unistd.h>

namespace {
const LpmWorkerLoad &loadOf(const LpmWorkerHandle *worker)
{
    return worker->load();
}
} // namespace

LpmWorkerPool::LpmWorkerPool(const LpmSupervisorConfig &config, QObject *parent)
    : QObject(parent),
      m_config(config),
      m_targetCount(qMax(1, config.worker.count)),
      m_restartPolicy(config.worker.restarts, config.worker.maxRestartsInInterval),
      m_restartTimer(new QTimer(this)),
      m_healthTimer(new QTimer(this))
{
    m_clock.start();
    m_restartTimer->setSingleShot(true);
    connect(m_restartTimer, &QTimer::timeout, this, [this] {
        m_restartLimitHit = false;
        Q_EMIT restartAllowed();
    });
    m_healthTimer->setInterval(HealthSampleMs);
    connect(m_healthTimer, &QTimer::timeout, this, [this] {
        for (LpmWorkerHandle *worker : m_workers)
            worker->sampleRss();
        Q_EMIT healthSampled();
    });
}

LpmWorkerPool::~LpmWorkerPool()
{
    stopAll();
    for (const SharedServer &shared : m_sharedServers)
        ::close(shared.fd);
}

std::vector<const LpmWorkerHandle *> LpmWorkerPool::liveWorkers() const
{
    std::vector<const LpmWorkerHandle *> live;
    live.reserve(m_workers.size());
    for (const LpmWorkerHandle *worker : m_workers) {
        if (worker->pid() != 0 && worker->state() != LpmWorkerHandle::State::Exited)
            live.push_back(worker);
    }
    return live;
}

int LpmWorkerPool::activeCount() const
{
    return int(std::count_if(m_workers.begin(), m_workers.end(),
                             [](const LpmWorkerHandle *w) { return !w->isStopping(); }));
}

int LpmWorkerPool::readyCount() const
{
    return int(std::count_if(m_workers.begin(), m_workers.end(), [](const LpmWorkerHandle *w) {
        return w->hasBeenReady() && !w->isStopping() && w->state() != LpmWorkerHandle::State::Exited;
    }));
}

std::optional<LpmError> LpmWorkerPool::unservableReason() const
{
    if (!m_workers.empty())
        return std::nullopt;
    if (m_startFailure)
        return m_startFailure;
    if (m_restartLimitHit)
        return LpmError(LpmError::Code::RestartLimitReached,
                        QStringLiteral("At most %1 restarts are allowed within %2 s.")
                                .arg(m_config.worker.restarts)
                                .arg(m_config.worker.maxRestartsInInterval));
    return std::nullopt; // not started yet, or a worker is on its way
}

std::optional<LpmError> LpmWorkerPool::start()
{
    m_startFailure.reset();
    m_restartLimitHit = false;
    if (m_config.worker.program.isEmpty()) {
        m_startFailure = LpmError(LpmError::Code::WorkerFailedToStart,
                                  QStringLiteral("No worker program is configured."));
        return m_startFailure;
    }
    if (m_config.worker.count < 1)
        qCWarning(lcLpmSupervisor) << "worker.count is" << m_config.worker.count
                                   << "- a pool needs at least one worker; starting one";
    for (int i = 0; i < m_targetCount; ++i)
        spawn();
    m_healthTimer->start();
    return std::nullopt;
}

int LpmWorkerPool::freeSlot() const
{
    for (int slot = 0;; ++slot) {
        if (std::none_of(m_workers.begin(), m_workers.end(),
                         [slot](const LpmWorkerHandle *w) { return w->slot() == slot; }))
            return slot;
    }
}

void LpmWorkerPool::spawn()
{
    auto *worker = new LpmWorkerHandle(freeSlot(), this);
    m_workers.push_back(worker);
    Q_EMIT spawned(worker);
    worker->start(m_config.worker);
    for (const SharedServer &shared : m_sharedServers)
        worker->shareServer(shared.body, ::fcntl(shared.fd, F_DUPFD_CLOEXEC, 3));
}

void LpmWorkerPool::resize(int count, bool running)
{
    m_targetCount = count;
    if (!running)
        return; // applies at the next start()
    int active = activeCount();
    // Grow: new workers, not restarts.
    for (; active < count; ++active)
        spawn();
    // Shrink: retire the workers with the least work.
    for (; active > count; --active) {
        const auto leastBusy = LpmDispatcher::pickForRetirement(m_workers.begin(), m_workers.end(), loadOf);
        if (leastBusy == m_workers.end())
            break;
        qCDebug(lcLpmSupervisor) << "retiring worker" << (*leastBusy)->pid();
        (*leastBusy)->retire();
    }
}

void LpmWorkerPool::remove(LpmWorkerHandle *worker, const LpmWorkerExit &exit)
{
    const auto it = std::find(m_workers.begin(), m_workers.end(), worker);
    if (it == m_workers.end())
        return;
    m_workers.erase(it);
    worker->deleteLater();
    if (exit.reason() == LpmWorkerExit::Reason::FailedToStart) {
        m_startFailure = LpmError(LpmError::Code::WorkerFailedToStart,
                                  QStringLiteral("%1: %2").arg(m_config.worker.program, exit.detail()));
        Q_EMIT failedToStart(*m_startFailure);
    }
}

void LpmWorkerPool::replaceLost(bool draining, bool workWaiting)
{
    for (;;) {
        const bool wanted = draining ? workWaiting && activeCount() == 0 : activeCount() < m_targetCount;
        if (!wanted || m_startFailure)
            return;
        const qint64 now = m_clock.elapsed();
        if (!m_restartPolicy.tryRestart(now)) {
            m_restartLimitHit = true;
            const QString message = QStringLiteral("Restart limit reached: %1 restarts within "
                                                   "%2 s; %3 of %4 workers running.")
                                            .arg(m_config.worker.restarts)
                                            .arg(m_config.worker.maxRestartsInInterval)
                                            .arg(activeCount())
                                            .arg(m_targetCount);
            qCWarning(lcLpmSupervisor).noquote() << message;
            const qint64 wait = m_restartPolicy.msUntilAllowed(now);
            if (!draining && wait > 0 && !m_restartTimer->isActive())
                m_restartTimer->start(int(qMin<qint64>(wait, std::numeric_limits<int>::max())));
            Q_EMIT restartLimitReached(message);
            return;
        }
        m_restartLimitHit = false;
        ++m_restartCount;
        spawn();
    }
}

void LpmWorkerPool::retireIdle()
{
    const std::vector<QPointer<LpmWorkerHandle>> workers(m_workers.begin(), m_workers.end());
    for (const QPointer<LpmWorkerHandle> &worker : workers) {
        if (worker && !worker->isStopping() && worker->load().inFlight == 0)
            worker->retire();
    }
}

void LpmWorkerPool::hardKillAll(int graceMs)
{
    m_restartTimer->stop();
    const std::vector<QPointer<LpmWorkerHandle>> workers(m_workers.begin(), m_workers.end());
    for (const QPointer<LpmWorkerHandle> &worker : workers) {
        if (worker)
            worker->hardKill(graceMs);
    }
}

void LpmWorkerPool::stopAll()
{
    stopTimers();
    const std::vector<LpmWorkerHandle *> workers = std::exchange(m_workers, {});
    // Nothing more is reported: the owner is going away.
    for (LpmWorkerHandle *worker : workers)
        QObject::disconnect(worker, nullptr, nullptr, nullptr);
    // Every channel closes first, so the workers wind down in parallel, and all share
    // one grace period.
    for (LpmWorkerHandle *worker : workers)
        worker->stop();
    const QDeadlineTimer grace(StopGraceMs);
    for (LpmWorkerHandle *worker : workers)
        worker->waitForExit(int(grace.remainingTime()));
    for (LpmWorkerHandle *worker : workers) {
        if (worker->isRunning()) {
            qCDebug(lcLpmSupervisor) << "worker" << worker->pid() << "outlived the grace - killing it";
            worker->killNow();
        }
    }
    for (LpmWorkerHandle *worker : workers) {
        worker->waitForExit(5000);
        delete worker;
    }
}

void LpmWorkerPool::stopTimers()
{
    m_healthTimer->stop();
    m_restartTimer->stop();
}

void LpmWorkerPool::shareServer(const QByteArray &body, int fd)
{
    m_sharedServers.push_back({ body, fd });
    for (LpmWorkerHandle *worker : m_workers)
        worker->shareServer(body, ::fcntl(fd, F_DUPFD_CLOEXEC, 3));
}
