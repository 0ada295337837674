#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmendpoint_p.h"
#include "lpmhealthprobe_p.h"
#include "lpmworkerevents_p.h"

#include <lpm/lpmworker.h>

#include <QtCore/qhash.h>
#include <QtCore/qpointer.h>
#include <QtCore/qtimer.h>
#include <QtCore/quuid.h>

#include <sys/types.h>

// The worker process's side: the endpoint over the descriptors its supervisor left
// it, requests from arrival to answer, health reports, and how the process stops.
class LpmWorkerPrivate
{
    Q_DECLARE_PUBLIC(LpmWorker)
public:
    // How long an exiting worker waits for its last words to be written.
    static constexpr int ExitFlushMs = 3000;

    explicit LpmWorkerPrivate(LpmWorker *q);

    // The descriptor named by variable if it is of type (S_IFSOCK: a channel, S_IFREG:
    // a memfd), else -1. Read once: the variable is removed so the worker's own
    // children neither see nor inherit it.
    static int inheritedDescriptor(const char *variable, mode_t type);
    // The channel the supervisor started this process with, read once.
    struct InheritedChannel
    {
        int control = -1;   // a local worker's socket
        int stdioIn = -1;   // a remote worker's: what was its stdin and stdout
        int stdioOut = -1;
        QByteArray token;   // the pool's, which our hello carries
        bool exists() const { return control >= 0 || stdioIn >= 0; }
    };
    static const InheritedChannel &inheritedChannel();

    void openEndpoint();
    // The endpoint over a channel (ours from now on) and what watches it.
    // ringToWorker, ringFromWorker: the shared memory's memfds, or -1 (closed here).
    void attachEndpoint(int control, int descriptors, int ringToWorker, int ringFromWorker);
    // Watches the endpoint, whatever its transport.
    void connectEndpoint();
    // As a fork server's template: serves forks; returns in a forked child, which then
    // has its own channel.
    void serveForks();
    void onMessage(const LpmIpc::Message &message, const LpmEndpoint::Attached &attached);
    void deliverRequest(const LpmIpc::Message &message, const LpmEndpoint::Attached &attached);
    void adoptServer(const QByteArray &body, int fd);
    void onCancel(const QUuid &id);
    // Sends the answer for request (or why it could not be sent) and forgets it.
    bool sendAnswer(LpmRequest *request, const QVariant &answer, QIODevice *device);
    void scheduleHealthReport();
    // Deletes request once control returns to the event loop, as deleteLater() does,
    // but with every request of the same pass: one posted event (and one wake-up of the
    // event loop, a system call) per pass instead of one per request.
    void deleteLater(LpmRequest *request);
    void sendHealth();
    void sendPendingHealth(); // the report scheduleHealthReport() asked for, if not sent yet

    // Stopping.
    void onSoftKill();
    void proceedWithSoftKill();
    void exitIfIdle();
    void onHardKill();
    void exitProcess();
    // Everything sent so far, streams included, goes out before the process ends.
    void flushLastWords();

    LpmWorker *q_ptr;
    QPointer<LpmEndpoint> endpoint; // null once gone, even while the worker is destroyed
    LpmWorkerEvents events;
    bool ready = false;
    int templateSocket = -1; // a fork server's template: its descriptor channel
    QHash<QUuid, LpmRequest *> ongoing;
    LpmHealthProbe probe;
    QTimer healthTimer;
    bool healthReportPending = false;
    QPointer<QObject> answeredBatch; // answered requests, deleted together
    bool softKillPending = false; // asked to stop; waits for ready() if busy
    bool softKillStarted = false; // a softKillRequested() handler owns the end
    bool exitWhenIdle = false;    // no handler: exit once nothing is ongoing
    bool exiting = false;
};
