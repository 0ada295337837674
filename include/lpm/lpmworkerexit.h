#pragma once

#include <lpm/lpmglobal.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qmetatype.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qshareddata.h>
#include <QtCore/qstring.h>

class LpmWorkerExitData;

// How one worker process ended, and why: what LpmSupervisor::workerExited() reports
// and a WorkerCrashed rejection carries (LpmError::workerExit()). An implicitly shared
// value type.
class LPM_EXPORT LpmWorkerExit
{
    Q_GADGET
    Q_PROPERTY(qint64 pid READ pid)
    Q_PROPERTY(int slot READ slot)
    Q_PROPERTY(Reason reason READ reason)
    Q_PROPERTY(int exitCode READ exitCode)
    Q_PROPERTY(int signal READ signal)
    Q_PROPERTY(QByteArray stderrTail READ stderrTail)
    Q_PROPERTY(qint64 uptimeMs READ uptimeMs)
    Q_PROPERTY(qint64 handled READ handled)
public:
    enum class Reason {
        Requested,     // LPM asked it to stop (a kill, a resize, destruction) and it did
        Recycled,      // replaced under a recycling policy
        Crashed,       // it exited or died without being asked to
        Killed,        // a SIGKILL LPM did not send; the kernel's OOM killer is the usual sender
        Hung,          // killed: it stopped answering or stopped reading its channel
        StartTimedOut, // killed: it did not call ready() within worker.startTimeout
        FailedToStart, // the program could not be run
        ProtocolError, // killed: it broke the protocol
        ConnectionLost, // a remote worker's launcher lost its connection (ssh's exit 255)
    };
    Q_ENUM(Reason)

    LpmWorkerExit();
    LpmWorkerExit(const LpmWorkerExit &other);
    LpmWorkerExit(LpmWorkerExit &&other) noexcept;
    LpmWorkerExit &operator=(const LpmWorkerExit &other);
    QT_MOVE_ASSIGNMENT_OPERATOR_IMPL_VIA_PURE_SWAP(LpmWorkerExit)
    ~LpmWorkerExit();
    void swap(LpmWorkerExit &other) noexcept { d.swap(other.d); }

    qint64 pid() const;       // 0 if it never started
    int slot() const;         // its place in the pool, 0..count-1
    Reason reason() const;
    int exitCode() const;     // its exit status; 0 when killed by a signal
    int signal() const;       // the signal that killed it, 0 if none
    QByteArray stderrTail() const; // the last few KiB it wrote to stderr
    qint64 uptimeMs() const;  // from spawn to exit
    qint64 handled() const;   // requests it answered
    // Why LPM ended it (a start timeout, a protocol error, ...) or why it could not
    // start; empty when it ended by itself or was asked to.
    QString detail() const;
    // Whether LPM expected it: asked for (Requested) or planned (Recycled).
    bool isExpected() const;
    // In words, for messages: "exit code 3", "killed by signal 9 (Killed)", why LPM
    // killed it, and the last lines it wrote to stderr.
    QString description() const;

    // For the supervisor, which builds the report.
    void setPid(qint64 pid);
    void setSlot(int slot);
    void setReason(Reason reason);
    void setExitCode(int exitCode);
    void setSignal(int signal);
    void setStderrTail(const QByteArray &tail);
    void setUptimeMs(qint64 uptimeMs);
    void setHandled(qint64 handled);
    // Why LPM ended it, or why it could not start.
    void setDetail(const QString &detail);

private:
    QSharedDataPointer<LpmWorkerExitData> d;
};

Q_DECLARE_SHARED(LpmWorkerExit)
Q_DECLARE_METATYPE(LpmWorkerExit)
