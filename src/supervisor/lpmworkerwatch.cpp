#include "lpmworkerwatch_p.h"

#include "lpmstatmreader_p.h"

#include <QtCore/qrandom.h>
#include <QtCore/qtimer.h>

LpmWorkerWatch::LpmWorkerWatch(const LpmWorkerConfig &config, QObject *parent)
    : QObject(parent),
      m_maxMemory(config.maxMemory),
      m_maxAge(config.maxAge),
      m_hangTimeout(config.hangTimeout)
{
    if (config.maxRequests > 0) {
        // Each worker its own threshold, so that a pool started together does not
        // recycle together.
        m_recycleAfter = config.maxRequests
                + (config.maxRequestsJitter > 0 ? QRandomGenerator::global()->bounded(config.maxRequestsJitter + 1) : 0);
    }
    m_clock.start();
    if (m_hangTimeout > 0) {
        m_heartbeat = new QTimer(this);
        // A hung worker is killed within hangTimeout and one of these.
        m_heartbeat->setInterval(qMax(10, m_hangTimeout / 4));
        connect(m_heartbeat, &QTimer::timeout, this, &LpmWorkerWatch::heartbeat);
    }
}

void LpmWorkerWatch::started(qint64 pid)
{
    m_pid = pid;
    m_age.start();
}

void LpmWorkerWatch::sample(qint64 reportedRss)
{
    if (m_maxAge > 0 && m_age.isValid() && m_age.elapsed() > m_maxAge)
        due(QStringLiteral("it is older than %1 ms").arg(m_maxAge));
    if (m_maxMemory > 0 && m_pid > 0 && !m_due) {
        const bool reported = reportedRss >= 0;
        const qint64 bytes = reported ? reportedRss : LpmStatmReader::proportionalBytes(m_pid);
        if (bytes > m_maxMemory)
            due(QStringLiteral("its %1 of %2 MiB is above %3 MiB")
                        .arg(reported ? QStringLiteral("reported RSS") : QStringLiteral("PSS"))
                        .arg(double(bytes) / (1 << 20), 0, 'f', 1)
                        .arg(double(m_maxMemory) / (1 << 20), 0, 'f', 1));
    }
}

void LpmWorkerWatch::setHoldingWork(bool holding)
{
    if (!m_heartbeat || holding == m_holdingWork)
        return;
    m_holdingWork = holding;
    if (!holding) {
        m_heartbeat->stop();
        m_pingSentAt = -1;
        return;
    }
    m_heartbeat->start();
    heartbeat(); // the first ping goes now
}

void LpmWorkerWatch::heartbeat()
{
    const qint64 now = m_clock.elapsed();
    if (m_pingSentAt < 0) {
        m_pingSentAt = now;
        Q_EMIT pingDue();
        return;
    }
    if (now - m_pingSentAt >= m_hangTimeout) {
        m_heartbeat->stop();
        Q_EMIT hung(QStringLiteral("it left a heartbeat unanswered for %1 ms while holding work")
                            .arg(now - m_pingSentAt));
    }
}

void LpmWorkerWatch::due(const QString &why)
{
    if (m_due)
        return;
    m_due = true;
    Q_EMIT recycleDue(why);
}
