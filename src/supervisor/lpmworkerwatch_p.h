#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmsupervisorconfig.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qobject.h>

class QTimer;

// The lifecycle policies of one worker, on the facts its handle feeds in: when it is
// due for recycling (maxRequests and its jitter, maxMemory, maxAge), and whether it
// hangs (hangTimeout: a heartbeat left unanswered while it holds work). It decides;
// the handle and the pool act.
class LpmWorkerWatch : public QObject
{
    Q_OBJECT
public:
    LpmWorkerWatch(const LpmWorkerConfig &config, QObject *parent);

    void started(qint64 pid);
    // It has answered `handled` requests so far.
    void answered(qint64 handled)
    {
        if (m_recycleAfter > 0 && handled >= m_recycleAfter)
            due(QStringLiteral("it answered %1 requests").arg(handled));
    }
    // Memory and age, every health sample. reportedRss >= 0: the worker's own figure
    // (a remote worker's, whose process is not here), judged instead of its PSS.
    void sample(qint64 reportedRss = -1);
    // Only a worker holding work is judged: an idle one may block its loop freely.
    void setHoldingWork(bool holding);
    // Anything from the worker (a pong, an answer, a health report) shows that its
    // event loop runs: a Ping queued behind a deep pipeline of requests takes long to
    // be read, but a worker answering them is not hung.
    void heardFrom() { m_pingSentAt = -1; }
    // Its replacement did not come: judged afresh from the next answer or sample.
    void rearm() { m_due = false; }

    // The threshold of requests for this worker (maxRequests + its own jitter), or 0.
    qint64 recycleAfter() const { return m_recycleAfter; }

Q_SIGNALS:
    // Once per worker.
    void recycleDue(const QString &why);
    void pingDue();
    void hung(const QString &why);

private:
    void due(const QString &why);
    void heartbeat();

    const qint64 m_maxMemory;
    const int m_maxAge;
    const int m_hangTimeout;
    qint64 m_recycleAfter = 0;
    qint64 m_pid = 0;
    QElapsedTimer m_age;
    QTimer *m_heartbeat = nullptr;
    QElapsedTimer m_clock;
    qint64 m_pingSentAt = -1; // ms on m_clock, or -1: no ping waits for its pong
    bool m_holdingWork = false;
    bool m_due = false;
};
