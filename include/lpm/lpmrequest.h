#pragma once

#include <lpm/lpmglobal.h>

#include <QtCore/qobject.h>
#include <QtCore/quuid.h>
#include <QtCore/qvariant.h>

#include <memory>

class LpmRequestPrivate;
class LpmWorkerPrivate;

QT_BEGIN_NAMESPACE
class QIODevice;
class QTcpSocket;
QT_END_NAMESPACE

// One request received by a worker. Owned by LpmWorker; valid until it is answered
// or canceled (then deleted later), so make it the context of timers and continuations.
class LPM_EXPORT LpmRequest : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QVariant data READ data CONSTANT)
    Q_PROPERTY(QUuid id READ id CONSTANT)
public:
    ~LpmRequest() override;

    QVariant data() const;
    QUuid id() const;
    // When the supervisor enqueued it: nanoseconds on the monotonic clock.
    qint64 createdAt() const;
    bool isAnswered() const;
    // True once the supervisor gave up on this request (it timed out); an answer is
    // then dropped. Long-running handlers may watch canceled() and stop early.
    bool isCanceled() const;

    // The stream the supervisor sent with the request (enqueue(payload, QIODevice *)):
    // an LpmStream, readable as bytes arrive, owned by the request.
    bool hasStream() const;
    QIODevice *stream() const;
    // The connection the supervisor handed over (enqueue(payload, QAbstractSocket *)),
    // connected, with any bytes the supervisor had already read waiting first. It
    // belongs to the worker and is deleted once disconnected; it outlives the request.
    bool hasSocket() const;
    QTcpSocket *socket() const;

    // Sends the answer. Returns false, with a warning under lpm.worker, when the
    // request was already answered or the answer cannot cross the process boundary
    // (the supervisor's future then rejects with NotSerializable).
    bool respond(const QVariant &answer = {});
    // Answers with a stream as well: the supervisor's future resolves once the answer
    // arrives and its LpmResponse::stream() delivers device's bytes after. device must
    // be open for reading and live in the worker's thread; without a parent other than
    // this request, the worker takes it and deletes it when the stream is sent.
    bool respond(const QVariant &answer, QIODevice *device);
    // Answers with nothing: the supervisor's future resolves with a null data().
    bool ack();

Q_SIGNALS:
    void answered();
    // The supervisor gave up on this request. The request is deleted later, as if answered.
    void canceled();

private:
    friend class LpmWorker;
    friend class LpmWorkerPrivate;
    explicit LpmRequest(LpmWorkerPrivate *worker, const QUuid &id, qint64 createdAt,
                        const QVariant &data, QObject *parent);
    Q_DECLARE_PRIVATE(LpmRequest)
    std::unique_ptr<LpmRequestPrivate> d_ptr;
};
