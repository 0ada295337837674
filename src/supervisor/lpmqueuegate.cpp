#include "lpmqueuegate_p.h"

#include "lpmrequesttable_p.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qthread.h>

namespace {
// A waiter looks again at least this often, so that no interleaving of a wake-up
// with its check can leave it asleep while there is room.
constexpr int RecheckMs = 50;
} // namespace

LpmQueueGate::LpmQueueGate(const LpmRequestTable &table, int maxQueued)
    : m_table(table), m_maxQueued(qMax(0, maxQueued))
{
}

LpmQueueGate::~LpmQueueGate()
{
    {
        QMutexLocker lock(&m_mutex);
        m_closing = true;
        m_roomAvailable.wakeAll();
    }
    while (m_waiters.load(std::memory_order_seq_cst) > 0)
        QThread::yieldCurrentThread();
}

bool LpmQueueGate::reserve(int *queued, int *bound)
{
    *bound = maxQueued();
    const int inTransit = m_inTransit.fetch_add(1, std::memory_order_seq_cst) + 1;
    *queued = m_table.queuedCountFromAnyThread();
    if (*bound <= 0 || *queued + inTransit <= *bound)
        return true;
    release();
    return false;
}

bool LpmQueueGate::hasRoom() const
{
    const int bound = maxQueued();
    return bound <= 0
            || m_table.queuedCountFromAnyThread() + m_inTransit.load(std::memory_order_seq_cst) < bound;
}

bool LpmQueueGate::waitForRoom(int msecs)
{
    m_waiters.fetch_add(1, std::memory_order_seq_cst);
    bool room;
    {
        QMutexLocker lock(&m_mutex);
        const QDeadlineTimer deadline(msecs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(msecs));
        while (!(room = hasRoom()) && !m_closing && !deadline.hasExpired()) {
            const qint64 left = deadline.isForever() ? RecheckMs : qMin<qint64>(deadline.remainingTime(), RecheckMs);
            m_roomAvailable.wait(&m_mutex, QDeadlineTimer(qMax<qint64>(1, left)));
        }
        room = room && !m_closing;
    }
    m_waiters.fetch_sub(1, std::memory_order_seq_cst); // the last use of this object
    return room;
}

void LpmQueueGate::wakeWaiters()
{
    QMutexLocker lock(&m_mutex);
    m_roomAvailable.wakeAll();
}
