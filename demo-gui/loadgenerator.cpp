#include "loadgenerator.h"

#include "monitorlogging.h"

#include <lpm/lpmerror.h>
#include <lpm/lpmsupervisor.h>

namespace {
constexpr int TickMs = 100;
constexpr int TicksPerSecond = 1000 / TickMs;
} // namespace

LoadGenerator::LoadGenerator(LpmSupervisor *supervisor, QObject *parent)
    : QObject(parent), m_supervisor(supervisor), m_random(QRandomGenerator::securelySeeded())
{
    m_timer.setInterval(TickMs);
    connect(&m_timer, &QTimer::timeout, this, &LoadGenerator::tick);
    m_timer.start(); // also when idle: the throughput has to fall to zero
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

int LoadGenerator::throughput() const
{
    int sum = 0;
    for (int answers : m_answersPerTick)
        sum += answers;
    return sum;
}

void LoadGenerator::tick()
{
    m_answersPerTick.append(m_answersThisTick);
    m_answersThisTick = 0;
    while (m_answersPerTick.size() > TicksPerSecond)
        m_answersPerTick.removeFirst();

    m_owed += double(m_rate) / TicksPerSecond;
    while (m_owed >= 1) {
        m_owed -= 1;
        if (m_outstanding < MaxOutstanding)
            send();
    }
}

void LoadGenerator::send()
{
    // A random 48x48 tile near the set's edge, where the work per tile varies.
    const double scale = 0.004;
    const QVariantMap tile{
        { QStringLiteral("op"), QStringLiteral("tile") },
        { QStringLiteral("x"), -2.0 + m_random.bounded(2.5) },
        { QStringLiteral("y"), -1.2 + m_random.bounded(2.4) },
        { QStringLiteral("scale"), scale },
        { QStringLiteral("size"), 48 },
        { QStringLiteral("iterations"), 400 },
    };
    LpmRequestOptions options;
    options.timeout = TimeoutMs;
    ++m_outstanding;
    m_supervisor->enqueue(tile, options)
            .then(this, [this](const LpmResponse &) {
                --m_outstanding;
                ++m_answersThisTick;
            })
            .onFailed(this, [this](const LpmError &error) {
                --m_outstanding;
                Q_EMIT requestFailed(error);
            });
}
