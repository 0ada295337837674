#pragma once

// A single-node Slurm for the tests and benchmarks of Slurm launchers: munged,
// slurmctld and slurmd from Debian's packages, with a private configuration, key,
// state and ports, started and stopped here (as root), and one allocation made with
// salloc --no-shell, the way a user's job gives a pool its capacity. Everything runs
// on 127.0.0.1.

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qprocess.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qstandardpaths.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtNetwork/qhostinfo.h>
#include <QtNetwork/qtcpserver.h>

#include <memory>

#include <unistd.h>

namespace LpmTest {

class SlurmFixture
{
public:
    SlurmFixture() = default;
    SlurmFixture(const SlurmFixture &) = delete;
    SlurmFixture &operator=(const SlurmFixture &) = delete;
    ~SlurmFixture() { stop(); }

    // False, with why, when this machine cannot run Slurm (not installed, not root).
    bool start(QString *why)
    {
        for (const char *tool : { "/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd" }) {
            if (!QFile::exists(QLatin1String(tool))) {
                *why = QStringLiteral("%1 is not installed (munge, slurmctld, slurmd, slurm-client)")
                               .arg(QLatin1String(tool));
                return false;
            }
        }
        if (::geteuid() != 0) {
            *why = QStringLiteral("the Slurm daemons for the tests need root");
            return false;
        }
        QDir(m_dir.path()).mkpath(QStringLiteral("state"));
        QDir(m_dir.path()).mkpath(QStringLiteral("spool"));
        if (!run({ QStringLiteral("mungekey"), QStringLiteral("-c"), QStringLiteral("-k"), path(QStringLiteral("munge.key")) })) {
            *why = QStringLiteral("mungekey failed");
            return false;
        }
        writeConfig();
        m_environment = QProcessEnvironment::systemEnvironment();
        m_environment.insert(QStringLiteral("SLURM_CONF"), path(QStringLiteral("slurm.conf")));
        m_environment.remove(QStringLiteral("SLURM_JOB_ID"));
        if (!daemon(&m_munged, { QStringLiteral("/usr/sbin/munged"), QStringLiteral("--foreground"), QStringLiteral("--force"),
                                 QStringLiteral("--socket=") + path(QStringLiteral("munge.socket")),
                                 QStringLiteral("--key-file=") + path(QStringLiteral("munge.key")),
                                 QStringLiteral("--pid-file=") + path(QStringLiteral("munged.pid")),
                                 QStringLiteral("--log-file=") + path(QStringLiteral("munged.log")),
                                 QStringLiteral("--seed-file=") + path(QStringLiteral("munge.seed")) })
            || !waitFor([this] { return QFile::exists(path(QStringLiteral("munge.socket"))); })
            || !daemon(&m_slurmctld, { QStringLiteral("/usr/sbin/slurmctld"), QStringLiteral("-D"), QStringLiteral("-i") })
            || !daemon(&m_slurmd, { QStringLiteral("/usr/sbin/slurmd"), QStringLiteral("-D"), QStringLiteral("-N"), NodeName })
            || !waitFor([this] { return output({ QStringLiteral("sinfo"), QStringLiteral("-h"), QStringLiteral("-o"), QStringLiteral("%t") })
                                         .trimmed() == "idle"; })) {
            *why = QStringLiteral("the Slurm daemons did not come up (logs in %1)").arg(m_dir.path());
            m_dir.setAutoRemove(false);
            return false;
        }
        const QByteArray granted = output({ QStringLiteral("salloc"), QStringLiteral("--no-shell"), QStringLiteral("-n2"),
                                            QStringLiteral("--job-name=lpm-tests") },
                                          true);
        const QRegularExpressionMatch job = QRegularExpression(QStringLiteral("Granted job allocation (\\d+)"))
                                                    .match(QString::fromUtf8(granted));
        if (!job.hasMatch()) {
            *why = QStringLiteral("salloc was refused: %1").arg(QString::fromUtf8(granted));
            return false;
        }
        m_job = job.captured(1);
        return true;
    }

    void stop()
    {
        if (!m_job.isEmpty())
            run({ QStringLiteral("scancel"), m_job });
        m_job.clear();
        for (QProcess *daemon : { &m_slurmd, &m_slurmctld, &m_munged }) {
            if (daemon->state() == QProcess::NotRunning)
                continue;
            daemon->terminate();
            if (!daemon->waitForFinished(10000)) {
                daemon->kill();
                daemon->waitForFinished(5000);
            }
        }
    }

    QString job() const { return m_job; }
    // For a pool's launchers: where the configuration is, and the job to run in.
    QProcessEnvironment environment() const
    {
        QProcessEnvironment environment = m_environment;
        environment.insert(QStringLiteral("SLURM_JOB_ID"), m_job);
        return environment;
    }
    // For a pool that asks for its own job: the configuration, and no job.
    QProcessEnvironment environmentWithoutJob() const { return m_environment; }
    // Every job, as "id name" lines.
    QStringList jobs() const
    {
        return QString::fromUtf8(output({ QStringLiteral("squeue"), QStringLiteral("-h"), QStringLiteral("-o"),
                                          QStringLiteral("%i %j") }))
                .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }
    // The job's steps, as "id name" lines.
    QStringList steps() const
    {
        const QString listed = QString::fromUtf8(output({ QStringLiteral("squeue"), QStringLiteral("-h"), QStringLiteral("-s"),
                                                          QStringLiteral("-j"), m_job, QStringLiteral("-o"),
                                                          QStringLiteral("%i %j") }));
        QStringList steps = listed.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        steps.removeIf([](const QString &line) { return line.endsWith(QLatin1String("extern")); });
        return steps;
    }

private:
    inline static const QString NodeName = QStringLiteral("lpmnode");

    QString path(const QString &name) const { return QDir(m_dir.path()).filePath(name); }

    static int freePort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
    }

    bool run(const QStringList &command) const
    {
        QProcess process;
        process.setProcessEnvironment(m_environment.isEmpty() ? QProcessEnvironment::systemEnvironment() : m_environment);
        process.setProcessChannelMode(QProcess::ForwardedChannels);
        QStringList arguments = command;
        process.start(arguments.takeFirst(), arguments);
        return process.waitForFinished(30000) && process.exitStatus() == QProcess::NormalExit
                && process.exitCode() == 0;
    }

    QByteArray output(const QStringList &command, bool withErrors = false) const
    {
        QProcess process;
        process.setProcessEnvironment(m_environment);
        process.setProcessChannelMode(withErrors ? QProcess::MergedChannels : QProcess::ForwardedErrorChannel);
        QStringList arguments = command;
        process.start(arguments.takeFirst(), arguments);
        process.waitForFinished(30000);
        return process.readAll();
    }

    bool daemon(QProcess *process, const QStringList &command)
    {
        process->setProcessEnvironment(m_environment);
        process->setStandardOutputFile(path(QFileInfo(command.first()).fileName() + QStringLiteral(".out")));
        process->setStandardErrorFile(path(QFileInfo(command.first()).fileName() + QStringLiteral(".out")));
        QStringList arguments = command;
        process->start(arguments.takeFirst(), arguments);
        return process->waitForStarted(10000);
    }

    template <typename Condition>
    static bool waitFor(Condition condition)
    {
        // Daemons starting up: bounded, a few polls a second.
        const QDeadlineTimer deadline(60000);
        while (!deadline.hasExpired()) {
            if (condition())
                return true;
            QThread::msleep(200);
        }
        return false;
    }

    void writeConfig() const
    {
        QFile config(path(QStringLiteral("slurm.conf")));
        config.open(QIODevice::WriteOnly);
        const QString host = QHostInfo::localHostName().section(QLatin1Char('.'), 0, 0);
        config.write(QStringLiteral("ClusterName=lpmtest\n"
                                    "SlurmctldHost=%1(127.0.0.1)\n"
                                    "SlurmctldPort=%2\n"
                                    "SlurmdPort=%3\n"
                                    "SlurmUser=root\n"
                                    "SlurmdUser=root\n"
                                    "AuthType=auth/munge\n"
                                    "AuthInfo=socket=%4\n"
                                    "CredType=cred/munge\n"
                                    "StateSaveLocation=%5\n"
                                    "SlurmdSpoolDir=%6\n"
                                    "SlurmctldPidFile=%7\n"
                                    "SlurmdPidFile=%8\n"
                                    "SlurmctldLogFile=%9\n")
                             .arg(host)
                             .arg(freePort())
                             .arg(freePort())
                             .arg(path(QStringLiteral("munge.socket")), path(QStringLiteral("state")),
                                  path(QStringLiteral("spool")), path(QStringLiteral("slurmctld.pid")),
                                  path(QStringLiteral("slurmd.pid")), path(QStringLiteral("slurmctld.log")))
                             .toUtf8());
        config.write(QStringLiteral("SlurmdLogFile=%1\n"
                                    "ProctrackType=proctrack/linuxproc\n"
                                    "TaskPlugin=task/none\n"
                                    "SchedulerType=sched/builtin\n"
                                    "SelectType=select/cons_tres\n"
                                    "SelectTypeParameters=CR_Core\n"
                                    "ReturnToService=2\n"
                                    "MpiDefault=none\n"
                                    "JobAcctGatherType=jobacct_gather/none\n"
                                    "AccountingStorageType=accounting_storage/none\n"
                                    "NodeName=%2 NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN\n"
                                    "PartitionName=lpm Nodes=%2 Default=YES OverSubscribe=FORCE MaxTime=INFINITE State=UP\n")
                             .arg(path(QStringLiteral("slurmd.log")), NodeName)
                             .toUtf8());
    }

    QTemporaryDir m_dir;
    QProcessEnvironment m_environment;
    QProcess m_munged;
    QProcess m_slurmctld;
    QProcess m_slurmd;
    QString m_job;
};

} // namespace LpmTest
