#include "loadgenerator.h"

#include "monitorlogging.h"

#include <lpm/lpmerror.h>
#include <lpm/lpmsupervisor.h>

#include <algorithm>

namespace {
// Often enough that 50 requests/s go one by one rather than five at a time: a clump
// would wait for a worker, and an autoscaling pool would grow for it.
constexpr int TickMs = 5;
constexpr int BinMs = 100;
constexpr int Bins = 1000 / BinMs;
} // namespace

LoadGenerator::LoadGenerator(LpmSupervisor *supervisor, QObject *parent)
    : QObject(parent), m_supervisor(supervisor), m_random(QRandomGenerator::securelySeeded()), m_bins(Bins)
{
    m_clock.start();
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(TickMs);
    connect(&m_timer, &QTimer::timeout, this, &LoadGenerator::tick);
    m_timer.start();
}

void LoadGenerator::setRate(int requestsPerSecond)
{
    if (requestsPerSecond < 0 || requestsPerSecond > MaxRate) {
        qCWarning(lcLpmMonitor) << "load of" << requestsPerSecond << "requests/s ignored; it must be"
                                << "between 0 and" << MaxRate;
        return;
    }
    m_rate = requestsPerSecond;
}

void LoadGenerator::setHighPriorityShare(int percent)
{
    m_highShare = qBound(0, percent, 100);
}

void LoadGenerator::setTileSize(int pixels)
{
    m_tileSize = qBound(MinTileSize, pixels, MaxTileSize);
}

void LoadGenerator::sendBurst(int count)
{
    for (int i = 0; i < count && m_outstanding < MaxOutstanding; ++i)
        send();
}

LoadGenerator::Bin &LoadGenerator::currentBin()
{
    const qint64 index = m_clock.elapsed() / BinMs;
    Bin &bin = m_bins[int(index % Bins)];
    if (bin.index != index)
        bin = Bin{ index };
    return bin;
}

template<typename F>
double LoadGenerator::sumLastSecond(F field) const
{
    // The bin being filled is left out: a second of whole bins, so rates do not saw.
    const qint64 now = m_clock.elapsed() / BinMs;
    double sum = 0;
    for (const Bin &bin : m_bins) {
        if (bin.index < now && bin.index >= now - Bins)
            sum += field(bin);
    }
    return sum;
}

int LoadGenerator::throughput() const
{
    return throughput(Priority::Normal) + throughput(Priority::High);
}

int LoadGenerator::throughput(Priority priority) const
{
    const int p = int(priority);
    return int(sumLastSecond([p](const Bin &bin) { return bin.answers[p]; }));
}

int LoadGenerator::rejectedPerSecond() const
{
    return int(sumLastSecond([](const Bin &bin) { return bin.rejected; }));
}

double LoadGenerator::meanAnswerMs(Priority priority) const
{
    const int p = int(priority);
    const double answers = sumLastSecond([p](const Bin &bin) { return bin.answers[p]; });
    return answers > 0 ? sumLastSecond([p](const Bin &bin) { return bin.answerMs[p]; }) / answers : 0;
}

void LoadGenerator::tick()
{
    // Owed by the clock, not by the ticks: a late timer sends what it missed.
    const qint64 now = m_clock.elapsed();
    m_owed += double(m_rate) * double(now - m_lastTickMs) / 1000.0;
    m_lastTickMs = now;
    // A pool that cannot keep up is not sent a backlog to catch up on later.
    if (m_outstanding >= MaxOutstanding)
        m_owed = std::min(m_owed, 1.0);
    while (m_owed >= 1) {
        m_owed -= 1;
        if (m_outstanding < MaxOutstanding)
            send();
    }
}

void LoadGenerator::send()
{
    // A random tile near the set's edge, where the work per tile varies.
    const double scale = 0.004 * 48 / m_tileSize; // the same area at any size
    const QVariantMap tile{
        { QStringLiteral("op"), QStringLiteral("tile") },
        { QStringLiteral("x"), -2.0 + m_random.bounded(2.5) },
        { QStringLiteral("y"), -1.2 + m_random.bounded(2.4) },
        { QStringLiteral("scale"), scale },
        { QStringLiteral("size"), m_tileSize },
        { QStringLiteral("iterations"), 400 },
    };
    const Priority priority = int(m_random.bounded(100)) < m_highShare ? Priority::High : Priority::Normal;
    LpmRequestOptions options;
    options.timeout = TimeoutMs;
    options.priority = priority == Priority::High ? HighPriority : 0;
    const qint64 sentAt = m_clock.nsecsElapsed();
    ++m_outstanding;
    m_supervisor->enqueue(tile, options)
            .then(this, [this, priority, sentAt](const LpmResponse &) {
                --m_outstanding;
                Bin &bin = currentBin();
                ++bin.answers[int(priority)];
                bin.answerMs[int(priority)] += double(m_clock.nsecsElapsed() - sentAt) / 1e6;
            })
            .onFailed(this, [this](const LpmError &error) {
                --m_outstanding;
                if (error.code() == LpmError::Code::QueueFull) {
                    ++currentBin().rejected;
                    ++m_rejectedTotal;
                    Q_EMIT rejectedCountChanged(m_rejectedTotal);
                }
                Q_EMIT requestFailed(error);
            });
}
