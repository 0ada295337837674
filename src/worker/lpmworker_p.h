#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmattachmenttable_p.h"
#include "lpmhealthprobe_p.h"
#include "lpmmessage_p.h"

#include <lpm/lpmworker.h>

#include <QtCore/qhash.h>
#include <QtCore/qpointer.h>
#include <QtCore/qset.h>
#include <QtCore/qpromise.h>
#include <QtCore/qtimer.h>
#include <QtCore/quuid.h>

#include <memory>
#include <unordered_map>

class LpmChannel;
class LpmFdChannel;

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
    void onDescriptor(const QUuid &id, const QByteArray &body, int kind, int fd);
    void adoptServer(const QByteArray &body, int fd);
    // A request (with its descriptor, if it has an attachment) goes to the handler.
    void deliverRequest(const LpmIpc::Message &message, int fd);
    void attachSocket(LpmRequest *request, const QByteArray &prelude, int fd);
    void startStreamBack(LpmRequest *request, QIODevice *device, LpmIpc::Message *response);
    void sendEventNow(const QUuid &id, const QString &name, const QByteArray &encodedPayload,
                      qint64 createdAt);
    void settleEvent(const LpmIpc::Message &message);
    void rejectPendingEvents();
    // Sends the answer for request (or why it could not be encoded) and forgets it.
    bool sendAnswer(LpmRequest *request, const QVariant &answer, QIODevice *device);
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
    QPointer<LpmChannel> channel; // null once gone, even while the worker is destroyed
    LpmFdChannel *descriptors = nullptr;
    struct UuidHash
    {
        size_t operator()(const QUuid &id) const noexcept { return qHash(id); }
    };
    // sendEvent() futures waiting for the supervisor's answer.
    std::unordered_map<QUuid, std::unique_ptr<QPromise<QVariant>>, UuidHash> pendingEvents;
    bool ready = false;
    QHash<QUuid, LpmRequest *> ongoing;
    // Requests whose descriptor has not come yet, and ids whose descriptor is unwanted
    // (canceled while waiting for it).
    QHash<QUuid, LpmIpc::Message> awaitingDescriptor;
    QSet<QUuid> unwantedDescriptors;
    LpmAttachmentTable attachments;
    int outgoingStreams = 0; // streams still being sent back: soft kill waits for them
    LpmHealthProbe probe;
    QTimer healthTimer;
    bool healthReportPending = false;
    bool softKillPending = false; // asked to stop; waits for ready() if busy
    bool softKillStarted = false; // a softKillRequested() handler owns the end
    bool exitWhenIdle = false;    // no handler: exit once nothing is ongoing
    bool exiting = false;
};
