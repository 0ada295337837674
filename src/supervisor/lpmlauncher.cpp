#include <lpm/lpmlauncher.h>

class LpmLauncherData : public QSharedData
{
public:
    LpmLauncher::Kind kind = LpmLauncher::Kind::Local;
    QString host;
    QStringList options;
    QStringList allocationOptions;
    QString remoteProgram;
    QStringList prefix;
};

/*!
    \class LpmLauncher
    \inmodule Lpm
    \brief How a worker process is started, and where it runs.

    Worker \e i of a pool uses \c{launchers[i % launchers.size()]}, so one pool may
    mix machines:

    \code
    config.worker.launchers = {LpmLauncher::local(),
                               LpmLauncher::ssh(QStringLiteral("render2"))};
    \endcode

    A remote worker is the same program, built against LPM, on the other machine.
    It speaks the same protocol over its launcher's stdin and stdout: no port is
    opened and nothing connects back. Streams cross as flow-controlled chunks;
    sockets and shared servers go to local workers only.
*/

/*!
    \enum LpmLauncher::Kind

    \value Local A child process of this one, on this machine.
    \value Ssh Started by OpenSSH on another machine.
    \value Slurm A Slurm job step (\c{srun --overlap -n1}), one per worker.
    \value Command Started by any program that runs a command and relays its stdio.
*/

/*!
    Constructs a local launcher, as local() does.
*/
LpmLauncher::LpmLauncher() : d(new LpmLauncherData) { }

/*!
    Constructs a copy of \a other.
*/
LpmLauncher::LpmLauncher(const LpmLauncher &other) = default;

/*!
    Move-constructs a launcher from \a other.
*/
LpmLauncher::LpmLauncher(LpmLauncher &&other) noexcept = default;

/*!
    Assigns \a other to this launcher.
*/
LpmLauncher &LpmLauncher::operator=(const LpmLauncher &other) = default;

/*!
    \fn LpmLauncher &LpmLauncher::operator=(LpmLauncher &&other)

    Move-assigns \a other to this launcher and returns a reference to it.
*/

/*!
    Destroys the launcher.
*/
LpmLauncher::~LpmLauncher() = default;

/*!
    \fn void LpmLauncher::swap(LpmLauncher &other)

    Swaps this launcher with \a other.
*/

/*!
    Returns the launcher of workers that run on this machine, as children of this
    process: the default.
*/
LpmLauncher LpmLauncher::local()
{
    return LpmLauncher();
}

/*!
    Returns a launcher that starts the worker on \a host with \c{ssh -T}.

    \a sshOptions go before the host, as on ssh's command line (\c{-p 2222},
    \c{-i key}, \c{-J jump}, \c{-o Name=value}); \c{~/.ssh/config} applies as for
    any ssh. Authentication must need no terminal: \c BatchMode is on.
    \a remoteProgram is the worker's path on that host; when empty, it is
    LpmWorkerConfig::program. The worker's arguments follow it.

    Workers on one host share one connection (ssh's \c ControlMaster, in a private
    directory that ends with the pool), so the second starts in tens of
    milliseconds. The host's shell runs the worker; it must be a POSIX shell.
    LpmWorkerConfig::environment applies to the local ssh process, not to the
    worker, which gets its host's environment and LPM's own variables.
*/
LpmLauncher LpmLauncher::ssh(const QString &host, const QStringList &sshOptions,
                             const QString &remoteProgram)
{
    LpmLauncher launcher;
    launcher.d->kind = Kind::Ssh;
    launcher.d->host = host;
    launcher.d->options = sshOptions;
    launcher.d->remoteProgram = remoteProgram;
    return launcher;
}

/*!
    Returns a launcher that starts each worker as a long-lived Slurm job step,
    \c{srun --overlap -n1 -N1 --unbuffered}, with \a srunOptions added
    (\c{--cpus-per-task}, \c{--mem}, ...): never one step per request, since
    controllers limit how fast steps are made.

    The steps run in the job named by \c SLURM_JOB_ID in LpmWorkerConfig::environment
    (by default this process's), as when the application runs inside \c salloc or
    \c sbatch. Outside a job, the pool asks for one when its first Slurm worker
    starts: \c{salloc --no-shell} with one task per Slurm worker the pool may run and
    \a allocationOptions (\c{--partition}, \c{--time}, \c{--account}, ...); the
    wait for it counts against LpmWorkerConfig::startTimeout. That job is cancelled
    when the pool stops or is destroyed. A job the application was given is never
    cancelled.

    A hard kill also cancels the worker's step (\c scancel).
*/
LpmLauncher LpmLauncher::slurm(const QStringList &srunOptions, const QStringList &allocationOptions)
{
    LpmLauncher launcher;
    launcher.d->kind = Kind::Slurm;
    launcher.d->options = srunOptions;
    launcher.d->allocationOptions = allocationOptions;
    return launcher;
}

/*!
    Returns a launcher that runs \a prefix with the worker's program and arguments
    appended, such as \c{{"docker", "exec", "-i", "box"}}: any program that runs a
    command and relays its stdin and stdout. LPM's variables reach the worker through
    \c env, which the prefix must run as a command.
*/
LpmLauncher LpmLauncher::command(const QStringList &prefix)
{
    LpmLauncher launcher;
    launcher.d->kind = Kind::Command;
    launcher.d->prefix = prefix;
    return launcher;
}

/*!
    \property LpmLauncher::kind
    \brief which kind of launcher this is.
*/
LpmLauncher::Kind LpmLauncher::kind() const
{
    return d->kind;
}

/*!
    \property LpmLauncher::remote
    \brief whether the worker runs elsewhere: \c true unless the launcher is local().

    A remote worker's channel is its launcher's stdio, and no descriptor (socket,
    shared memory) reaches it.
*/
bool LpmLauncher::isRemote() const
{
    return d->kind != Kind::Local;
}

/*!
    \property LpmLauncher::host
    \brief the host of an ssh() launcher, else an empty string.
*/
QString LpmLauncher::host() const
{
    return d->host;
}

/*!
    Returns the options given to ssh() or slurm().
*/
QStringList LpmLauncher::options() const
{
    return d->options;
}

/*!
    Returns the salloc options given to slurm().
*/
QStringList LpmLauncher::allocationOptions() const
{
    return d->allocationOptions;
}

/*!
    Returns the worker's path given to ssh(); empty means LpmWorkerConfig::program.
*/
QString LpmLauncher::remoteProgram() const
{
    return d->remoteProgram;
}

/*!
    Returns the prefix given to command().
*/
QStringList LpmLauncher::prefix() const
{
    return d->prefix;
}

/*!
    \fn bool LpmLauncher::operator==(const LpmLauncher &a, const LpmLauncher &b)

    Returns \c true if \a a and \a b start workers the same way.
*/
bool operator==(const LpmLauncher &a, const LpmLauncher &b)
{
    return a.d == b.d
            || (a.d->kind == b.d->kind && a.d->host == b.d->host && a.d->options == b.d->options
                && a.d->allocationOptions == b.d->allocationOptions
                && a.d->remoteProgram == b.d->remoteProgram && a.d->prefix == b.d->prefix);
}

/*!
    \fn bool LpmLauncher::operator!=(const LpmLauncher &a, const LpmLauncher &b)

    Returns \c true if \a a and \a b start workers differently.
*/
