#include "lpmqueuegate_p.h"

#include "lpmrequesttable_p.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qthread.h>

#include <chrono>

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
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_closing = true;
    }
    m_roomAvailable.notify_all();
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
        std::unique_lock<std::mutex> lock(m_mutex);
        const QDeadlineTimer deadline(msecs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(msecs));
        while (!(room = hasRoom()) && !m_closing && !deadline.hasExpired()) {
            const qint64 left = deadline.isForever() ? RecheckMs : qMin<qint64>(deadline.remainingTime(), RecheckMs);
            m_roomAvailable.wait_for(lock, std::chrono::milliseconds(qMax<qint64>(1, left)));
        }
        room = room && !m_closing;
    }
    m_waiters.fetch_sub(1, std::memory_order_seq_cst); // the last use of this object
    return room;
}

void LpmQueueGate::wakeWaiters()
{
    {
        // Taken, so that a waiter between its check and its wait cannot miss this.
        const std::lock_guard<std::mutex> lock(m_mutex);
    }
    m_roomAvailable.notify_all();
}
