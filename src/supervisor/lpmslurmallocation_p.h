#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstringlist.h>

#include <functional>

// The Slurm job a pool's Slurm workers run in when the application is not already
// inside one (no SLURM_JOB_ID): asked for with salloc --no-shell, named after the pool,
// once, when the first Slurm worker starts; released with scancel when the pool stops
// or is destroyed, whether granted by then or still pending.
class LpmSlurmAllocation : public QObject
{
    Q_OBJECT
public:
    // tasks: the Slurm workers the pool may run at once; options: the launcher's
    // allocation options.
    LpmSlurmAllocation(const QProcessEnvironment &environment, const QStringList &options, int tasks,
                       const QByteArray &token, QObject *parent = nullptr);
    ~LpmSlurmAllocation() override; // release()

    // Calls granted(job, {}) once the job exists, or granted({}, why) if salloc failed;
    // now if that is known, else later (not at all if context is gone by then).
    using Granted = std::function<void(const QString &job, const QString &failure)>;
    void whenGranted(QObject *context, Granted granted);
    // Cancels the job, granted or pending, without waiting.
    void release();

private:
    void ask();
    void answer(const QString &job, const QString &failure);
    // The granted job's id by its name, when salloc did not say it.
    QString jobByName() const;

    QProcessEnvironment m_environment;
    QStringList m_options;
    int m_tasks;
    QByteArray m_token;
    QString m_name; // the job's, per request
    QProcess *m_salloc = nullptr;
    QString m_job;
    QList<QPair<QPointer<QObject>, Granted>> m_waiting;
    bool m_released = false;
};
