#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qglobal.h>

#include <deque>

// May a dead worker be respawned now? At most `restarts` respawns within a sliding
// window of `intervalSeconds`; the window slides, so a pool that crashed a while ago
// gets its budget back (the original package's window never reset). Pure: the caller
// passes the time in, so it is tested without clocks.
class LpmRestartPolicy
{
public:
    LpmRestartPolicy(int restarts, int intervalSeconds);

    // Records a respawn at nowMs and returns true, or returns false if the budget is spent.
    bool tryRestart(qint64 nowMs);
    // Respawns counted in the window ending at nowMs.
    int restartsInWindow(qint64 nowMs);
    // Milliseconds from nowMs until tryRestart() can succeed again: 0 if it can now,
    // -1 if it never can (a budget of zero restarts).
    qint64 msUntilAllowed(qint64 nowMs);

private:
    void expire(qint64 nowMs);

    int m_restarts;
    qint64 m_windowMs;
    std::deque<qint64> m_times;
};
