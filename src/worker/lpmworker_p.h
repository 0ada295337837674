#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmhealthprobe_p.h"

#include <lpm/lpmworker.h>

#include <QtCore/qhash.h>
#include <QtCore/qpromise.h>
#include <QtCore/qtimer.h>
#include <QtCore/quuid.h>

#include <memory>
#include <unordered_map>

class LpmChannel;
class LpmFdChannel;
namespace LpmIpc { struct Message; }

class LpmWorkerPrivate
{
    Q_DECLARE_PUBLIC(LpmWorker)
public:
    explicit LpmWorkerPrivate(LpmWorker *q);

    // The descriptor named by variable if it is a socket, else -1. Read once: the
    // variable is removed so the worker's own children neither see nor inherit it.
    static int inheritedSocket(const char *variable);
    static int channelDescriptor();

    void openChannel();
    void onMessage(const LpmIpc::Message &message);
    void onDescriptor(const QByteArray &body, int kind, int fd);
    void sendEventNow(const QUuid &id, const QString &name, const QByteArray &encodedPayload,
                      qint64 createdAt);
    void settleEvent(const LpmIpc::Message &message);
    void rejectPendingEvents();
    // Sends the answer for request (or why it could not be encoded) and forgets it.
    bool sendAnswer(LpmRequest *request, const QVariant &answer);
    void scheduleHealthReport();
    void sendHealth();

    // Stopping.
    void onSoftKill();
    void proceedWithSoftKill();
    void exitIfIdle();
    void onHardKill();
    void onCancel(const QUuid &id);
    void exitProcess();

    LpmWorker *q_ptr;
    LpmChannel *channel = nullptr;
    LpmFdChannel *descriptors = nullptr;
    struct UuidHash
    {
        size_t operator()(const QUuid &id) const noexcept { return qHash(id); }
    };
    // sendEvent() futures waiting for the supervisor's answer.
    std::unordered_map<QUuid, std::unique_ptr<QPromise<QVariant>>, UuidHash> pendingEvents;
    bool ready = false;
    QHash<QUuid, LpmRequest *> ongoing;
    LpmHealthProbe probe;
    QTimer healthTimer;
    bool healthReportPending = false;
    bool softKillPending = false; // asked to stop; waits for ready() if busy
    bool softKillStarted = false; // a softKillRequested() handler owns the end
    bool exitWhenIdle = false;    // no handler: exit once nothing is ongoing
    bool exiting = false;
};
