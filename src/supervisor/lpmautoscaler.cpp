#include "lpmautoscaler_p.h"

#include "lpmclock_p.h"
#include "lpmlogging_p.h"
#include "lpmrequestrouter_p.h"
#include "lpmworkerhandle_p.h"
#include "lpmworkerpool_p.h"

#include <QtCore/qtimer.h>

#include <algorithm>
#include <vector>

LpmAutoscaler::LpmAutoscaler(const LpmWorkerConfig &config, LpmWorkerPool *pool,
                             LpmRequestRouter *router, QObject *parent)
    : QObject(parent),
      m_pool(pool),
      m_router(router),
      m_idleCheck(new QTimer(this)),
      m_minCount(qMax(1, config.count)),
      m_maxCount(qMax(1, config.count)),
      m_idleTimeout(qMax(0, config.idleTimeout))
{
    connect(m_idleCheck, &QTimer::timeout, this, &LpmAutoscaler::retireIdle);
    const int minCount = config.minCount < 0 ? config.count : config.minCount;
    const int maxCount = config.maxCount < 0 ? qMax(config.count, minCount) : config.maxCount;
    if (!setBounds(minCount, maxCount))
        m_minCount = m_maxCount = qMax(1, config.count);
}

bool LpmAutoscaler::setBounds(int minCount, int maxCount)
{
    if (minCount < 1 || maxCount < minCount) {
        qCWarning(lcLpmSupervisor) << "worker bounds" << minCount << ".." << maxCount
                                   << "ignored: need 1 <= minCount <= maxCount";
        return false;
    }
    m_minCount = minCount;
    m_maxCount = maxCount;
    updateIdleCheck();
    return true;
}

void LpmAutoscaler::setIdleTimeout(int ms)
{
    m_idleTimeout = qMax(0, ms);
    updateIdleCheck();
}

int LpmAutoscaler::bounded(int count) const
{
    const int within = qBound(m_minCount, count, m_maxCount);
    if (within != count)
        qCWarning(lcLpmSupervisor) << "worker count" << count << "brought within the bounds"
                                   << m_minCount << ".." << m_maxCount << "to" << within;
    return within;
}

void LpmAutoscaler::setRunning(bool running)
{
    m_running = running;
    updateIdleCheck();
    if (running)
        noteDemand(); // work queued before the start
}

void LpmAutoscaler::updateIdleCheck()
{
    if (!m_running || !isEnabled()) {
        m_idleCheck->stop();
        return;
    }
    // A worker is retired at most a quarter of idleTimeout late (and one per check).
    m_idleCheck->setInterval(qBound(20, m_idleTimeout / 4, 1000));
    if (!m_idleCheck->isActive())
        m_idleCheck->start();
}

void LpmAutoscaler::considerGrowth()
{
    // Only a pool at its target grows: not before its start, nor while a slot waits
    // for a refill (a backoff, the restart limit, a program that cannot start), so
    // growth never gets around the restart policy.
    if (!m_running || m_pool->targetCount() >= m_maxCount || m_pool->workers().empty()
        || m_pool->activeCount() < m_pool->targetCount())
        return;
    int waiting = m_router->queuedCount();
    for (const LpmWorkerHandle *worker : m_pool->workers()) {
        if (worker->isStopping())
            continue;
        if (!worker->hasBeenReady() || worker->state() == LpmWorkerHandle::State::Starting)
            return; // one at a time: the last one grown (or a replacement) is not up yet
        const int inFlight = worker->load().inFlight;
        if (inFlight == 0 && worker->state() == LpmWorkerHandle::State::Ready)
            return; // a worker has room for more
        waiting += qMax(0, inFlight - 1); // behind another in that worker
    }
    if (waiting == 0 || m_pool->targetCount() >= m_maxCount)
        return;
    const int count = m_pool->targetCount() + 1;
    qCDebug(lcLpmSupervisor) << "autoscaling: growing to" << count << "workers," << waiting
                             << "requests waiting";
    m_pool->resize(count, true);
    Q_EMIT resized(count);
}

void LpmAutoscaler::retireIdle()
{
    if (m_pool->targetCount() <= m_minCount)
        return;
    const qint64 now = LpmClock::nowNs();
    const qint64 idleNs = qint64(m_idleTimeout) * 1000000;
    std::vector<LpmWorkerHandle *> idle;
    for (LpmWorkerHandle *worker : m_pool->workers()) {
        const qint64 since = worker->idleSince();
        if (since >= 0 && !worker->isStopping() && now - since >= idleNs)
            idle.push_back(worker);
    }
    // One worker idle that long is the pool's headroom: it goes only along with
    // another, so an uneven load never shrinks the pool to where it saturates and
    // grows again. Of those, the one in the highest slot, so that the slots left stay
    // 0..count-1 where they can.
    if (idle.size() < 2)
        return;
    std::sort(idle.begin(), idle.end(),
              [](const LpmWorkerHandle *a, const LpmWorkerHandle *b) { return a->slot() > b->slot(); });
    for (LpmWorkerHandle *worker : idle) {
        const qint64 idleMs = (now - worker->idleSince()) / 1000000;
        if (!m_pool->shrinkRetiring(worker))
            continue; // a recycle is under way for it
        qCDebug(lcLpmSupervisor) << "autoscaling: worker" << worker->pid() << "idle for" << idleMs
                                 << "ms, shrinking to" << m_pool->targetCount();
        Q_EMIT resized(m_pool->targetCount());
        return; // one per check
    }
}
