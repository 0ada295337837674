#pragma once

#include <lpm/lpmglobal.h>

#include <QtCore/qmetatype.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qshareddata.h>
#include <QtCore/qstringlist.h>

class LpmLauncherData;

// How a worker process is started, and so where it runs: here (local()), on another
// machine through OpenSSH (ssh()), as a Slurm job step (slurm()), or through any
// program that runs a command and relays its stdin and stdout (command()). A remote
// worker speaks the same protocol over its launcher's stdio. An implicitly shared
// value type.
class LPM_EXPORT LpmLauncher
{
    Q_GADGET
    Q_PROPERTY(Kind kind READ kind)
    Q_PROPERTY(QString host READ host)
    Q_PROPERTY(bool remote READ isRemote)
public:
    enum class Kind {
        Local,   // a child process of this one, on this machine
        Ssh,     // ssh host ... remoteProgram
        Slurm,   // srun --overlap -n1 ... program, one job step per worker
        Command, // prefix... program: any launcher that relays stdio
    };
    Q_ENUM(Kind)

    LpmLauncher(); // local()
    LpmLauncher(const LpmLauncher &other);
    LpmLauncher(LpmLauncher &&other) noexcept;
    LpmLauncher &operator=(const LpmLauncher &other);
    QT_MOVE_ASSIGNMENT_OPERATOR_IMPL_VIA_PURE_SWAP(LpmLauncher)
    ~LpmLauncher();
    void swap(LpmLauncher &other) noexcept { d.swap(other.d); }

    static LpmLauncher local();
    // sshOptions go before the host (-p, -i, -J, -o ...); remoteProgram: the worker's
    // path on that host, worker.program when empty.
    static LpmLauncher ssh(const QString &host, const QStringList &sshOptions = {},
                           const QString &remoteProgram = {});
    // srunOptions go to every srun (--partition, --mem, --cpus-per-task, ...); outside a
    // Slurm job, allocationOptions go to the salloc that asks for the pool's job.
    static LpmLauncher slurm(const QStringList &srunOptions = {},
                             const QStringList &allocationOptions = {});
    // prefix is run with the worker's program and arguments after it.
    static LpmLauncher command(const QStringList &prefix);

    Kind kind() const;
    bool isRemote() const; // anything but Local: no descriptors cross
    QString host() const;  // Ssh
    QStringList options() const; // Ssh, Slurm: the options given
    QStringList allocationOptions() const; // Slurm
    QString remoteProgram() const; // Ssh
    QStringList prefix() const;    // Command

    friend LPM_EXPORT bool operator==(const LpmLauncher &a, const LpmLauncher &b);
    friend bool operator!=(const LpmLauncher &a, const LpmLauncher &b) { return !(a == b); }

private:
    QSharedDataPointer<LpmLauncherData> d;
};

Q_DECLARE_SHARED(LpmLauncher)
Q_DECLARE_METATYPE(LpmLauncher)
