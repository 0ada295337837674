#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmhealthprobe_p.h"

#include <lpm/lpmworker.h>

#include <QtCore/qhash.h>
#include <QtCore/qtimer.h>
#include <QtCore/quuid.h>

class LpmChannel;
namespace LpmIpc { struct Message; }

class LpmWorkerPrivate
{
    Q_DECLARE_PUBLIC(LpmWorker)
public:
    explicit LpmWorkerPrivate(LpmWorker *q);

    // The descriptor named by LPM_IPC_FD if it is a socket, else -1. Read once:
    // the variable is removed afterwards so the worker's own children do not inherit it.
    static int channelDescriptor();

    void openChannel();
    void onMessage(const LpmIpc::Message &message);
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
