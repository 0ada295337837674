#include "lpmworkerpool_p.h"

#include "lpmdispatcher_p.h"
#include "lpmforkserver_p.h"
#include "lpmlaunchcommand_p.h"
#include "lpmlogging_p.h"
#include "lpmslurmallocation_p.h"
#include "lpmsshmultiplexer_p.h"
#include "lpmworkerhandle_p.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qpointer.h>
#include <QtCore/qrandom.h>
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

namespace {
// How soon a replacement that could not be started is tried again, at the least.
constexpr int MinReplacementRetryMs = 1000;

QByteArray newPoolToken()
{
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 4);
    return bytes.toHex();
}
} // namespace

LpmWorkerPool::LpmWorkerPool(const LpmSupervisorConfig &config, QObject *parent)
    : QObject(parent),
      m_config(config),
      m_targetCount(qMax(1, config.worker.count)),
      m_restartPolicy(config.worker.restarts, config.worker.maxRestartsInInterval),
      m_restartTimer(new QTimer(this)),
      m_backoffTimer(new QTimer(this)),
      m_healthTimer(new QTimer(this)),
      m_token(newPoolToken()),
      m_hasLocalLauncher(config.worker.launchers.isEmpty()
                         || std::any_of(config.worker.launchers.cbegin(), config.worker.launchers.cend(),
                                        [](const LpmLauncher &launcher) { return !launcher.isRemote(); }))
{
    m_clock.start();
    m_restartTimer->setSingleShot(true);
    connect(m_restartTimer, &QTimer::timeout, this, [this] {
        m_restartLimitHit = false;
        Q_EMIT restartAllowed();
    });
    m_backoffTimer->setSingleShot(true);
    connect(m_backoffTimer, &QTimer::timeout, this, &LpmWorkerPool::restartAllowed);
    m_healthTimer->setInterval(HealthSampleMs);
    connect(m_healthTimer, &QTimer::timeout, this, [this] {
        const std::vector<LpmWorkerHandle *> workers = m_workers; // a sample may act
        for (LpmWorkerHandle *worker : workers)
            worker->sampleHealth();
        Q_EMIT healthSampled();
    });
}

LpmWorkerPool::~LpmWorkerPool()
{
    stopAll();
    delete m_forkServer; // after its children
    delete m_slurmJob;   // after its steps
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
    return int(std::count_if(m_workers.begin(), m_workers.end(), [this](const LpmWorkerHandle *w) {
        return !w->isStopping() && !isBeingReplaced(w);
    }));
}

int LpmWorkerPool::respawnsPending() const
{
    const qint64 now = m_clock.elapsed();
    return int(std::count_if(m_slots.begin(), m_slots.end(), [this, now](const auto &entry) {
        return entry.second.respawnAt > now && !isOccupied(entry.first);
    }));
}

bool LpmWorkerPool::isBeingReplaced(const LpmWorkerHandle *worker) const
{
    return std::any_of(m_replacements.begin(), m_replacements.end(),
                       [worker](const auto &entry) { return entry.second.old == worker; });
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
    if (m_config.worker.hangTimeout == 0 || m_config.worker.hangTimeout < -1)
        qCWarning(lcLpmSupervisor) << "worker.hangTimeout is" << m_config.worker.hangTimeout
                                   << "- it takes a positive number of ms, or -1; hang detection is off";
    m_slots.clear();
    for (int slot = 0; slot < m_targetCount; ++slot)
        spawn(slot);
    m_healthTimer->start();
    return std::nullopt;
}

bool LpmWorkerPool::isOccupied(int slot) const
{
    // A worker on its way out (recycled, retired) leaves its slot to the next one.
    return std::any_of(m_workers.begin(), m_workers.end(),
                       [slot](const LpmWorkerHandle *w) { return w->slot() == slot && !w->isStopping(); });
}

int LpmWorkerPool::freeSlot() const
{
    int slot = 0;
    while (isOccupied(slot))
        ++slot;
    return slot;
}

LpmWorkerHandle *LpmWorkerPool::spawn(int slot)
{
    m_slots[slot].freeRefill = false; // filled, however: a credit is for its refill only
    auto *worker = new LpmWorkerHandle(slot, this);
    worker->setRestarts(m_slots[slot].restarts);
    m_workers.push_back(worker);
    // Later, not inside the sample or answer that found it due: a recycle spawns, and
    // whoever is walking the workers then must not see the list change under it.
    connect(worker, &LpmWorkerHandle::recycleDue, this,
            [this, guarded = QPointer<LpmWorkerHandle>(worker)](const QString &why) {
                if (guarded && std::find(m_workers.begin(), m_workers.end(), guarded.data()) != m_workers.end())
                    recycle(guarded, why);
            }, Qt::QueuedConnection);
    connect(worker, &LpmWorkerHandle::stateChanged, this, [this, worker](LpmWorkerHandle::State state) {
        if (state == LpmWorkerHandle::State::Ready)
            onReady(worker);
    });
    Q_EMIT spawned(worker);
    const LpmLauncher launcher = launcherFor(slot);
    if (launcher.isRemote()) {
        startRemote(worker, launcher);
        return worker; // no server crosses to it
    }
    if (m_config.worker.forkServer && !m_forkServer)
        m_forkServer = new LpmForkServer(m_config.worker, this);
    worker->start(m_config.worker, m_targetCount, m_forkServer);
    for (const SharedServer &shared : m_sharedServers)
        worker->shareServer(shared.body, ::fcntl(shared.fd, F_DUPFD_CLOEXEC, 3));
    return worker;
}

void LpmWorkerPool::startRemote(LpmWorkerHandle *worker, const LpmLauncher &launcher)
{
    worker->startRemote(m_config.worker, launcher.kind(), m_token);
    LpmLaunchCommand::Worker remote{ worker->slot(), m_targetCount, ++m_remoteLaunches, m_token, {}, {} };
    if (launcher.kind() == LpmLauncher::Kind::Ssh) {
        if (!m_ssh)
            m_ssh = std::make_unique<LpmSshMultiplexer>();
        remote.sshControlPath = m_ssh->controlPathFor(launcher);
        const LpmLaunchCommand::Command command = LpmLaunchCommand::forLauncher(launcher, m_config.worker, remote);
        m_ssh->whenShareable(remote.sshControlPath, worker, [worker = QPointer<LpmWorkerHandle>(worker), command] {
            if (worker)
                worker->launch(command);
        });
        return;
    }
    if (launcher.kind() != LpmLauncher::Kind::Slurm) {
        worker->launch(LpmLaunchCommand::forLauncher(launcher, m_config.worker, remote));
        return;
    }
    // The job the application runs in, as its launchers see it; else one of our own.
    remote.slurmJob = m_config.worker.environment.value(QStringLiteral("SLURM_JOB_ID"));
    if (!remote.slurmJob.isEmpty()) {
        worker->launch(LpmLaunchCommand::forLauncher(launcher, m_config.worker, remote));
        return;
    }
    if (!m_slurmJob) {
        int tasks = 0;
        for (int slot = 0; slot < qMax(m_targetCount, m_config.worker.maxCount); ++slot)
            tasks += launcherFor(slot).kind() == LpmLauncher::Kind::Slurm ? 1 : 0;
        m_slurmJob = new LpmSlurmAllocation(m_config.worker.environment, launcher.allocationOptions(), tasks,
                                            m_token, this);
    }
    m_slurmJob->whenGranted(worker, [this, worker, launcher, remote](const QString &job,
                                                                     const QString &failure) mutable {
        if (job.isEmpty()) {
            worker->failLaunch(failure);
            return;
        }
        remote.slurmJob = job;
        worker->launch(LpmLaunchCommand::forLauncher(launcher, m_config.worker, remote));
    });
}

void LpmWorkerPool::recycle(LpmWorkerHandle *worker, const QString &why)
{
    if (!m_running || worker->isStopping() || isBeingReplaced(worker))
        return;
    if (m_slots[worker->slot()].respawnAt > m_clock.elapsed()) {
        worker->rearmRecycle(); // its slot's last replacement crashed: not in a loop
        return;
    }
    // The replacement first, in the same slot: the old one serves until it is ready.
    qCDebug(lcLpmSupervisor).noquote() << "replacing worker" << worker->pid() << "-" << why;
    LpmWorkerHandle *replacement = spawn(worker->slot());
    m_replacements[replacement] = { worker, why };
}

void LpmWorkerPool::onReady(LpmWorkerHandle *worker)
{
    const auto it = m_replacements.find(worker);
    if (it == m_replacements.end())
        return;
    const Recycle recycled = it->second;
    m_replacements.erase(it);
    if (worker->isStopping())
        return; // retired itself meanwhile (a shrinking pool): the old one stays
    recycled.old->retireRecycled(recycled.why); // takes nothing new, answers what it holds
}

void LpmWorkerPool::resize(int count, bool running)
{
    m_targetCount = count;
    if (!running)
        return; // applies at the next start()
    if (count < activeCount()) {
        // A shrink first calls off pending recycles: each old worker counts again (and
        // is judged afresh), each replacement still starting goes.
        for (const auto &[replacement, recycled] : std::exchange(m_replacements, {})) {
            recycled.old->rearmRecycle();
            replacement->retire();
        }
    }
    int active = activeCount();
    // Grow: new workers, not restarts.
    for (; active < count; ++active)
        spawn(freeSlot());
    // Shrink: retire the workers with the least work.
    for (; active > count; --active) {
        const auto leastBusy = LpmDispatcher::pickForRetirement(m_workers.begin(), m_workers.end(), loadOf);
        if (leastBusy == m_workers.end())
            break;
        qCDebug(lcLpmSupervisor) << "retiring worker" << (*leastBusy)->pid();
        (*leastBusy)->retire();
    }
}

bool LpmWorkerPool::shrinkRetiring(LpmWorkerHandle *worker)
{
    if (worker->isStopping() || isBeingReplaced(worker) || m_replacements.count(worker))
        return false;
    --m_targetCount;
    worker->retire();
    return true;
}

void LpmWorkerPool::remove(LpmWorkerHandle *worker, const LpmWorkerExit &exit)
{
    const auto it = std::find(m_workers.begin(), m_workers.end(), worker);
    if (it == m_workers.end())
        return;
    m_workers.erase(it);
    worker->deleteLater();
    // A replacement gone before it was ready leaves the old worker serving (its policy
    // is checked again); an old worker gone first leaves its replacement as the slot's.
    bool wasReplacement = false;
    if (const auto replaced = m_replacements.find(worker); replaced != m_replacements.end()) {
        replaced->second.old->rearmRecycle();
        m_replacements.erase(replaced);
        wasReplacement = true;
    }
    for (auto entry = m_replacements.begin(); entry != m_replacements.end();) {
        if (entry->second.old == worker)
            entry = m_replacements.erase(entry);
        else
            ++entry;
    }
    if (exit.reason() == LpmWorkerExit::Reason::FailedToStart && wasReplacement) {
        // The old worker still serves: the pool is not broken, the recycle waits out
        // the slot's backoff and is tried again.
        qCWarning(lcLpmSupervisor).noquote() << "a replacement for slot" << exit.slot()
                                             << "could not be started:" << exit.detail();
        noteCrash(exit.slot(), exit);
        Slot &state = m_slots[exit.slot()];
        state.respawnAt = qMax(state.respawnAt, m_clock.elapsed() + MinReplacementRetryMs); // even without backoff
        return;
    }
    if (!exit.isExpected() && exit.reason() != LpmWorkerExit::Reason::FailedToStart) {
        noteCrash(exit.slot(), exit);
        // Its slot is refilled under the restart policy: charged once per lost template.
        if (const quint64 lost = worker->lostWithTemplate(); lost != 0 && !wasReplacement) {
            if (lost == m_chargedTemplateLoss)
                m_slots[exit.slot()].freeRefill = true;
            m_chargedTemplateLoss = lost;
        }
    }
    if (exit.reason() == LpmWorkerExit::Reason::FailedToStart) {
        m_startFailure = LpmError(LpmError::Code::WorkerFailedToStart,
                                  QStringLiteral("%1: %2").arg(m_config.worker.program, exit.detail()));
        Q_EMIT failedToStart(*m_startFailure);
    }
}

void LpmWorkerPool::noteCrash(int slot, const LpmWorkerExit &exit)
{
    const int initial = m_config.worker.backoffInitial;
    const int maximum = qMax(initial, m_config.worker.backoffMax);
    if (initial <= 0)
        return;
    // A worker that did work and then ended cleanly by itself (the way a worker
    // recycles itself) is not in a crash loop.
    if (exit.signal() == 0 && exit.exitCode() == 0 && exit.handled() > 0)
        return;
    Slot &state = m_slots[slot];
    if (exit.uptimeMs() >= maximum)
        state.crashesInARow = 0; // it stayed up long enough: a fresh start
    qint64 delay = qMin<qint64>(maximum, qint64(initial) << qMin(state.crashesInARow, 30));
    delay += QRandomGenerator::global()->bounded(int(delay / 4) + 1); // apart, not in lock-step
    ++state.crashesInARow;
    state.respawnAt = m_clock.elapsed() + delay;
    qCDebug(lcLpmSupervisor) << "slot" << slot << "respawns in" << delay << "ms";
}

int LpmWorkerPool::respawnDelay(int slot) const
{
    const auto state = m_slots.find(slot);
    if (!m_running || slot >= m_targetCount || state == m_slots.end() || isOccupied(slot))
        return -1;
    const qint64 left = state->second.respawnAt - m_clock.elapsed();
    return left > 0 ? int(qMin<qint64>(left, std::numeric_limits<int>::max())) : -1;
}

int LpmWorkerPool::slotToRefill(bool draining, qint64 *waitMs) const
{
    const qint64 now = m_clock.elapsed();
    *waitMs = -1;
    for (int slot = 0; slot < m_targetCount; ++slot) {
        if (isOccupied(slot))
            continue;
        const auto state = m_slots.find(slot);
        const qint64 respawnAt = state == m_slots.end() ? -1 : state->second.respawnAt;
        if (draining || respawnAt <= now) // a drain waits for no backoff: work is waiting
            return slot;
        if (*waitMs < 0 || respawnAt - now < *waitMs)
            *waitMs = respawnAt - now;
    }
    // Every slot below the target is taken (workers still stopping hold theirs).
    return *waitMs < 0 ? freeSlot() : -1;
}

void LpmWorkerPool::replaceLost(bool draining, bool workWaiting)
{
    for (;;) {
        const bool wanted = draining ? workWaiting && activeCount() == 0 : activeCount() < m_targetCount;
        if (!wanted || m_startFailure)
            return;
        qint64 waitMs = 0;
        const int slot = slotToRefill(draining, &waitMs);
        if (slot < 0) {
            if (!m_backoffTimer->isActive() || m_backoffTimer->remainingTime() > waitMs)
                m_backoffTimer->start(int(qMin<qint64>(waitMs, std::numeric_limits<int>::max())));
            return;
        }
        const qint64 now = m_clock.elapsed();
        if (!std::exchange(m_slots[slot].freeRefill, false) && !m_restartPolicy.tryRestart(now)) {
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
        Slot &state = m_slots[slot];
        ++state.restarts;
        state.respawnAt = -1;
        spawn(slot);
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
    m_backoffTimer->stop();
    m_replacements.clear();
    const std::vector<QPointer<LpmWorkerHandle>> workers(m_workers.begin(), m_workers.end());
    for (const QPointer<LpmWorkerHandle> &worker : workers) {
        if (worker)
            worker->hardKill(graceMs);
    }
}

void LpmWorkerPool::stopAll()
{
    stopTimers();
    m_replacements.clear();
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

void LpmWorkerPool::releaseStartHelpers()
{
    if (!m_workers.empty())
        return;
    if (m_forkServer)
        std::exchange(m_forkServer, nullptr)->deleteLater();
    m_ssh.reset();
    delete std::exchange(m_slurmJob, nullptr);
}

LpmLauncher LpmWorkerPool::launcherFor(int slot) const
{
    const QList<LpmLauncher> &launchers = m_config.worker.launchers;
    return launchers.isEmpty() ? LpmLauncher::local() : launchers.at(slot % launchers.size());
}



void LpmWorkerPool::stopTimers()
{
    m_healthTimer->stop();
    m_restartTimer->stop();
    m_backoffTimer->stop();
}

void LpmWorkerPool::shareServer(const QByteArray &body, int fd)
{
    m_sharedServers.push_back({ body, fd });
    for (LpmWorkerHandle *worker : m_workers) {
        if (!worker->isRemote())
            worker->shareServer(body, ::fcntl(fd, F_DUPFD_CLOEXEC, 3));
    }
}
