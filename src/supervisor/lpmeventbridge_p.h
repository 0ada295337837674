#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmevent.h>

#include <QtCore/qobject.h>
#include <QtCore/quuid.h>
#include <QtCore/qvariant.h>

class LpmWorkerHandle;
class LpmWorkerPool;
class QTcpServer;

// Events both ways: a worker's sendEvent() becomes an LpmEvent whose answer (from any
// thread, now or later) goes back to that worker; broadcasts and shared listening
// servers go to every worker. Payloads pass the one encode gate.
class LpmEventBridge : public QObject
{
    Q_OBJECT
public:
    LpmEventBridge(LpmWorkerPool *pool, QObject *parent);

    void onEvent(LpmWorkerHandle *worker, const QUuid &id, const QString &name,
                 const QVariant &payload, qint64 createdAt);
    bool broadcast(const QString &name, const QVariant &payload);
    bool broadcast(const QString &name, const QVariant &payload, QTcpServer *server);

Q_SIGNALS:
    void eventReceived(const QString &name, const LpmEvent &event);

private:
    LpmWorkerPool *const m_pool;
};
