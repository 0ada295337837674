#include <lpm/lpmworkerexit.h>

#include <QtCore/qlist.h>

#include <cstring>

class LpmWorkerExitData : public QSharedData
{
public:
    qint64 pid = 0;
    int slot = 0;
    LpmWorkerExit::Reason reason = LpmWorkerExit::Reason::Crashed;
    int exitCode = 0;
    int signal = 0;
    QByteArray stderrTail;
    qint64 uptimeMs = 0;
    qint64 handled = 0;
    QString detail;
};

/*!
    \class LpmWorkerExit
    \inmodule Lpm
    \brief How a worker process ended, and why.

    \code
    connect(&supervisor, &LpmSupervisor::workerExited, [](const LpmWorkerExit &exit) {
        if (!exit.isExpected())
            qWarning() << exit.pid() << exit.reason() << exit.description();
    });
    \endcode
*/

namespace {
// The last lines of a worker's stderr that go into description().
constexpr int StderrTailLines = 5;
} // namespace

/*!
    \enum LpmWorkerExit::Reason

    How a worker process ended.

    \value Requested LPM asked it to stop (a kill, a resize, destruction) and it did.
    \value Recycled It was replaced under a recycling policy
           (LpmWorkerConfig::maxRequests, \l {LpmWorkerConfig::}{maxMemory},
           \l {LpmWorkerConfig::}{maxAge}).
    \value Crashed It exited or died without being asked to.
    \value Killed A SIGKILL that LPM did not send; the kernel's OOM killer is the
           usual sender.
    \value Hung Killed: it stopped answering the heartbeat
           (LpmWorkerConfig::hangTimeout) or stopped reading its channel.
    \value StartTimedOut Killed: it did not call LpmWorker::ready() within
           LpmWorkerConfig::startTimeout.
    \value FailedToStart The program could not be run.
    \value ProtocolError Killed: it broke the protocol.
    \value ConnectionLost A remote worker's launcher lost its connection to the
           worker's machine, or could not make one: ssh's own exit status 255. What
           became of the worker there is unknown; it exits when its channel closes.
           Retries and the restart policy count it as a crash.
*/

/*!
    Constructs an empty report: pid 0, reason Crashed, every figure 0.
*/
LpmWorkerExit::LpmWorkerExit() : d(new LpmWorkerExitData) { }

/*!
    Constructs a copy of \a other.
*/
LpmWorkerExit::LpmWorkerExit(const LpmWorkerExit &other) = default;

/*!
    Move-constructs a report from \a other.
*/
LpmWorkerExit::LpmWorkerExit(LpmWorkerExit &&other) noexcept = default;

/*!
    \fn LpmWorkerExit &LpmWorkerExit::operator=(LpmWorkerExit &&other)

    Move-assigns \a other to this report and returns a reference to it.
*/

/*!
    \fn void LpmWorkerExit::swap(LpmWorkerExit &other)

    Swaps this report with \a other. This operation is very fast and never fails.
*/

/*!
    Assigns \a other to this report and returns a reference to it.
*/
LpmWorkerExit &LpmWorkerExit::operator=(const LpmWorkerExit &other) = default;

/*!
    Destroys the report.
*/
LpmWorkerExit::~LpmWorkerExit() = default;

/*!
    \property LpmWorkerExit::pid
    \brief the worker's process id; 0 if it never started.
*/
qint64 LpmWorkerExit::pid() const { return d->pid; }

/*!
    \property LpmWorkerExit::slot
    \brief the worker's place in the pool, 0 to count - 1 (its
    \c LPM_WORKER_INDEX), which its replacement takes over.
*/
int LpmWorkerExit::slot() const { return d->slot; }

/*!
    \property LpmWorkerExit::reason
    \brief how the worker ended.
*/
LpmWorkerExit::Reason LpmWorkerExit::reason() const { return d->reason; }

/*!
    \property LpmWorkerExit::exitCode
    \brief the worker's exit status; 0 when a signal killed it.
*/
int LpmWorkerExit::exitCode() const { return d->exitCode; }

/*!
    \property LpmWorkerExit::signal
    \brief the signal that killed the worker; 0 if none did.
*/
int LpmWorkerExit::signal() const { return d->signal; }

/*!
    \property LpmWorkerExit::stderrTail
    \brief the last few KiB the worker wrote to its standard error.
*/
QByteArray LpmWorkerExit::stderrTail() const { return d->stderrTail; }

/*!
    \property LpmWorkerExit::uptimeMs
    \brief the milliseconds from the worker's spawn to its exit.
*/
qint64 LpmWorkerExit::uptimeMs() const { return d->uptimeMs; }

/*!
    \property LpmWorkerExit::handled
    \brief the requests the worker answered.
*/
qint64 LpmWorkerExit::handled() const { return d->handled; }

/*!
    Returns why LPM ended the worker (a start timeout, a protocol error, ...) or
    why it could not start; empty when it ended by itself or was asked to.
*/
QString LpmWorkerExit::detail() const { return d->detail; }

/*!
    Returns \c true when LPM expected the exit: asked for (Reason::Requested) or
    planned (Reason::Recycled).
*/
bool LpmWorkerExit::isExpected() const
{
    return d->reason == Reason::Requested || d->reason == Reason::Recycled;
}

/*!
    Returns the exit in words, for messages: "exit code 3" or "killed by signal 9
    (Killed)", why LPM killed it (detail()), and the last lines it wrote to stderr.
    Not translated.
*/
QString LpmWorkerExit::description() const
{
    QString text;
    if (d->reason == Reason::FailedToStart)
        text = QStringLiteral("the program could not be started");
    else if (d->reason == Reason::ConnectionLost)
        text = QStringLiteral("the connection to its machine was lost");
    else if (d->signal != 0)
        text = QStringLiteral("killed by signal %1 (%2)")
                       .arg(d->signal)
                       .arg(QString::fromLocal8Bit(::strsignal(d->signal)));
    else
        text = QStringLiteral("exit code %1").arg(d->exitCode);
    if (d->reason == Reason::Killed)
        text += QStringLiteral(", which LPM did not send (the kernel's OOM killer is the usual sender)");
    if (!d->detail.isEmpty())
        text += QStringLiteral(" (%1)").arg(d->detail);
    QList<QByteArray> lines = d->stderrTail.trimmed().split('\n');
    if (lines.size() > StderrTailLines)
        lines = lines.mid(lines.size() - StderrTailLines);
    if (!lines.isEmpty() && !lines.first().isEmpty())
        text += QStringLiteral("; its last words on stderr: ") + QString::fromLocal8Bit(lines.join(" | "));
    return text;
}

/*!
    Sets the process id to \a pid. For the supervisor, which builds the report.
*/
void LpmWorkerExit::setPid(qint64 pid) { d->pid = pid; }

/*!
    Sets the slot to \a slot. For the supervisor, which builds the report.
*/
void LpmWorkerExit::setSlot(int slot) { d->slot = slot; }

/*!
    Sets the reason to \a reason. For the supervisor, which builds the report.
*/
void LpmWorkerExit::setReason(Reason reason) { d->reason = reason; }

/*!
    Sets the exit status to \a exitCode. For the supervisor, which builds the report.
*/
void LpmWorkerExit::setExitCode(int exitCode) { d->exitCode = exitCode; }

/*!
    Sets the signal that killed the worker to \a signal. For the supervisor, which
    builds the report.
*/
void LpmWorkerExit::setSignal(int signal) { d->signal = signal; }

/*!
    Sets the last bytes the worker wrote to stderr to \a tail. For the supervisor,
    which builds the report.
*/
void LpmWorkerExit::setStderrTail(const QByteArray &tail) { d->stderrTail = tail; }

/*!
    Sets the uptime to \a uptimeMs milliseconds. For the supervisor, which builds
    the report.
*/
void LpmWorkerExit::setUptimeMs(qint64 uptimeMs) { d->uptimeMs = uptimeMs; }

/*!
    Sets the number of requests answered to \a handled. For the supervisor, which
    builds the report.
*/
void LpmWorkerExit::setHandled(qint64 handled) { d->handled = handled; }

/*!
    Sets why LPM ended the worker, or why it could not start, to \a detail. For the
    supervisor, which builds the report.
*/
void LpmWorkerExit::setDetail(const QString &detail) { d->detail = detail; }
