#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmforkprotocol_p.h"

#include <lpm/lpmsupervisorconfig.h>

#include <QtCore/qhash.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

#include <array>
#include <deque>

class LpmWorkerProcess;
class QSocketNotifier;
class QTimer;

// The supervisor's side of a fork server (LpmWorkerConfig::forkServer): the template
// process, which ran the worker program up to ready(), and the forks asked of it.
//
// The template is started on the first request and asked for one child per worker
// process; requests made while it starts wait for it. If it cannot serve (it refused:
// more than one thread; it failed to start or timed out), every request falls back to
// an ordinary start, with one warning, for the rest of the pool's life. If it dies
// after it served, the children it forked die with it (the kernel's parent-death
// signal) and are reported so; the next request starts a new template.
class LpmForkServer : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Starting, Serving, Unavailable };

    LpmForkServer(const LpmWorkerConfig &config, QObject *parent = nullptr);
    // Kills the template, and with it any worker it forked: destroy it only once they
    // have ended.
    ~LpmForkServer() override;

    State state() const { return m_state; }
    // Asks for a child for process in slot of count; ends are the child's descriptors
    // (LpmFork::ForkDescriptor order), which stay the caller's. The answer comes through
    // process->onForked() or process->onForkFailed(), possibly before this returns.
    void requestFork(LpmWorkerProcess *process, int slot, int count,
                     const int ends[LpmFork::ForkDescriptorCount]);
    // Blocks up to ms reading the template's answers; for waits that cannot return to
    // the event loop (a supervisor being destroyed).
    void pump(int ms);

private:
    struct Pending
    {
        QPointer<LpmWorkerProcess> process;
        int slot;
        int count;
        std::array<int, LpmFork::ForkDescriptorCount> ends; // the process's, while it waits
    };
    void startTemplate();
    void onTemplateFinished();
    void readRecords();
    void handle(const LpmFork::Record &record, int fds[LpmFork::ForkDescriptorCount]);
    void send(const Pending &pending);
    void giveUp(const QString &why);

    const LpmWorkerConfig m_config;
    State m_state = State::Idle;
    LpmWorkerProcess *m_template = nullptr;
    int m_control = -1; // the template's message channel: kept open, never used
    int m_socket = -1;  // its descriptor channel: fork records
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_startTimer = nullptr;
    // Waiting for the template to start; then sent, waiting for Forked, in order.
    std::deque<Pending> m_waiting;
    std::deque<QPointer<LpmWorkerProcess>> m_asked;
    QHash<qint64, QPointer<LpmWorkerProcess>> m_children;
};
