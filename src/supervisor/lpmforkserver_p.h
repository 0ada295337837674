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
#include <map>

class LpmWorkerProcess;
class QSocketNotifier;
class QTimer;

// The supervisor's side of a fork server (LpmWorkerConfig::forkServer): the template
// process, which ran the worker program up to ready(), and the forks asked of it.
//
// The template is started on the first request; requests made while it starts wait
// for it. Each request carries a sequence number that its answer echoes. Nothing here
// blocks: records the template cannot take yet wait behind a write notifier. If the
// template cannot serve (it refused: more than one thread; it failed to start or timed
// out), every request falls back to an ordinary start for the rest of this server's
// life (the pool makes a new one each time it starts). If it dies after it served, the
// children it forked die with it (the kernel's parent-death signal) and are reported
// so, requests it had not answered end as killed, and the next request starts a new
// template.
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
    // Which template serves now; each one the process starts has its own number.
    quint64 generation() const { return m_generation; }
    // Asks for a child for process in slot of count; ends are the child's descriptors
    // (LpmFork::ForkDescriptor order, -1 where none), which stay the caller's. The answer
    // comes through process->onForked(), onForkFailed() (start it normally) or
    // onForkLost() (the template died with the request).
    void requestFork(LpmWorkerProcess *process, int slot, int count,
                     const int ends[LpmFork::ForkDescriptorCount]);
    // process no longer wants its fork: a waiting request is dropped, and a child forked
    // for it is killed when its answer comes.
    void cancel(LpmWorkerProcess *process);
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
        quint32 sequence = 0;
    };
    void startTemplate();
    void onTemplateFinished();
    void readRecords();
    void handle(const LpmFork::Record &record, int fds[LpmFork::ForkDescriptorCount], bool lostDescriptors);
    void onForked(const LpmFork::Record &record, int pidfd, bool lostDescriptors);
    void enqueue(Pending pending);
    void writeQueued();
    void giveUp(const QString &why);
    // The template's socket ended: whatever it had not answered is lost with it.
    void loseTemplate();

    const LpmWorkerConfig m_config;
    State m_state = State::Idle;
    LpmWorkerProcess *m_template = nullptr;
    int m_control = -1; // the template's message channel: kept open, never used
    int m_socket = -1;  // its descriptor channel: fork records
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QTimer *m_startTimer = nullptr;
    quint32 m_nextSequence = 1;
    quint64 m_generation = 0;
    std::deque<Pending> m_waiting; // until the template serves
    std::deque<Pending> m_outbox;  // serving: not yet taken by the socket
    std::map<quint32, QPointer<LpmWorkerProcess>> m_asked; // sent, by sequence
    QHash<qint64, QPointer<LpmWorkerProcess>> m_children;  // forked, by pid
};
