#pragma once

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qrandom.h>
#include <QtCore/qtimer.h>

class LpmError;
class LpmSupervisor;

// Sends Mandelbrot tiles to a pool at a steady rate, spread evenly over each second,
// and in bursts on demand; a share of them with high priority. It counts what comes
// back over the last second, per priority, and the requests the pool refused because
// its queue was full. It stops sending while too much is outstanding, so that a
// stalled, unbounded pool does not grow an endless queue.
class LoadGenerator : public QObject
{
    Q_OBJECT
public:
    enum class Priority {
        Normal, // LpmRequestOptions::priority 0
        High,   // LpmRequestOptions::priority HighPriority: goes before every normal one
    };

    explicit LoadGenerator(LpmSupervisor *supervisor, QObject *parent = nullptr);

    int rate() const { return m_rate; }
    void setRate(int requestsPerSecond);
    // Percent of the requests sent with high priority.
    int highPriorityShare() const { return m_highShare; }
    void setHighPriorityShare(int percent);
    // The work per request: the tile's width and height in pixels.
    int tileSize() const { return m_tileSize; }
    void setTileSize(int pixels);
    // Sends count requests at once (as far as MaxOutstanding allows).
    void sendBurst(int count);

    // Over the last second: answers (of one priority or both), refusals (QueueFull),
    // and the mean time from enqueue() to the answer, in ms (0 without answers).
    int throughput() const;
    int throughput(Priority priority) const;
    int rejectedPerSecond() const;
    double meanAnswerMs(Priority priority) const;
    // Refusals with QueueFull since the generator started.
    qint64 rejectedCount() const { return m_rejectedTotal; }
    int outstanding() const { return m_outstanding; }

    static constexpr int MaxRate = 2000;
    static constexpr int MaxOutstanding = 3000;
    static constexpr int TimeoutMs = 10000;
    static constexpr int HighPriority = 1;
    static constexpr int MinTileSize = 16;
    static constexpr int MaxTileSize = 256;

Q_SIGNALS:
    // A request of ours was rejected (timed out, queue full, worker crashed, shutting down).
    void requestFailed(const LpmError &error);
    void rejectedCountChanged(qint64 count);

private:
    // What happened in one tenth of a second.
    struct Bin
    {
        qint64 index = -1; // elapsed time / BinMs
        int answers[2] = { 0, 0 };
        double answerMs[2] = { 0, 0 };
        int rejected = 0;
    };

    void tick();
    void send();
    Bin &currentBin();
    // Sums the bins of the last second.
    template<typename F>
    double sumLastSecond(F field) const;

    LpmSupervisor *m_supervisor;
    QTimer m_timer;
    QElapsedTimer m_clock;
    QRandomGenerator m_random;
    int m_rate = 0;
    int m_highShare = 0;
    int m_tileSize = 48;
    double m_owed = 0;      // requests due but not yet sent (fractions carry over)
    qint64 m_lastTickMs = 0;
    int m_outstanding = 0;
    qint64 m_rejectedTotal = 0;
    QList<Bin> m_bins;      // a ring over the last second
};
