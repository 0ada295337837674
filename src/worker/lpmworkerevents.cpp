#include "lpmworkerevents_p.h"

#include "lpmclock_p.h"
#include "lpmendpoint_p.h"
#include "lpmlogging_p.h"
#include "lpmthreadhop_p.h"
#include "lpmworker_p.h"

namespace {

QFuture<QVariant> rejected(std::unique_ptr<QPromise<QVariant>> promise, const LpmError &error)
{
    QFuture<QVariant> future = promise->future();
    promise->setException(error);
    promise->finish();
    return future;
}

} // namespace

LpmWorkerEvents::~LpmWorkerEvents()
{
    rejectAll(LpmError::Code::ChannelClosed);
}

QFuture<QVariant> LpmWorkerEvents::send(const QString &name, const QVariant &payload)
{
    auto promise = std::make_unique<QPromise<QVariant>>();
    promise->start();
    QFuture<QVariant> future = promise->future();
    QByteArray encoded;
    if (const auto refusal = LpmIpc::encodePayload(payload, name.toUtf8().size(), &encoded)) {
        qCWarning(lcLpmWorker).noquote() << "not sending event" << name << "-"
                                         << LpmIpc::refusalText(*refusal);
        return rejected(std::move(promise), *refusal);
    }
    const QUuid id = LpmUuid::createV4();
    const qint64 createdAt = LpmClock::nowNs();
    auto carried = std::make_shared<std::unique_ptr<QPromise<QVariant>>>(std::move(promise));
    LpmThreadHop::run(m_worker->q_ptr, [this, id, name, encoded, createdAt, carried] {
        LpmEndpoint *endpoint = m_worker->endpoint;
        if (!endpoint || !endpoint->isConnected() || m_worker->exiting) {
            rejected(std::move(*carried), LpmError(LpmError::Code::ChannelClosed));
            return;
        }
        m_pending.emplace(id, std::move(*carried));
        endpoint->send(LpmIpc::Message::event(id, createdAt, name, encoded));
    });
    return future;
}

void LpmWorkerEvents::settle(const LpmIpc::Message &answer)
{
    const auto it = m_pending.find(answer.id);
    if (it == m_pending.end()) {
        qCWarning(lcLpmWorker) << "ignoring an answer to unknown event" << answer.id;
        return;
    }
    std::unique_ptr<QPromise<QVariant>> promise = std::move(it->second);
    m_pending.erase(it);
    if (answer.type == LpmIpc::MessageType::EventReply) {
        promise->addResult(answer.payload);
        promise->finish();
        return;
    }
    const auto code = LpmError::Code(answer.errorCode);
    const bool known = code == LpmError::Code::NotSerializable || code == LpmError::Code::NoAnswer
            || code == LpmError::Code::PayloadTooLarge;
    rejected(std::move(promise), LpmError(known ? code : LpmError::Code::ProtocolError, answer.errorDetail));
}

void LpmWorkerEvents::rejectAll(LpmError::Code code)
{
    auto pending = std::exchange(m_pending, {});
    for (auto &entry : pending)
        rejected(std::move(entry.second), LpmError(code));
}
