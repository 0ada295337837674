#include "lpmeventbridge_p.h"

#include "lpmevent_p.h"
#include "lpmfdchannel_p.h"
#include "lpmlogging_p.h"
#include "lpmmessage_p.h"
#include "lpmpayloadcodec_p.h"
#include "lpmthreadhop_p.h"
#include "lpmworkerhandle_p.h"
#include "lpmworkerpool_p.h"

#include <QtNetwork/qtcpserver.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>

LpmEventBridge::LpmEventBridge(LpmWorkerPool *pool, QObject *parent) : QObject(parent), m_pool(pool) { }

void LpmEventBridge::onEvent(LpmWorkerHandle *worker, const QUuid &id, const QString &name,
                             const QVariant &payload, qint64 createdAt)
{
    auto *data = new LpmEventData;
    data->name = name;
    data->data = payload;
    data->pid = worker->pid();
    data->id = id;
    data->createdAt = createdAt;
    // Answers may come from any thread; they reach the worker from the supervisor's.
    const QPointer<LpmWorkerHandle> handle(worker);
    data->reply = [handle, id](const QVariant &answer) {
        QByteArray encoded;
        const std::optional<LpmError> refusal = LpmIpc::encodePayload(answer, 0, &encoded);
        if (refusal)
            qCWarning(lcLpmSupervisor).noquote() << "not answering an event -" << LpmIpc::refusalText(*refusal);
        LpmThreadHop::run(handle, [handle, id, encoded, refusal] {
            if (!handle)
                return;
            if (refusal)
                handle->rejectEvent(id, refusal->code(), refusal->detail());
            else
                handle->replyToEvent(id, encoded);
        });
        return !refusal;
    };
    data->rejectUnanswered = [handle, id] {
        LpmThreadHop::run(handle, [handle, id] {
            if (handle)
                handle->rejectEvent(id, LpmError::Code::NoAnswer, QString());
        });
    };
    qCDebug(lcLpmSupervisor) << "event" << name << "from worker" << worker->pid();
    Q_EMIT eventReceived(name, LpmEvent(data));
}

bool LpmEventBridge::broadcast(const QString &name, const QVariant &payload)
{
    QByteArray encoded;
    if (const auto refusal = LpmIpc::encodePayload(payload, name.toUtf8().size(), &encoded)) {
        qCWarning(lcLpmSupervisor).noquote() << "not broadcasting" << name << "-"
                                             << LpmIpc::refusalText(*refusal);
        return false;
    }
    for (LpmWorkerHandle *worker : m_pool->workers())
        worker->sendBroadcast(name, encoded);
    return true;
}

bool LpmEventBridge::broadcast(const QString &name, const QVariant &payload, QTcpServer *server)
{
    if (!server || !server->isListening()) {
        qCWarning(lcLpmSupervisor).noquote() << "not sharing a server for" << name
                                             << "- it is not listening";
        return false;
    }
    if (!m_pool->canHaveLocalWorkers()) {
        qCWarning(lcLpmSupervisor).noquote() << "not sharing a server for" << name
                                             << "- only local workers take one, and every launcher is remote"
                                             << "(UnsupportedOnRemote)";
        return false;
    }
    QByteArray body;
    QString error;
    if (!LpmPayloadCodec::encode(QVariantList{ name, payload }, &body, &error)) {
        qCWarning(lcLpmSupervisor).noquote() << "not sharing a server for" << name
                                             << "- its payload cannot cross processes: it holds" << error;
        return false;
    }
    if (body.size() > LpmFdChannel::MaxBodySize) {
        qCWarning(lcLpmSupervisor).noquote() << "not sharing a server for" << name << "- its payload of"
                                             << body.size() << "bytes is larger than"
                                             << LpmFdChannel::MaxBodySize;
        return false;
    }
    const int fd = ::fcntl(int(server->socketDescriptor()), F_DUPFD_CLOEXEC, 3);
    if (fd < 0) {
        qCWarning(lcLpmSupervisor) << "cannot share a server:" << std::strerror(errno);
        return false;
    }
    server->pauseAccepting(); // every connection is the workers' now
    m_pool->shareServer(body, fd);
    return true;
}
