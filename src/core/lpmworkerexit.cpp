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

LpmWorkerExit::LpmWorkerExit() : d(new LpmWorkerExitData) { }
LpmWorkerExit::LpmWorkerExit(const LpmWorkerExit &other) = default;
LpmWorkerExit::LpmWorkerExit(LpmWorkerExit &&other) noexcept = default;
LpmWorkerExit &LpmWorkerExit::operator=(const LpmWorkerExit &other) = default;
LpmWorkerExit::~LpmWorkerExit() = default;

qint64 LpmWorkerExit::pid() const { return d->pid; }
int LpmWorkerExit::slot() const { return d->slot; }
LpmWorkerExit::Reason LpmWorkerExit::reason() const { return d->reason; }
int LpmWorkerExit::exitCode() const { return d->exitCode; }
int LpmWorkerExit::signal() const { return d->signal; }
QByteArray LpmWorkerExit::stderrTail() const { return d->stderrTail; }
qint64 LpmWorkerExit::uptimeMs() const { return d->uptimeMs; }
qint64 LpmWorkerExit::handled() const { return d->handled; }
QString LpmWorkerExit::detail() const { return d->detail; }

bool LpmWorkerExit::isExpected() const
{
    return d->reason == Reason::Requested || d->reason == Reason::Recycled;
}

QString LpmWorkerExit::description() const
{
    QString text;
    if (d->reason == Reason::FailedToStart)
        text = QStringLiteral("the program could not be started");
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

void LpmWorkerExit::setPid(qint64 pid) { d->pid = pid; }
void LpmWorkerExit::setSlot(int slot) { d->slot = slot; }
void LpmWorkerExit::setReason(Reason reason) { d->reason = reason; }
void LpmWorkerExit::setExitCode(int exitCode) { d->exitCode = exitCode; }
void LpmWorkerExit::setSignal(int signal) { d->signal = signal; }
void LpmWorkerExit::setStderrTail(const QByteArray &tail) { d->stderrTail = tail; }
void LpmWorkerExit::setUptimeMs(qint64 uptimeMs) { d->uptimeMs = uptimeMs; }
void LpmWorkerExit::setHandled(qint64 handled) { d->handled = handled; }
void LpmWorkerExit::setDetail(const QString &detail) { d->detail = detail; }
