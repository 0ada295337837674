#include "lpmforkserver_p.h"

#include "lpmlogging_p.h"
#include "lpmworkerprocess_p.h"

#include <QtCore/qsocketnotifier.h>
#include <QtCore/qtimer.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <poll.h>
#include <unistd.h>

namespace {
QString describeEnd(const LpmWorkerExit &exit)
{
    if (exit.reason() == LpmWorkerExit::Reason::FailedToStart)
        return QStringLiteral("it could not start (%1)").arg(exit.detail());
    if (exit.signal() != 0)
        return QStringLiteral("it ended by signal %1 before ready()").arg(exit.signal());
    return QStringLiteral("it exited with code %1 before ready()").arg(exit.exitCode());
}
} // namespace

LpmForkServer::LpmForkServer(const LpmWorkerConfig &config, QObject *parent)
    : QObject(parent), m_config(config)
{
}

LpmForkServer::~LpmForkServer()
{
    delete m_readNotifier;
    delete m_writeNotifier;
    if (m_socket >= 0)
        ::close(m_socket);
    if (m_control >= 0)
        ::close(m_control);
}

void LpmForkServer::requestFork(LpmWorkerProcess *process, int slot, int count,
                                const int ends[LpmFork::ForkDescriptorCount])
{
    Pending pending{ process, slot, count, {}, 0 };
    std::copy(ends, ends + LpmFork::ForkDescriptorCount, pending.ends.begin());
    switch (m_state) {
    case State::Unavailable:
        process->onForkFailed();
        return;
    case State::Serving:
        enqueue(pending);
        return;
    case State::Idle:
        m_waiting.push_back(pending);
        startTemplate();
        return;
    case State::Starting:
        m_waiting.push_back(pending);
        return;
    }
}

void LpmForkServer::cancel(LpmWorkerProcess *process)
{
    const auto isIt = [process](const Pending &p) { return p.process == process; };
    m_waiting.erase(std::remove_if(m_waiting.begin(), m_waiting.end(), isIt), m_waiting.end());
    m_outbox.erase(std::remove_if(m_outbox.begin(), m_outbox.end(), isIt), m_outbox.end());
    for (auto &[sequence, asker] : m_asked) {
        if (asker == process)
            asker = nullptr; // its child is killed when the answer comes
    }
}

void LpmForkServer::startTemplate()
{
    static std::atomic<quint64> generations{ 0 };
    m_generation = ++generations;
    m_state = State::Starting;
    m_template = new LpmWorkerProcess(this);
    connect(m_template, &LpmWorkerProcess::finished, this, &LpmForkServer::onTemplateFinished);
    LpmWorkerConfig config = m_config;
    config.environment.insert(QLatin1String(LpmFork::TemplateVariable), QStringLiteral("1"));
    const LpmWorkerProcess::Channels channels = m_template->start(config, -1, 0);
    if (channels.control < 0)
        return; // finished() follows
    m_control = channels.control;
    m_socket = channels.descriptors;
    m_readNotifier = new QSocketNotifier(m_socket, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &LpmForkServer::readRecords);
    m_writeNotifier = new QSocketNotifier(m_socket, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &LpmForkServer::writeQueued);
    if (m_config.startTimeout >= 0) {
        m_startTimer = new QTimer(this);
        m_startTimer->setSingleShot(true);
        connect(m_startTimer, &QTimer::timeout, this, [this] {
            giveUp(QStringLiteral("it did not reach ready() within %1 ms").arg(m_config.startTimeout));
        });
        m_startTimer->start(m_config.startTimeout);
    }
}

void LpmForkServer::enqueue(Pending pending)
{
    pending.sequence = m_nextSequence++;
    m_outbox.push_back(pending);
    writeQueued();
}

void LpmForkServer::writeQueued()
{
    while (!m_outbox.empty() && m_socket >= 0) {
        const Pending &pending = m_outbox.front();
        if (!pending.process) {
            m_outbox.pop_front();
            continue;
        }
        LpmFork::Record record;
        record.type = LpmFork::RecordType::Fork;
        record.slot = pending.slot;
        record.count = pending.count;
        record.sequence = pending.sequence;
        const int fdCount = pending.ends[LpmFork::RingToWorker] >= 0 ? int(LpmFork::ForkDescriptorCount)
                                                                     : int(LpmFork::RingToWorker);
        if (!LpmFork::send(m_socket, record, pending.ends.data(), fdCount, false)) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                m_writeNotifier->setEnabled(true);
                return;
            }
            qCWarning(lcLpmSupervisor) << "cannot ask the fork server for a worker:" << std::strerror(errno);
            const QPointer<LpmWorkerProcess> process = pending.process;
            m_outbox.pop_front();
            if (process)
                process->onForkFailed();
            continue;
        }
        m_asked.emplace(pending.sequence, pending.process);
        m_outbox.pop_front();
    }
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
}

void LpmForkServer::readRecords()
{
    while (m_socket >= 0) {
        LpmFork::Record record;
        int fds[LpmFork::ForkDescriptorCount];
        bool lostDescriptors = false;
        const int got = LpmFork::receive(m_socket, &record, fds, false, &lostDescriptors);
        if (got > 0) {
            handle(record, fds, lostDescriptors);
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (got < 0 && errno == EPROTO) // not one of our records: skip it
            continue;
        loseTemplate(); // end of file: the template is gone
        return;
    }
}

void LpmForkServer::handle(const LpmFork::Record &record, int fds[LpmFork::ForkDescriptorCount],
                           bool lostDescriptors)
{
    switch (record.type) {
    case LpmFork::RecordType::Ready: {
        if (m_state != State::Starting)
            break;
        delete std::exchange(m_startTimer, nullptr);
        m_state = State::Serving;
        qCDebug(lcLpmSupervisor) << "fork server" << record.value << "serves";
        const std::deque<Pending> waiting = std::exchange(m_waiting, {});
        for (const Pending &pending : waiting)
            enqueue(pending);
        break;
    }
    case LpmFork::RecordType::Refused:
        giveUp(QString::fromUtf8(record.text));
        break;
    case LpmFork::RecordType::Forked:
        onForked(record, std::exchange(fds[0], -1), lostDescriptors);
        break;
    case LpmFork::RecordType::Exited: {
        const QPointer<LpmWorkerProcess> process = m_children.take(record.value);
        if (process)
            process->onExitReported(record.status);
        break;
    }
    default:
        break;
    }
    for (int i = 0; i < LpmFork::ForkDescriptorCount; ++i) {
        if (fds[i] >= 0)
            ::close(fds[i]);
    }
}

void LpmForkServer::onForked(const LpmFork::Record &record, int pidfd, bool lostDescriptors)
{
    const auto asked = m_asked.find(record.sequence);
    if (asked == m_asked.end()) { // not ours to answer: nothing may run unwatched
        if (pidfd >= 0) {
            LpmFork::signalPidFd(pidfd, SIGKILL);
            ::close(pidfd);
        }
        return;
    }
    const QPointer<LpmWorkerProcess> process = asked->second;
    m_asked.erase(asked);
    if (record.value > 0 && pidfd < 0) {
        // Forked, but its pidfd did not reach us (we are at our descriptor limit). It is
        // unreaped, so its pid still names it.
        ::kill(pid_t(record.value), SIGKILL);
        qCWarning(lcLpmSupervisor) << "the fork server's answer lost its descriptor"
                                   << (lostDescriptors ? "(descriptor limit reached)" : "")
                                   << "- starting the worker normally";
        if (process)
            process->onForkFailed();
        return;
    }
    if (record.value <= 0) {
        qCWarning(lcLpmSupervisor) << "the fork server could not fork a worker:"
                                   << std::strerror(-record.value) << "- starting it normally";
        if (process)
            process->onForkFailed();
        return;
    }
    if (!process) { // canceled or gone meanwhile: so must its child be
        LpmFork::signalPidFd(pidfd, SIGKILL);
        ::close(pidfd);
        return;
    }
    m_children.insert(record.value, process);
    process->onForked(record.value, pidfd);
}

void LpmForkServer::giveUp(const QString &why)
{
    qCWarning(lcLpmSupervisor).noquote()
            << "the fork server cannot serve:" << why << "- workers start normally";
    m_state = State::Unavailable;
    delete std::exchange(m_startTimer, nullptr);
    if (m_template)
        m_template->killGroup();
    const std::deque<Pending> waiting = std::exchange(m_waiting, {});
    for (const Pending &pending : waiting) {
        if (pending.process)
            pending.process->onForkFailed();
    }
}

void LpmForkServer::loseTemplate()
{
    delete std::exchange(m_readNotifier, nullptr);
    delete std::exchange(m_writeNotifier, nullptr);
    if (m_socket >= 0)
        ::close(std::exchange(m_socket, -1));
    if (m_control >= 0)
        ::close(std::exchange(m_control, -1));
    // Not yet sent: those start normally. Sent but unanswered: a child may hold their
    // descriptors, so they end as killed and their slots are refilled afresh. Forked
    // ones die with the template.
    const auto outbox = std::exchange(m_outbox, {});
    for (const Pending &pending : outbox) {
        if (pending.process)
            pending.process->onForkFailed();
    }
    const auto asked = std::exchange(m_asked, {});
    for (const auto &[sequence, process] : asked) {
        if (process)
            process->onForkLost();
    }
    const auto children = std::exchange(m_children, {});
    for (const QPointer<LpmWorkerProcess> &process : children) {
        if (process)
            process->onServerLost();
    }
}

void LpmForkServer::onTemplateFinished()
{
    readRecords(); // its last words: exits, a refusal; then its end
    loseTemplate();
    const bool served = m_state == State::Serving;
    if (m_state == State::Starting)
        giveUp(describeEnd(m_template->exitReport()));
    m_template->deleteLater();
    m_template = nullptr;
    if (served) {
        qCWarning(lcLpmSupervisor) << "the fork server ended; the next worker starts a new one";
        m_state = State::Idle;
    }
}

void LpmForkServer::pump(int ms)
{
    if (m_socket < 0)
        return;
    struct pollfd polled = { m_socket, POLLIN, 0 };
    if (::poll(&polled, 1, qMax(0, ms)) > 0)
        readRecords(); // an end of file is handled there
}
