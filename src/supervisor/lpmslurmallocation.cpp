#include "lpmslurmallocation_p.h"

#include "lpmlogging_p.h"

#include <QtCore/qrandom.h>
#include <QtCore/qregularexpression.h>

LpmSlurmAllocation::LpmSlurmAllocation(const QProcessEnvironment &environment, const QStringList &options,
                                       int tasks, const QByteArray &token, QObject *parent)
    : QObject(parent),
      m_environment(environment),
      m_options(options),
      m_tasks(qMax(1, tasks)),
      m_token(token)
{
}

LpmSlurmAllocation::~LpmSlurmAllocation()
{
    release();
}

void LpmSlurmAllocation::whenGranted(QObject *context, Granted granted)
{
    if (!m_job.isEmpty()) {
        granted(m_job, {});
        return;
    }
    m_waiting.append({ context, std::move(granted) });
    if (!m_salloc)
        ask();
}

void LpmSlurmAllocation::ask()
{
    m_released = false;
    // A name of its own per request: a cancel of an earlier one cannot reach it.
    m_name = QStringLiteral("lpm-%1-%2")
                     .arg(QString::fromLatin1(m_token))
                     .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
    m_salloc = new QProcess(this);
    m_salloc->setProcessEnvironment(m_environment);
    m_salloc->setProcessChannelMode(QProcess::MergedChannels);
    QStringList arguments{ QStringLiteral("--no-shell"), QStringLiteral("--job-name=") + m_name,
                           QStringLiteral("--ntasks=%1").arg(m_tasks) };
    arguments += m_options;
    qCInfo(lcLpmSupervisor).noquote() << "asking Slurm for a job: salloc" << arguments.join(QLatin1Char(' '));
    connect(m_salloc, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        const QString said = QString::fromLocal8Bit(m_salloc->readAll()).trimmed();
        const QRegularExpressionMatch granted =
                QRegularExpression(QStringLiteral("Granted job allocation (\\d+)")).match(said);
        m_salloc->deleteLater();
        m_salloc = nullptr;
        const bool ok = status == QProcess::NormalExit && code == 0;
        QString job = granted.hasMatch() ? granted.captured(1) : QString();
        if (ok && job.isEmpty())
            job = jobByName(); // granted quietly (--quiet among the options)
        if (ok && !job.isEmpty())
            answer(job, {});
        else
            answer({}, QStringLiteral("salloc did not grant a job: %1").arg(said.isEmpty() ? QStringLiteral("no output") : said));
    });
    connect(m_salloc, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        const QString why = QStringLiteral("cannot run salloc: %1").arg(m_salloc->errorString());
        m_salloc->deleteLater();
        m_salloc = nullptr;
        answer({}, why);
    });
    m_salloc->start(QStringLiteral("salloc"), arguments);
}

QString LpmSlurmAllocation::jobByName() const
{
    QProcess squeue;
    squeue.setProcessEnvironment(m_environment);
    squeue.start(QStringLiteral("squeue"), { QStringLiteral("-h"), QStringLiteral("--name=") + m_name,
                                             QStringLiteral("-o"), QStringLiteral("%i") });
    if (!squeue.waitForFinished(5000)) { // a rare path (salloc said nothing): bounded
        squeue.kill();
        squeue.waitForFinished(1000);
        return {};
    }
    return QString::fromLocal8Bit(squeue.readAllStandardOutput()).section(QLatin1Char('\n'), 0, 0).trimmed();
}

void LpmSlurmAllocation::answer(const QString &job, const QString &failure)
{
    if (!job.isEmpty()) {
        m_job = job;
        qCInfo(lcLpmSupervisor) << "Slurm granted job" << job;
    } else {
        qCWarning(lcLpmSupervisor).noquote() << failure;
    }
    // A failure is not kept: the next worker to start asks again.
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto &[context, granted] : waiting) {
        if (context)
            granted(job, failure);
    }
}

void LpmSlurmAllocation::release()
{
    if (m_released || (m_job.isEmpty() && !m_salloc))
        return;
    m_released = true;
    if (m_salloc) { // still pending: the request goes, and so does what it may have got
        m_salloc->disconnect(this);
        m_salloc->kill();
        m_salloc->waitForFinished(1000);
        delete std::exchange(m_salloc, nullptr);
    }
    qCDebug(lcLpmSupervisor) << "releasing Slurm job" << m_name << m_job;
    QProcess cancel;
    cancel.setProcessEnvironment(m_environment);
    cancel.setProgram(QStringLiteral("scancel"));
    cancel.setArguments({ QStringLiteral("--quiet"), QStringLiteral("--name=") + m_name });
    cancel.startDetached();
    m_job.clear();
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto &[context, granted] : waiting) {
        if (context)
            granted({}, QStringLiteral("the pool stopped before Slurm granted its job"));
    }
}
