#include "lpmworkerhandle_p.h"

#include "lpmchannel_p.h"
#include "lpmfdchannel_p.h"
#include "lpmlogging_p.h"
#include "lpmworkerprocess_p.h"

#include <QtCore/qtimer.h>

#include <lpm/lpmerror.h>

#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

using namespace LpmIpc;

namespace {
// How long a worker whose channel closed may take to exit before it is killed.
constexpr int ExitAfterChannelLossMs = 2000;
// How much of a worker's stderr is kept to explain its death.
constexpr qsizetype StderrTailBytes = 4096;
constexpr int StderrTailLines = 5;
const qint64 PageSize = ::sysconf(_SC_PAGESIZE);
} // namespace

LpmWorkerHandle::LpmWorkerHandle(QObject *parent) : QObject(parent)
{
    // stdout goes straight to ours; stderr passes through us so that its last lines
    // can explain a crash. stdin is a pipe closed at once: a worker never steals the
    // application's terminal input.
    m_process.setProcessChannelMode(QProcess::ForwardedOutputChannel);
    connect(&m_process, &QProcess::readyReadStandardError, this,
            &LpmWorkerHandle::forwardStandardError);
    connect(&m_process, &QProcess::started, this, [this] {
        m_health.pid = m_process.processId();
        const QByteArray path = "/proc/" + QByteArray::number(m_health.pid) + "/statm";
        m_statmFd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
        m_process.closeWriteChannel();
        Q_EMIT started(m_health.pid);
    });
    connect(&m_process, &QProcess::finished, this, &LpmWorkerHandle::onProcessFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &LpmWorkerHandle::onProcessError);
}

LpmWorkerHandle::~LpmWorkerHandle()
{
    if (m_statmFd >= 0)
        ::close(m_statmFd);
    if (m_process.state() != QProcess::NotRunning) {
        // Never leave a process behind; the owner normally stopped it already.
        m_process.disconnect(this);
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool LpmWorkerHandle::start(const QString &program, const QStringList &arguments)
{
    const LpmWorkerProcess::Channels channels = LpmWorkerProcess::start(m_process, program, arguments);
    if (channels.control < 0) {
        // Report as QProcess would: later, so the caller has finished setting up.
        m_failedToStart = true;
        QMetaObject::invokeMethod(this, [this] {
            Q_EMIT failedToStart(QStringLiteral("no channel could be created"));
            finish();
        }, Qt::QueuedConnection);
        return false;
    }
    m_channel = new LpmChannel(channels.control, this);
    m_descriptors = new LpmFdChannel(channels.descriptors, this);
    connect(m_descriptors, &LpmFdChannel::received, this,
            [this](const LpmFdChannel::Message &message, int fd) {
                if (message.kind != LpmFdChannel::Kind::StreamBack || fd < 0) {
                    if (fd >= 0)
                        ::close(fd);
                    qCWarning(lcLpmIpc) << "worker" << m_health.pid << "sent an unexpected descriptor";
                    return;
                }
                m_attachments.holdDescriptor(message.id, fd);
                Q_EMIT streamBackArrived(message.id);
            });
    connect(m_channel, &LpmChannel::messageReceived, this, &LpmWorkerHandle::onMessage);
    connect(m_channel, &LpmChannel::disconnected, this, &LpmWorkerHandle::onChannelLost);
    connect(m_channel, &LpmChannel::protocolError, this, [this](const QString &reason) {
        qCWarning(lcLpmIpc).noquote() << "worker" << m_health.pid << "broke the protocol:"
                                      << reason << "- dropping it";
        Q_EMIT protocolError(reason);
        kill();
    });
    return true;
}

void LpmWorkerHandle::closeChannel()
{
    if (m_channel)
        m_channel->close();
    if (m_descriptors)
        m_descriptors->close();
}

void LpmWorkerHandle::stopBlocking(int graceMs)
{
    closeChannel();
    if (m_process.state() == QProcess::NotRunning)
        return;
    if (!m_process.waitForFinished(graceMs)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

void LpmWorkerHandle::kill()
{
    closeChannel();
    if (m_process.state() != QProcess::NotRunning)
        m_process.kill();
}

bool LpmWorkerHandle::sendRequest(const Message &request)
{
    if (!m_load.accepting || !m_channel)
        return false;
    QString error;
    if (!m_channel->send(request, &error)) {
        qCWarning(lcLpmIpc) << "cannot send request" << request.id << ":" << error;
        return false;
    }
    m_inFlight.insert(request.id);
    m_load.inFlight = int(m_inFlight.size());
    return true;
}

bool LpmWorkerHandle::release(const QUuid &id)
{
    if (!m_inFlight.remove(id))
        return false;
    m_load.inFlight = int(m_inFlight.size());
    return true;
}

void LpmWorkerHandle::retire()
{
    if (m_stopping)
        return;
    m_stopping = true;
    updateAccepting();
    sendControl(MessageType::SoftKill);
    Q_EMIT statusChanged();
}

LpmWorkerStatus LpmWorkerHandle::status() const
{
    LpmWorkerStatus status;
    status.setHealth(m_health);
    switch (m_state) {
    case State::Starting:
        status.setState(LpmWorkerStatus::State::Starting);
        break;
    case State::Ready:
        status.setState(LpmWorkerStatus::State::Ready);
        break;
    case State::Busy:
    case State::Exited:
        status.setState(LpmWorkerStatus::State::Busy);
        break;
    }
    if (m_stopping)
        status.setState(LpmWorkerStatus::State::Draining);
    status.setInFlight(m_load.inFlight);
    status.setSockets(m_load.sockets);
    status.setHandled(m_handled);
    return status;
}

void LpmWorkerHandle::hardKill(int graceMs)
{
    const bool alreadyHard = m_stopping && m_hardKilled;
    const bool wasStopping = m_stopping;
    m_stopping = true;
    m_hardKilled = true;
    updateAccepting();
    if (!wasStopping)
        Q_EMIT statusChanged();
    if (alreadyHard || m_state == State::Exited)
        return;
    sendControl(MessageType::HardKill);
    QTimer::singleShot(graceMs, this, [this] {
        if (m_process.state() != QProcess::NotRunning) {
            qCDebug(lcLpmSupervisor) << "worker" << m_health.pid
                                     << "still alive after a hard kill - killing it";
            m_process.kill();
        }
    });
}

void LpmWorkerHandle::cancel(const QUuid &id)
{
    if (!m_inFlight.contains(id))
        return;
    abandon(id);
    if (m_channel) {
        Message message;
        message.type = MessageType::Cancel;
        message.id = id;
        m_channel->send(message);
    }
}

void LpmWorkerHandle::sendEventReply(const QUuid &id, const QByteArray &encodedPayload)
{
    Message message;
    message.type = MessageType::EventReply;
    message.id = id;
    message.encodedPayload = encodedPayload;
    if (m_channel)
        m_channel->send(message);
}

void LpmWorkerHandle::sendEventReject(const QUuid &id, int errorCode, const QString &detail)
{
    Message message;
    message.type = MessageType::EventReject;
    message.id = id;
    message.errorCode = errorCode;
    message.errorDetail = detail;
    if (m_channel)
        m_channel->send(message);
}

void LpmWorkerHandle::sendBroadcast(const QString &name, const QByteArray &encodedPayload)
{
    Message message;
    message.type = MessageType::Broadcast;
    message.name = name;
    message.encodedPayload = encodedPayload;
    if (m_channel)
        m_channel->send(message);
}

void LpmWorkerHandle::sendServer(const QByteArray &body, int fd)
{
    if (!m_descriptors) {
        ::close(fd);
        return;
    }
    LpmFdChannel::Message message;
    message.kind = LpmFdChannel::Kind::Server;
    message.body = body;
    m_descriptors->send(message, fd);
}

void LpmWorkerHandle::sendDescriptor(LpmFdChannel::Kind kind, const QUuid &id, int fd)
{
    if (!m_descriptors) {
        ::close(fd);
        return;
    }
    LpmFdChannel::Message message;
    message.kind = kind;
    message.id = id;
    m_descriptors->send(message, fd);
}

void LpmWorkerHandle::sendStreamEnd(const QUuid &id, bool ok, const QString &error)
{
    if (m_channel)
        m_channel->send(streamEndMessage(id, ok, int(LpmError::Code::StreamFailed), error));
}

void LpmWorkerHandle::holdSocket(const QUuid &id)
{
    m_sockets.insert(id);
    m_load.sockets = int(m_sockets.size());
}

void LpmWorkerHandle::sendControl(MessageType type)
{
    if (!m_channel)
        return;
    Message message;
    message.type = type;
    m_channel->send(message);
}

void LpmWorkerHandle::forwardStandardError()
{
    const QByteArray bytes = m_process.readAllStandardError();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    m_stderrTail.append(bytes);
    if (m_stderrTail.size() > StderrTailBytes)
        m_stderrTail.remove(0, m_stderrTail.size() - StderrTailBytes);
}

void LpmWorkerHandle::abandon(const QUuid &id)
{
    if (release(id))
        m_abandoned.insert(id);
}

void LpmWorkerHandle::sampleRss()
{
    if (m_statmFd < 0)
        return;
    char buffer[128];
    const ssize_t n = ::pread(m_statmFd, buffer, sizeof(buffer) - 1, 0);
    if (n <= 0)
        return;
    buffer[n] = '\0';
    // statm: size resident shared text lib data dt, in pages
    const char *p = std::strchr(buffer, ' ');
    if (!p)
        return;
    const qint64 residentPages = std::strtoll(p + 1, nullptr, 10);
    m_health.rss = residentPages * PageSize;
    m_load.rss = m_health.rss;
    qCDebug(lcLpmHealth) << "worker" << m_health.pid << "sampled rss" << m_health.rss;
}

QString LpmWorkerHandle::exitDescription() const
{
    QString description;
    if (m_failedToStart)
        description = QStringLiteral("the program could not be started");
    else if (m_exitStatus == QProcess::CrashExit)
        description = QStringLiteral("killed by signal %1 (%2)")
                              .arg(m_exitCode)
                              .arg(QString::fromLocal8Bit(::strsignal(m_exitCode)));
    else
        description = QStringLiteral("exit code %1").arg(m_exitCode);

    QList<QByteArray> lines = m_stderrTail.trimmed().split('\n');
    if (lines.size() > StderrTailLines)
        lines = lines.mid(lines.size() - StderrTailLines);
    if (!lines.isEmpty() && !lines.first().isEmpty())
        description += QStringLiteral("; its last words on stderr: ")
                + QString::fromLocal8Bit(lines.join(" | "));
    return description;
}

void LpmWorkerHandle::onMessage(const Message &message)
{
    switch (message.type) {
    case MessageType::Ready:
        m_hasBeenReady = true;
        setState(State::Ready);
        return;
    case MessageType::Busy:
        setState(State::Busy);
        return;
    case MessageType::Health:
        m_health.rss = message.rss;
        m_health.heapTotal = message.heapTotal;
        m_health.heapUsed = message.heapUsed;
        m_load.rss = message.rss;
        qCDebug(lcLpmHealth) << "worker" << m_health.pid << "reports rss" << message.rss
                             << "heap" << message.heapUsed << "/" << message.heapTotal;
        return;
    case MessageType::Response:
    case MessageType::ResponseError:
        Q_EMIT answerReceived(message);
        return;
    case MessageType::Event:
        Q_EMIT eventReceived(message);
        return;
    case MessageType::StreamEnd:
        m_attachments.endStream(message.id, message.errorCode == 0, message.errorDetail);
        return;
    case MessageType::SocketClosed:
        if (m_sockets.remove(message.id)) {
            m_load.sockets = int(m_sockets.size());
            Q_EMIT socketReleased();
        }
        return;
    case MessageType::Hello:
    case MessageType::Request:
    case MessageType::SoftKill:
    case MessageType::HardKill:
    case MessageType::Cancel:
    case MessageType::EventReply:
    case MessageType::EventReject:
    case MessageType::Broadcast:
        break;
    }
    qCWarning(lcLpmIpc) << "worker" << m_health.pid << "sent a" << typeName(message.type)
                        << "message, which only a supervisor sends - dropping it";
    Q_EMIT protocolError(QStringLiteral("unexpected %1 message").arg(typeName(message.type)));
    kill();
}

void LpmWorkerHandle::onProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    m_exitCode = exitCode;
    m_exitStatus = status; // on a crash, Qt reports the signal number as the exit code
    finish();
}

void LpmWorkerHandle::onProcessError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart)
        return; // crashes arrive through finished()
    m_failedToStart = true;
    const QString reason = m_process.errorString();
    qCWarning(lcLpmSupervisor) << "cannot start worker" << m_process.program() << ":" << reason;
    Q_EMIT failedToStart(reason);
    finish();
}

void LpmWorkerHandle::onChannelLost()
{
    // The process normally exits right after; make sure it does.
    updateAccepting();
    if (m_state == State::Exited)
        return;
    QTimer::singleShot(ExitAfterChannelLossMs, this, [this] {
        if (m_process.state() != QProcess::NotRunning) {
            qCWarning(lcLpmSupervisor) << "worker" << m_health.pid
                                       << "closed its channel but did not exit - killing it";
            m_process.kill();
        }
    });
}

void LpmWorkerHandle::setState(State state)
{
    if (m_state == State::Exited || m_state == state)
        return;
    m_state = state;
    updateAccepting();
    Q_EMIT stateChanged(state);
    Q_EMIT statusChanged();
}

void LpmWorkerHandle::updateAccepting()
{
    m_load.accepting = m_state == State::Ready && !m_stopping && m_channel
            && m_channel->isConnected();
}

void LpmWorkerHandle::finish()
{
    if (m_state == State::Exited)
        return;
    m_attachments.failStreams(QStringLiteral("The worker exited before the stream ended: %1.")
                                      .arg(exitDescription()));
    m_sockets.clear();
    m_load.sockets = 0;
    closeChannel();
    setState(State::Exited);
    Q_EMIT exited();
}
