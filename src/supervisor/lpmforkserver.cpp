#include "lpmforkserver_p.h"

#include "lpmlogging_p.h"
#include "lpmworkerprocess_p.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qtimer.h>

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
    // Only destroyed once no worker it forked lives (its pool's rule): the template,
    // which would end by itself once its socket closes, is killed with its process.
    delete m_notifier;
    if (m_socket >= 0)
        ::close(m_socket);
    if (m_control >= 0)
        ::close(m_control);
}

void LpmForkServer::requestFork(LpmWorkerProcess *process, int slot, int count,
                                const int ends[LpmFork::ForkDescriptorCount])
{
    Pending pending{ process, slot, count, { ends[0], ends[1], ends[2] } };
    switch (m_state) {
    case State::Unavailable:
        process->onForkFailed();
        return;
    case State::Serving:
        send(pending);
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

void LpmForkServer::startTemplate()
{
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
    m_notifier = new QSocketNotifier(m_socket, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &LpmForkServer::readRecords);
    if (m_config.startTimeout >= 0) {
        m_startTimer = new QTimer(this);
        m_startTimer->setSingleShot(true);
        connect(m_startTimer, &QTimer::timeout, this, [this] {
            giveUp(QStringLiteral("it did not reach ready() within %1 ms").arg(m_config.startTimeout));
        });
        m_startTimer->start(m_config.startTimeout);
    }
}

void LpmForkServer::send(const Pending &pending)
{
    if (!pending.process)
        return;
    LpmFork::Record record;
    record.type = LpmFork::RecordType::Fork;
    record.slot = pending.slot;
    record.count = pending.count;
    if (!LpmFork::send(m_socket, record, pending.ends.data(), LpmFork::ForkDescriptorCount, true)) {
        qCWarning(lcLpmSupervisor) << "cannot ask the fork server for a worker:" << std::strerror(errno);
        pending.process->onForkFailed();
        return;
    }
    m_asked.push_back(pending.process);
}

void LpmForkServer::readRecords()
{
    for (;;) {
        LpmFork::Record record;
        int fds[LpmFork::ForkDescriptorCount];
        const int got = LpmFork::receive(m_socket, &record, fds, false);
        if (got > 0) {
            handle(record, fds);
            if (m_socket < 0)
                return;
            continue;
        }
        if (got < 0 && errno == EAGAIN)
            return;
        // End of file or a broken record: the template is gone or not one of ours.
        m_notifier->setEnabled(false);
        return; // its exit comes through finished()
    }
}

void LpmForkServer::handle(const LpmFork::Record &record, int fds[LpmFork::ForkDescriptorCount])
{
    switch (record.type) {
    case LpmFork::RecordType::Ready: {
        if (m_state != State::Starting)
            break;
        delete m_startTimer;
        m_startTimer = nullptr;
        m_state = State::Serving;
        qCDebug(lcLpmSupervisor) << "fork server" << record.value << "serves";
        const std::deque<Pending> waiting = std::exchange(m_waiting, {});
        for (const Pending &pending : waiting)
            send(pending);
        break;
    }
    case LpmFork::RecordType::Refused:
        giveUp(QString::fromUtf8(record.text));
        break;
    case LpmFork::RecordType::Forked: {
        if (m_asked.empty())
            break;
        const QPointer<LpmWorkerProcess> process = m_asked.front();
        m_asked.pop_front();
        if (record.value <= 0 || fds[0] < 0) {
            qCWarning(lcLpmSupervisor) << "the fork server could not fork a worker:"
                                       << std::strerror(-record.value) << "- starting it normally";
            if (process)
                process->onForkFailed();
            break;
        }
        const int pidfd = std::exchange(fds[0], -1);
        if (!process) { // gone meanwhile: so must its child be
            LpmFork::signalPidFd(pidfd, SIGKILL);
            ::close(pidfd);
            break;
        }
        m_children.insert(record.value, process);
        process->onForked(record.value, pidfd);
        break;
    }
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

void LpmForkServer::giveUp(const QString &why)
{
    qCWarning(lcLpmSupervisor).noquote()
            << "the fork server cannot serve:" << why << "- workers start normally";
    m_state = State::Unavailable;
    if (m_template)
        m_template->killGroup();
    const std::deque<Pending> waiting = std::exchange(m_waiting, {});
    for (const Pending &pending : waiting) {
        if (pending.process)
            pending.process->onForkFailed();
    }
}

void LpmForkServer::onTemplateFinished()
{
    if (m_socket >= 0)
        readRecords(); // its last words: exits, a refusal
    const bool served = m_state == State::Serving;
    if (m_state == State::Starting)
        giveUp(describeEnd(m_template->exitReport()));
    delete m_notifier;
    m_notifier = nullptr;
    if (m_socket >= 0)
        ::close(std::exchange(m_socket, -1));
    if (m_control >= 0)
        ::close(std::exchange(m_control, -1));
    m_template->deleteLater();
    m_template = nullptr;
    // Asked but never answered: start those normally. Forked ones died with it.
    const auto asked = std::exchange(m_asked, {});
    for (const QPointer<LpmWorkerProcess> &process : asked) {
        if (process)
            process->onForkFailed();
    }
    const auto children = std::exchange(m_children, {});
    for (const QPointer<LpmWorkerProcess> &process : children) {
        if (process)
            process->onServerLost();
    }
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
        readRecords();
}
