#pragma once

#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qrandom.h>
#include <QtCore/qtimer.h>

class LpmError;
class LpmSupervisor;

// Sends Mandelbrot tiles to a pool at a steady rate and measures the answers per
// second. It stops sending while too much is outstanding, so a stalled pool does
// not grow an endless queue.
class LoadGenerator : public QObject
{
    Q_OBJECT
public:
    explicit LoadGenerator(LpmSupervisor *supervisor, QObject *parent = nullptr);

    int rate() const { return m_rate; }
    void setRate(int requestsPerSecond);
    // Answers received during the last second.
    int throughput() const;

    static constexpr int MaxRate = 2000;
    static constexpr int MaxOutstanding = 1000;
    static constexpr int TimeoutMs = 10000;

Q_SIGNALS:
    // A request of ours was rejected (timed out, worker crashed, pool shutting down).
    void requestFailed(const LpmError &error);

private:
    void tick();
    void send();

    LpmSupervisor *m_supervisor;
    QTimer m_timer;
    QRandomGenerator m_random;
    int m_rate = 0;
    double m_owed = 0;         // requests due but not yet sent (fractions carry over)
    int m_outstanding = 0;
    QList<int> m_answersPerTick; // the last second, one slot per tick
    int m_answersThisTick = 0;
};
