#include "lpmworkerhandle_p.h"

#include "lpmchannel_p.h"
#include "lpmclock_p.h"
#include "lpmcpusampler_p.h"
#include "lpmlogging_p.h"
#include "lpmpendingrequest_p.h"
#include "lpmsharedring_p.h"
#include "lpmstatmreader_p.h"
#include "lpmworkerprocess_p.h"
#include "lpmworkerwatch_p.h"

#include <lpm/lpmstream.h>

#include <QtCore/qtimer.h>


#include <unistd.h>

using namespace LpmIpc;

namespace {
// How long a worker whose channel closed may take to exit before it is killed.
constexpr int ExitAfterChannelLossMs = 2000;
} // namespace

LpmWorkerHandle::LpmWorkerHandle(int slot, QObject *parent)
    : QObject(parent), m_process(new LpmWorkerProcess(this)), m_slot(slot)
{
    connect(m_process, &LpmWorkerProcess::started, this, [this](qint64 pid) {
        m_health.pid = pid;
        if (!m_load.remote) { // a remote worker's pid here is its launcher's
            m_statm = std::make_unique<LpmStatmReader>(pid);
            m_cpu = std::make_unique<LpmCpuSampler>(pid);
            m_cpu->sample(LpmClock::nowNs());
        }
        Q_EMIT started(pid);
    });
    connect(m_process, &LpmWorkerProcess::finished, this, &LpmWorkerHandle::onProcessFinished);
}

LpmWorkerHandle::~LpmWorkerHandle() = default;

void LpmWorkerHandle::start(const LpmWorkerConfig &config, int count, LpmForkServer *forkServer)
{
    watch(config);
    LpmWorkerProcess::Channels channels = m_process->start(config, m_slot, count, forkServer);
    if (channels.control < 0)
        return; // finished() follows
    auto *endpoint = new LpmEndpoint(channels.control, channels.descriptors, this);
    endpoint->setRings(std::move(channels.toWorker), std::move(channels.fromWorker));
    attach(endpoint, config);
    // A fork server that could not serve started the process over: its time starts now.
    connect(m_process, &LpmWorkerProcess::fellBack, this, [this] {
        if (m_startTimer && m_startTimer->isActive())
            m_startTimer->start();
    });
}

void LpmWorkerHandle::startRemote(const LpmWorkerConfig &config, LpmLauncher::Kind launcher,
                                  const QByteArray &token)
{
    m_load.remote = true; // its memory figures come from its reports: no local sampling
    watch(config);
    const LpmWorkerProcess::Channels channels = m_process->prepareRemote(config, launcher);
    if (channels.control < 0)
        return; // finished() follows
    attach(new LpmEndpoint(channels.control, -1, this, { token, LpmPoolToken::Role::Check }), config);
}

void LpmWorkerHandle::launch(const LpmLaunchCommand::Command &command)
{
    m_process->launchRemote(command);
}

void LpmWorkerHandle::failLaunch(const QString &why)
{
    m_process->failLaunch(why);
}

void LpmWorkerHandle::watch(const LpmWorkerConfig &config)
{
    m_watch = new LpmWorkerWatch(config, this);
    connect(m_process, &LpmWorkerProcess::started, m_watch, &LpmWorkerWatch::started);
    connect(m_watch, &LpmWorkerWatch::recycleDue, this, &LpmWorkerHandle::recycleDue);
    connect(m_watch, &LpmWorkerWatch::pingDue, this, [this] {
        if (m_endpoint)
            m_endpoint->send(Message::control(MessageType::Ping));
    });
    connect(m_watch, &LpmWorkerWatch::hung, this,
            [this](const QString &why) { killFor(LpmWorkerExit::Reason::Hung, why); });
}

void LpmWorkerHandle::attach(LpmEndpoint *endpoint, const LpmWorkerConfig &config)
{
    m_endpoint = endpoint;
    m_endpoint->setAcceptsSockets(false); // sockets go to workers, never back
    connect(m_endpoint, &LpmEndpoint::messageReceived, this, &LpmWorkerHandle::onMessage);
    connect(m_endpoint, &LpmEndpoint::disconnected, this, &LpmWorkerHandle::onChannelLost);
    connect(m_endpoint, &LpmEndpoint::protocolError, this, &LpmWorkerHandle::reportProtocolError);
    connect(m_endpoint, &LpmEndpoint::serverReceived, this, [this](const QByteArray &, int fd) {
        ::close(fd);
        reportProtocolError(QStringLiteral("it sent a listening socket, which only a supervisor sends"));
    });
    connect(m_endpoint, &LpmEndpoint::backlogExceeded, this, [this] {
        killFor(LpmWorkerExit::Reason::Hung,
                QStringLiteral("it stopped reading its channel: more than %1 MiB wait for it")
                        .arg(LpmChannel::MaxBacklog >> 20));
    });
    connect(m_endpoint, &LpmEndpoint::bytesWritten, this, [this] {
        if (m_backlogged && m_endpoint->bytesToWrite() < DispatchBacklog / 2) {
            updateAccepting();
            Q_EMIT roomAvailable();
        }
    });
    if (config.startTimeout >= 0) {
        m_startTimer = new QTimer(this);
        m_startTimer->setSingleShot(true);
        connect(m_startTimer, &QTimer::timeout, this, [this, timeout = config.startTimeout] {
            killFor(LpmWorkerExit::Reason::StartTimedOut,
                    QStringLiteral("it did not call ready() within %1 ms").arg(timeout));
        });
        m_startTimer->start(config.startTimeout);
    }
}

bool LpmWorkerHandle::sendRequest(LpmPendingRequest *request, QString *error)
{
    if (!m_load.accepting || !m_endpoint) {
        *error = QStringLiteral("the worker takes no requests");
        return false;
    }
    Message message = Message::request(request->id, request->createdAt, request->encodedPayload,
                                       request->blobs);
    bool sent;
    if (request->hasSocket) {
        message.prelude = request->prelude;
        sent = m_endpoint->sendWithSocket(message, std::exchange(request->socketFd, -1), error);
        if (sent) {
            m_sockets.insert(request->id);
            m_load.sockets = int(m_sockets.size());
        }
    } else if (request->hasStream) {
        sent = m_endpoint->sendWithStream(message, request->source, LpmEndpoint::Source::Borrowed, error);
    } else {
        sent = m_endpoint->send(message, error);
    }
    if (!sent)
        return false;
    ++m_load.inFlight;
    if (m_load.inFlight == 1)
        workChanged(); // it holds work now
    if (m_endpoint->bytesToWrite() > DispatchBacklog)
        updateAccepting();
    return true;
}

void LpmWorkerHandle::cancel(const QUuid &id, const QString &why)
{
    if (!m_endpoint || m_state == State::Exited)
        return;
    m_abandoned.insert(id);
    m_endpoint->abortStream(id, why);
    m_endpoint->send(Message::cancel(id));
}

void LpmWorkerHandle::reportProtocolError(const QString &reason)
{
    if (m_killReason)
        return;
    qCWarning(lcLpmIpc).noquote() << "worker" << m_health.pid << "broke the protocol:" << reason
                                  << "- dropping it";
    Q_EMIT protocolError(reason);
    killFor(LpmWorkerExit::Reason::ProtocolError, reason);
}

void LpmWorkerHandle::replyToEvent(const QUuid &id, const QByteArray &encodedPayload)
{
    if (m_endpoint)
        m_endpoint->send(Message::eventReply(id, encodedPayload));
}

void LpmWorkerHandle::rejectEvent(const QUuid &id, LpmError::Code code, const QString &detail)
{
    if (m_endpoint)
        m_endpoint->send(Message::eventReject(id, int(code), detail));
}

void LpmWorkerHandle::sendBroadcast(const QString &name, const QByteArray &encodedPayload)
{
    if (m_endpoint)
        m_endpoint->send(Message::broadcast(name, encodedPayload));
}

void LpmWorkerHandle::shareServer(const QByteArray &body, int fd)
{
    if (m_endpoint && m_endpoint->canPassDescriptors())
        m_endpoint->sendServer(body, fd);
    else
        ::close(fd);
}

void LpmWorkerHandle::retireRecycled(const QString &why)
{
    if (m_stopping)
        return;
    m_recycledBecause = why;
    qCDebug(lcLpmSupervisor).noquote() << "recycling worker" << m_health.pid << "-" << why;
    retire();
}

void LpmWorkerHandle::rearmRecycle()
{
    if (m_watch)
        m_watch->rearm();
}

void LpmWorkerHandle::retire()
{
    if (m_stopping)
        return;
    m_stopping = true;
    updateAccepting();
    if (m_process->isLaunchPending()) { // it holds nothing and may never start: gone now
        m_process->killGroup();
    } else if (m_endpoint) {
        m_endpoint->send(Message::control(MessageType::SoftKill));
    }
    Q_EMIT statusChanged();
}

void LpmWorkerHandle::hardKill(int graceMs)
{
    const bool alreadyHard = m_hardKilled;
    const bool wasStopping = m_stopping;
    m_stopping = true;
    m_hardKilled = true;
    updateAccepting();
    if (!wasStopping)
        Q_EMIT statusChanged();
    if (alreadyHard || m_state == State::Exited)
        return;
    if (m_endpoint)
        m_endpoint->send(Message::control(MessageType::HardKill));
    QTimer::singleShot(graceMs, this, [this] {
        if (m_process->isRunning()) {
            qCDebug(lcLpmSupervisor) << "worker" << m_health.pid
                                     << "still alive after a hard kill - killing it";
            m_process->killGroup();
        }
    });
}

void LpmWorkerHandle::stop()
{
    m_stopping = true;
    updateAccepting();
    if (m_endpoint)
        m_endpoint->close(QStringLiteral("The pool was destroyed."));
}

bool LpmWorkerHandle::waitForExit(int msLeft)
{
    return m_process->waitForExit(msLeft);
}

void LpmWorkerHandle::killNow()
{
    m_process->killGroup();
}

bool LpmWorkerHandle::isRunning() const
{
    return m_process->isRunning();
}

quint64 LpmWorkerHandle::lostWithTemplate() const
{
    return m_process->lostWithTemplate();
}

void LpmWorkerHandle::killFor(LpmWorkerExit::Reason reason, const QString &why)
{
    if (m_state == State::Exited || m_killReason)
        return;
    m_killReason = reason;
    m_killDetail = why;
    if (reason != LpmWorkerExit::Reason::ProtocolError) // said where it was found
        qCWarning(lcLpmSupervisor).noquote() << "killing worker" << m_health.pid << "-" << why;
    updateAccepting();
    if (m_endpoint)
        m_endpoint->close(QStringLiteral("The worker was killed: %1.").arg(why));
    m_process->killGroup();
}

LpmWorkerStatus::State LpmWorkerHandle::publicState() const
{
    if (m_stopping)
        return LpmWorkerStatus::State::Draining;
    switch (m_state) {
    case State::Starting:
        return LpmWorkerStatus::State::Starting;
    case State::Ready:
        return LpmWorkerStatus::State::Ready;
    case State::Busy:
    case State::Exited:
        break;
    }
    return LpmWorkerStatus::State::Busy;
}

LpmWorkerStatus LpmWorkerHandle::status() const
{
    LpmWorkerStatus status;
    status.setHealth(m_health);
    status.setState(publicState());
    status.setInFlight(m_load.inFlight);
    status.setSockets(m_load.sockets);
    status.setHandled(m_handled);
    status.setSlot(m_slot);
    status.setRestarts(m_restarts);
    status.setCpuPercent(m_cpu ? m_cpu->percent() : 0.0);
    status.setRunTime(m_runTimes.snapshot(LpmClock::nowNs()));
    return status;
}

void LpmWorkerHandle::sampleHealth()
{
    if (m_cpu)
        m_cpu->sample(LpmClock::nowNs());
    if (m_load.remote) { // its figures are its reports: memory and age are judged on them
        if (m_watch && m_hasBeenReady && !m_stopping)
            m_watch->sample(m_health.rss);
        return;
    }
    const qint64 rss = m_statm ? m_statm->residentBytes() : -1;
    if (rss < 0)
        return;
    m_health.rss = rss;
    m_load.rss = rss;
    qCDebug(lcLpmHealth) << "worker" << m_health.pid << "sampled rss" << rss;
    if (m_watch && m_hasBeenReady && !m_stopping)
        m_watch->sample();
}

void LpmWorkerHandle::workChanged()
{
    const bool holding = m_load.inFlight > 0;
    if (holding != m_holdingWork) {
        m_holdingWork = holding;
        const qint64 now = LpmClock::nowNs();
        if (holding) {
            m_busySince = now;
        } else {
            m_busyNs += now - m_busySince;
            m_idleSince = now;
        }
    }
    if (m_watch) // the watch ignores what it already knows
        m_watch->setHoldingWork(holding);
}

void LpmWorkerHandle::takeWorkerTime(qint64 nowNs, qint64 *busyNs, qint64 *aliveNs)
{
    if (m_aliveSampledAt == 0)
        return; // never ready: not counted
    const qint64 until = m_state == State::Exited ? m_exitedAt : nowNs; // holds nothing then
    const qint64 busy = m_busyNs + (m_holdingWork ? until - m_busySince : 0);
    *busyNs += busy - m_busySampledNs;
    *aliveNs += qMax<qint64>(0, until - m_aliveSampledAt);
    m_busySampledNs = busy;
    m_aliveSampledAt = qMax(m_aliveSampledAt, until);
}

qint64 LpmWorkerHandle::idleSince() const
{
    if (!m_hasBeenReady || m_holdingWork || m_load.sockets > 0 || m_state != State::Ready)
        return -1;
    return m_idleSince;
}

void LpmWorkerHandle::onMessage(const Message &message, const LpmEndpoint::Attached &attached)
{
    if (m_watch)
        m_watch->heardFrom();
    if (attached.socket >= 0) {
        ::close(attached.socket);
        reportProtocolError(QStringLiteral("it handed a socket over"));
        return;
    }
    switch (message.type) {
    case MessageType::Response:
    case MessageType::ResponseError:
        onAnswer(message, attached.stream);
        return;
    case MessageType::Ready:
        if (!m_hasBeenReady) {
            m_aliveSampledAt = LpmClock::nowNs();
            m_busySampledNs = m_busyNs;
        }
        if (!m_holdingWork) // idle from now (after busy() too), not since its last work
            m_idleSince = LpmClock::nowNs();
        m_hasBeenReady = true;
        m_load.hasBeenReady = true;
        if (m_startTimer)
            m_startTimer->stop();
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
    case MessageType::Event:
        Q_EMIT eventReceived(message.id, message.name, message.payload, message.createdAt);
        return;
    case MessageType::Canceled:
        if (!m_abandoned.remove(message.id))
            break;
        --m_load.inFlight;
        if (m_load.inFlight == 0)
            workChanged();
        Q_EMIT roomAvailable();
        return;
    case MessageType::Pong:
        return; // heard from, above
    case MessageType::RingsMapped:
        m_endpoint->enableOutgoingRing();
        return;
    case MessageType::SocketClosed:
        if (m_sockets.remove(message.id)) {
            m_load.sockets = int(m_sockets.size());
            if (m_load.sockets == 0 && !m_holdingWork)
                m_idleSince = LpmClock::nowNs(); // it served the connection until now
            Q_EMIT roomAvailable();
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
    case MessageType::StreamEnd:
    case MessageType::Ping:
        break;
    }
    delete attached.stream;
    reportProtocolError(message.type == MessageType::Canceled
                                ? QStringLiteral("it dropped request %1, which was not canceled")
                                          .arg(message.id.toString(QUuid::WithoutBraces))
                                : QStringLiteral("it sent a %1 message, which only a supervisor sends")
                                          .arg(typeName(message.type)));
}

void LpmWorkerHandle::onAnswer(const Message &message, LpmStream *stream)
{
    if (m_load.inFlight > 0)
        --m_load.inFlight;
    if (m_load.inFlight == 0)
        workChanged();
    if (m_abandoned.remove(message.id)) {
        // Its future ended first (a timeout, a cancel): nothing is kept for it, and its
        // stream's descriptor closes now, so the worker's pump ends too.
        qCDebug(lcLpmSupervisor) << "dropping the late answer to request" << message.id;
        delete stream;
        Q_EMIT roomAvailable();
        return;
    }
    ++m_handled;
    if (m_watch && !m_stopping)
        m_watch->answered(m_handled); // checked between requests: after each answer
    if (message.type == MessageType::Response) {
        Q_EMIT answered(message.id, message.payload, stream);
        return;
    }
    delete stream;
    const auto code = LpmError::Code(message.errorCode);
    const bool workerMayReport = code == LpmError::Code::NotSerializable
            || code == LpmError::Code::PayloadTooLarge || code == LpmError::Code::StreamFailed;
    Q_EMIT answerFailed(message.id,
                        LpmError(workerMayReport ? code : LpmError::Code::ProtocolError,
                                 QStringLiteral("The worker's answer could not be sent: %1")
                                         .arg(message.errorDetail)));
}

void LpmWorkerHandle::onProcessFinished()
{
    // Its last words are in our buffers even now: deliver them before the exit.
    if (m_endpoint)
        m_endpoint->drain();
    finish();
}

void LpmWorkerHandle::onChannelLost()
{
    // The process normally exits right after; make sure it does.
    updateAccepting();
    if (m_state == State::Exited)
        return;
    QTimer::singleShot(ExitAfterChannelLossMs, this, [this] {
        if (m_process->isRunning()) {
            killFor(LpmWorkerExit::Reason::Hung, QStringLiteral("it closed its channel but did not exit"));
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
    m_backlogged = m_endpoint && m_endpoint->bytesToWrite() > DispatchBacklog;
    m_load.stopping = m_stopping || m_killReason;
    m_load.accepting = m_state == State::Ready && !m_load.stopping && !m_backlogged && m_endpoint
            && m_endpoint->isConnected();
}

void LpmWorkerHandle::finish()
{
    if (m_state == State::Exited)
        return;
    LpmWorkerExit exit = m_process->exitReport();
    exit.setSlot(m_slot);
    exit.setHandled(m_handled);
    if (exit.reason() != LpmWorkerExit::Reason::FailedToStart) {
        if (m_killReason) { // killed for cause
            exit.setReason(*m_killReason);
            exit.setDetail(m_killDetail);
        } else if (m_stopping) {
            exit.setReason(m_recycledBecause.isEmpty() ? LpmWorkerExit::Reason::Requested
                                                       : LpmWorkerExit::Reason::Recycled);
            exit.setDetail(m_recycledBecause);
        }
    }
    // A kill is for the worker's children too, even when it exited itself first.
    if (m_hardKilled || m_killReason)
        m_process->killLeftovers();
    m_sockets.clear();
    m_load.sockets = 0;
    m_load.inFlight = 0;
    workChanged(); // holds nothing now
    m_exitedAt = LpmClock::nowNs();
    m_abandoned.clear();
    if (m_startTimer)
        m_startTimer->stop();
    setState(State::Exited);
    if (m_endpoint)
        m_endpoint->close(QStringLiteral("The worker exited before the stream ended: %1.")
                                  .arg(exit.description()));
    Q_EMIT exited(exit);
}
