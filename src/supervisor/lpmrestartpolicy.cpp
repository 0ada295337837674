#include "lpmrestartpolicy_p.h"

LpmRestartPolicy::LpmRestartPolicy(int restarts, int intervalSeconds)
    : m_restarts(qMax(0, restarts)), m_windowMs(qMax(0, intervalSeconds) * qint64(1000))
{
}

bool LpmRestartPolicy::tryRestart(qint64 nowMs)
{
    expire(nowMs);
    if (int(m_times.size()) >= m_restarts)
        return false;
    m_times.push_back(nowMs);
    return true;
}

int LpmRestartPolicy::restartsInWindow(qint64 nowMs)
{
    expire(nowMs);
    return int(m_times.size());
}

qint64 LpmRestartPolicy::msUntilAllowed(qint64 nowMs)
{
    expire(nowMs);
    if (int(m_times.size()) < m_restarts)
        return 0;
    if (m_times.empty()) // restarts == 0: never
        return -1;
    return m_times.front() + m_windowMs - nowMs;
}

void LpmRestartPolicy::expire(qint64 nowMs)
{
    while (!m_times.empty() && nowMs - m_times.front() >= m_windowMs)
        m_times.pop_front();
}
