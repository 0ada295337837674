#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmsupervisorconfig.h>

#include <QtCore/qobject.h>

class LpmRequestRouter;
class LpmWorkerPool;
class QTimer;

// Keeps the pool's size between its bounds as demand changes. It grows the pool by
// one worker while requests wait and every worker holds work, and grows again only
// once that worker is ready (and no slot is being refilled), so a burst adds workers
// at the pace they come up, never a crowd. A worker idle for idleTimeout is retired
// while more than minCount remain; as each new worker starts idle, a pool grown for
// a burst keeps its size through pauses shorter than idleTimeout. One idle worker is
// kept as headroom (a worker goes only while another has been idle as long), so an
// uneven load does not grow and shrink the pool by turns. With minCount equal to
// maxCount it does nothing.
class LpmAutoscaler : public QObject
{
    Q_OBJECT
public:
    LpmAutoscaler(const LpmWorkerConfig &config, LpmWorkerPool *pool, LpmRequestRouter *router,
                  QObject *parent);

    bool isEnabled() const { return m_maxCount > m_minCount; }
    int minCount() const { return m_minCount; }
    int maxCount() const { return m_maxCount; }
    int idleTimeout() const { return m_idleTimeout; }
    // False, with a warning, when the bounds make no pool (minCount < 1 or > maxCount).
    bool setBounds(int minCount, int maxCount);
    void setIdleTimeout(int ms);
    // A count brought within the bounds (with a warning when it was outside).
    int bounded(int count) const;

    // Requests wait: grow if the policy says so. Cheap when disabled.
    void noteDemand()
    {
        if (isEnabled())
            considerGrowth();
    }
    // The pool runs or stopped: the idle check runs only while it runs.
    void setRunning(bool running);

Q_SIGNALS:
    // The pool grew or shrank by the policy (not by resize()).
    void resized(int count);

private:
    void considerGrowth();
    void retireIdle();
    void updateIdleCheck();

    LpmWorkerPool *const m_pool;
    LpmRequestRouter *const m_router;
    QTimer *m_idleCheck;
    int m_minCount;
    int m_maxCount;
    int m_idleTimeout;
    bool m_running = false;
};
