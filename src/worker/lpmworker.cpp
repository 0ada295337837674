#include "lpmworker_p.h"

#include "lpmchannel_p.h"
#include "lpmclock_p.h"
#include "lpmfdchannel_p.h"
#include "lpmlogging_p.h"
#include "lpmmessage_p.h"
#include "lpmpayloadcodec_p.h"
#include "lpmrequest_p.h"
#include "lpmstream_p.h"
#include "lpmstreampump_p.h"
#include "lpmuuid_p.h"

#include <lpm/lpmerror.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qthread.h>
#include <QtNetwork/qtcpserver.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace LpmIpc;

namespace {
constexpr int HealthReportMs = 500;
// Room for a response frame's own fields around the answer.
constexpr qsizetype AnswerOverhead = 64;
} // namespace

/*!
    \class LpmWorker
    \inmodule Lpm
    \brief The worker process's side of an LpmSupervisor pool.

    \code
    int main(int argc, char **argv)
    {
        QCoreApplication app(argc, argv);
        LpmWorker *worker = LpmWorker::instance();
        QObject::connect(worker, &LpmWorker::request, [](LpmRequest *req) {
            req->respond(QVariantMap{{"echo", req->data()}});
        });
        worker->ready();
        return app.exec();
    }
    \endcode

    The worker exits (QCoreApplication::exit(0)) when its channel to the supervisor
    closes, and the kernel kills it if the supervisor dies, so no worker outlives
    its pool.
*/

LpmWorkerPrivate::LpmWorkerPrivate(LpmWorker *q) : q_ptr(q) { }

int LpmWorkerPrivate::inheritedSocket(const char *variable)
{
    bool ok = false;
    const int fd = qEnvironmentVariableIntValue(variable, &ok);
    qunsetenv(variable);
    struct stat info;
    if (!ok || fd < 0 || ::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode))
        return -1;
    ::fcntl(fd, F_SETFD, FD_CLOEXEC); // our own children must not inherit it
    return fd;
}

int LpmWorkerPrivate::channelDescriptor()
{
    static const int descriptor = inheritedSocket(ChannelFdVariable);
    return descriptor;
}

void LpmWorkerPrivate::openChannel()
{
    Q_Q(LpmWorker);
    const int descriptor = channelDescriptor();
    if (descriptor < 0)
        return;
    channel = new LpmChannel(descriptor, q);
    QObject::connect(channel, &LpmChannel::messageReceived, q,
                     [this](const Message &message) { onMessage(message); });
    QObject::connect(channel, &LpmChannel::protocolError, q, [](const QString &reason) {
        qCCritical(lcLpmWorker).noquote() << "protocol error on the supervisor's channel:"
                                          << reason << "- exiting";
        QCoreApplication::exit(3);
    });
    QObject::connect(channel, &LpmChannel::disconnected, q, [this] {
        qCDebug(lcLpmWorker) << "the supervisor closed the channel - exiting";
        rejectPendingEvents();
        attachments.failStreams(QStringLiteral("The supervisor went away."));
        QCoreApplication::exit(0);
    });
    const int descriptorChannel = inheritedSocket(DescriptorChannelFdVariable);
    if (descriptorChannel >= 0) {
        descriptors = new LpmFdChannel(descriptorChannel, q);
        QObject::connect(descriptors, &LpmFdChannel::received, q,
                         [this](const LpmFdChannel::Message &message, int fd) {
                             onDescriptor(message.id, message.body, int(message.kind), fd);
                         });
    }
    healthTimer.setInterval(HealthReportMs);
    QObject::connect(&healthTimer, &QTimer::timeout, q, [this] { sendHealth(); });
    healthTimer.start();
}

void LpmWorkerPrivate::onMessage(const Message &message)
{
    Q_Q(LpmWorker);
    switch (message.type) {
    case MessageType::Request:
        break;
    case MessageType::Cancel:
        onCancel(message.id);
        return;
    case MessageType::SoftKill:
        onSoftKill();
        return;
    case MessageType::HardKill:
        onHardKill();
        return;
    case MessageType::EventReply:
    case MessageType::EventReject:
        settleEvent(message);
        return;
    case MessageType::Broadcast:
        Q_EMIT q->eventReceived(message.name, message.payload);
        return;
    case MessageType::StreamEnd:
        attachments.endStream(message.id, message.errorCode == 0, message.errorDetail);
        return;
    default:
        qCWarning(lcLpmWorker) << "ignoring a" << typeName(message.type)
                               << "message, which only a worker sends";
        return;
    }
    if (ongoing.contains(message.id) || awaitingDescriptor.contains(message.id)) {
        qCWarning(lcLpmWorker) << "ignoring a second request with id" << message.id;
        return;
    }
    if (message.attachment == Attachment::None) {
        deliverRequest(message, -1);
        return;
    }
    const int fd = attachments.takeDescriptor(message.id);
    if (fd < 0)
        awaitingDescriptor.insert(message.id, message); // it is on its way
    else
        deliverRequest(message, fd);
}

void LpmWorkerPrivate::deliverRequest(const Message &message, int fd)
{
    Q_Q(LpmWorker);
    // No QObject parent: the table of ongoing requests owns them. As children of the
    // worker, each would cost a walk of its child list when deleted (measured: a sixth
    // of a worker's time under load).
    auto *request = new LpmRequest(this, message.id, message.createdAt, message.payload, nullptr);
    if (message.attachment == Attachment::Socket) {
        attachSocket(request, message.prelude, fd);
    } else if (message.attachment == Attachment::Stream) {
        LpmStream *stream = LpmStreamPrivate::create(fd, request);
        request->d_func()->stream = stream;
        attachments.addStream(message.id, stream);
    }
    ongoing.insert(message.id, request);
    Q_EMIT q->request(request);
}

void LpmWorkerPrivate::attachSocket(LpmRequest *request, const QByteArray &prelude, int fd)
{
    Q_Q(LpmWorker);
    auto *socket = new QTcpSocket(q);
    const QUuid id = request->id();
    auto reportClosed = [this, id, reported = std::make_shared<bool>(false)] {
        if (*reported || !channel)
            return;
        *reported = true;
        Message closed;
        closed.type = MessageType::SocketClosed;
        closed.id = id;
        channel->send(closed);
    };
    QObject::connect(socket, &QObject::destroyed, q, reportClosed);
    QObject::connect(socket, &QAbstractSocket::disconnected, q, [socket, reportClosed] {
        reportClosed();
        socket->deleteLater();
    });
    if (!socket->setSocketDescriptor(fd)) {
        qCWarning(lcLpmWorker) << "cannot adopt a handed-over connection:" << socket->errorString();
        ::close(fd);
        delete socket;
        return;
    }
    // Bytes the supervisor had already read come first, as if never taken out.
    for (qsizetype i = prelude.size() - 1; i >= 0; --i)
        socket->ungetChar(prelude.at(i));
    if (!prelude.isEmpty())
        QMetaObject::invokeMethod(socket, [socket] { Q_EMIT socket->readyRead(); }, Qt::QueuedConnection);
    request->d_func()->socket = socket;
    request->d_func()->hadSocket = true;
}

bool LpmWorkerPrivate::sendAnswer(LpmRequest *request, const QVariant &answer, QIODevice *device)
{
    ongoing.remove(request->id());
    if (exitWhenIdle && ongoing.isEmpty()) // after this answer has been written
        QMetaObject::invokeMethod(q_ptr, [this] { exitIfIdle(); }, Qt::QueuedConnection);
    if (!channel)
        return false;
    Message response;
    response.type = MessageType::Response;
    response.id = request->id();
    QString error;
    LpmError::Code failure = LpmError::Code::NotSerializable;
    if (device && (!device->isOpen() || !device->isReadable() || device->thread() != q_ptr->thread())) {
        qCWarning(lcLpmWorker) << "cannot answer with a stream that is not open for reading in"
                                  " the worker's thread - answering without it";
        device = nullptr;
    }
    if (LpmPayloadCodec::encode(answer, &response.encodedPayload, &error)) {
        if (response.encodedPayload.size() <= MaxFrameSize - AnswerOverhead) {
            if (device)
                startStreamBack(request, device, &response);
            channel->send(response);
            scheduleHealthReport();
            return true;
        }
        failure = LpmError::Code::PayloadTooLarge;
        error = QStringLiteral("%1 bytes encoded, at most %2")
                        .arg(response.encodedPayload.size())
                        .arg(MaxFrameSize - AnswerOverhead);
    }
    // The supervisor still learns that the request ended, and why.
    qCWarning(lcLpmWorker).noquote() << "cannot send the answer to request"
                                     << request->id().toString(QUuid::WithoutBraces) << ":"
                                     << error;
    Message rejection;
    rejection.type = MessageType::ResponseError;
    rejection.id = request->id();
    rejection.errorCode = int(failure);
    rejection.errorDetail = error;
    channel->send(rejection);
    return false;
}

void LpmWorkerPrivate::scheduleHealthReport()
{
    // After an answer, but once per event-loop pass: a burst of answers costs one report.
    if (healthReportPending)
        return;
    healthReportPending = true;
    QMetaObject::invokeMethod(q_ptr, [this] { sendHealth(); }, Qt::QueuedConnection);
}

void LpmWorkerPrivate::sendHealth()
{
    healthReportPending = false;
    if (!channel)
        return;
    const LpmHealthProbe::Sample sample = probe.sample();
    Message health;
    health.type = MessageType::Health;
    health.rss = sample.rss;
    health.heapTotal = sample.heapTotal;
    health.heapUsed = sample.heapUsed;
    channel->send(health);
}

void LpmWorkerPrivate::startStreamBack(LpmRequest *request, QIODevice *device, Message *response)
{
    Q_Q(LpmWorker);
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
        qCWarning(lcLpmWorker) << "cannot create a stream back:" << std::strerror(errno);
        return;
    }
    const QUuid id = request->id();
    LpmFdChannel::Message handOver;
    handOver.kind = LpmFdChannel::Kind::StreamBack;
    handOver.id = id;
    descriptors->send(handOver, ends[1]);
    response->attachment = Attachment::Stream;

    auto *pump = new LpmStreamPump(device, ends[0], q);
    if (!device->parent() || device->parent() == request)
        device->setParent(pump); // ours until the stream is sent
    ++outgoingStreams;
    QObject::connect(pump, &LpmStreamPump::finished, q, [this, id, pump](bool ok, const QString &error) {
        if (channel)
            channel->send(streamEndMessage(id, ok, int(LpmError::Code::StreamFailed), error));
        pump->deleteLater();
        --outgoingStreams;
        exitIfIdle();
    });
    pump->start();
}

void LpmWorkerPrivate::onDescriptor(const QUuid &id, const QByteArray &body, int kind, int fd)
{
    if (kind == int(LpmFdChannel::Kind::Server)) {
        adoptServer(body, fd);
        return;
    }
    const bool expected = kind == int(LpmFdChannel::Kind::Socket)
            || kind == int(LpmFdChannel::Kind::StreamIn);
    if (!expected || fd < 0 || unwantedDescriptors.remove(id)) {
        if (!expected)
            qCWarning(lcLpmWorker) << "ignoring an unexpected message on the descriptor channel";
        if (fd >= 0)
            ::close(fd);
        return;
    }
    const auto waiting = awaitingDescriptor.find(id);
    if (waiting == awaitingDescriptor.end()) {
        attachments.holdDescriptor(id, fd); // the request is on its way
        return;
    }
    const Message message = waiting.value();
    awaitingDescriptor.erase(waiting);
    deliverRequest(message, fd);
}

void LpmWorkerPrivate::adoptServer(const QByteArray &body, int fd)
{
    Q_Q(LpmWorker);
    QVariant decoded;
    QString error;
    const QVariantList fields = LpmPayloadCodec::decode(body, &decoded, &error)
            ? decoded.toList()
            : QVariantList();
    if (fields.size() != 2 || fd < 0) {
        qCWarning(lcLpmWorker) << "ignoring an unexpected message on the descriptor channel";
        if (fd >= 0)
            ::close(fd);
        return;
    }
    const QString name = fields.at(0).toString();
    if (!q->isSignalConnected(QMetaMethod::fromSignal(&LpmWorker::serverReceived))) {
        qCWarning(lcLpmWorker).noquote() << "a server was shared for" << name
                                         << "but nothing is connected to serverReceived()";
        ::close(fd);
        return;
    }
    auto *server = new QTcpServer(q);
    if (!server->setSocketDescriptor(fd)) {
        qCWarning(lcLpmWorker).noquote() << "cannot adopt the server shared for" << name << ":"
                                         << server->errorString();
        ::close(fd);
        delete server;
        return;
    }
    Q_EMIT q->serverReceived(name, fields.at(1), server);
}

void LpmWorkerPrivate::sendEventNow(const QUuid &id, const QString &name,
                                    const QByteArray &encodedPayload, qint64 createdAt)
{
    Message event;
    event.type = MessageType::Event;
    event.id = id;
    event.createdAt = createdAt;
    event.name = name;
    event.encodedPayload = encodedPayload;
    channel->send(event);
}

void LpmWorkerPrivate::settleEvent(const Message &message)
{
    const auto it = pendingEvents.find(message.id);
    if (it == pendingEvents.end()) {
        qCWarning(lcLpmWorker) << "ignoring an answer to unknown event" << message.id;
        return;
    }
    std::unique_ptr<QPromise<QVariant>> promise = std::move(it->second);
    pendingEvents.erase(it);
    if (message.type == MessageType::EventReply) {
        promise->addResult(message.payload);
    } else {
        const auto code = LpmError::Code(message.errorCode);
        const bool known = code == LpmError::Code::NotSerializable || code == LpmError::Code::NoAnswer;
        promise->setException(LpmError(known ? code : LpmError::Code::ProtocolError, message.errorDetail));
    }
    promise->finish();
}

void LpmWorkerPrivate::rejectPendingEvents()
{
    auto pending = std::move(pendingEvents);
    pendingEvents.clear();
    for (auto &entry : pending) {
        entry.second->setException(LpmError(LpmError::Code::ChannelClosed));
        entry.second->finish();
    }
}

void LpmWorkerPrivate::onCancel(const QUuid &id)
{
    if (awaitingDescriptor.remove(id)) {
        // Never delivered; its descriptor may still come and must then be closed.
        if (attachments.takeDescriptor(id) < 0)
            unwantedDescriptors.insert(id);
        return;
    }
    LpmRequest *request = ongoing.take(id);
    if (!request)
        return; // answered meanwhile: the supervisor drops that answer
    qCDebug(lcLpmWorker) << "request" << id << "was canceled by the supervisor";
    request->d_func()->canceled = true;
    Q_EMIT request->canceled();
    request->deleteLater();
    if (exitWhenIdle)
        exitIfIdle();
}

void LpmWorkerPrivate::onSoftKill()
{
    softKillPending = true;
    proceedWithSoftKill();
}

void LpmWorkerPrivate::proceedWithSoftKill()
{
    Q_Q(LpmWorker);
    if (!softKillPending || !ready || softKillStarted || exitWhenIdle)
        return; // a busy() worker stays until it is ready() again
    if (q->isSignalConnected(QMetaMethod::fromSignal(&LpmWorker::softKillRequested))) {
        softKillStarted = true;
        Q_EMIT q->softKillRequested(); // the handler calls softKillDone() when it is done
        return;
    }
    exitWhenIdle = true;
    exitIfIdle();
}

void LpmWorkerPrivate::exitIfIdle()
{
    if (exitWhenIdle && ongoing.isEmpty() && awaitingDescriptor.isEmpty() && outgoingStreams == 0)
        exitProcess();
}

void LpmWorkerPrivate::onHardKill()
{
    Q_Q(LpmWorker);
    Q_EMIT q->hardKillRequested();
    exitProcess();
}

void LpmWorkerPrivate::exitProcess()
{
    if (exiting)
        return;
    exiting = true;
    healthTimer.stop();
    rejectPendingEvents();
    if (channel)
        channel->flushBlocking(1000); // answers given so far must reach the supervisor
    QCoreApplication::exit(0);
}

LpmWorker::LpmWorker() : QObject(QCoreApplication::instance()), d_ptr(new LpmWorkerPrivate(this))
{
    d_ptr->openChannel();
}

LpmWorker::~LpmWorker()
{
    Q_D(LpmWorker);
    d->rejectPendingEvents();
    const QList<LpmRequest *> unanswered = d->ongoing.values();
    d->ongoing.clear();
    for (LpmRequest *request : unanswered) {
        request->d_func()->worker = nullptr;
        delete request;
    }
}

/*!
    Returns the worker singleton, creating it on first use. A QCoreApplication (or
    QGuiApplication, QApplication) must exist; the worker is its child.
*/
LpmWorker *LpmWorker::instance()
{
    static LpmWorker *worker = nullptr;
    if (!worker) {
        if (!QCoreApplication::instance())
            qFatal("LpmWorker::instance() needs a QCoreApplication; create one first");
        worker = new LpmWorker;
        QObject::connect(worker, &QObject::destroyed, [] { worker = nullptr; });
    }
    return worker;
}

bool LpmWorker::isWorkerProcess()
{
    return LpmWorkerPrivate::channelDescriptor() >= 0;
}

void LpmWorker::ready()
{
    Q_D(LpmWorker);
    if (!d->channel) {
        const QString program = QCoreApplication::applicationFilePath();
        std::fprintf(stderr,
                     "%s: this program is an LPM worker and must be started by an "
                     "LpmSupervisor (no channel in %s).\n",
                     qPrintable(program), ChannelFdVariable);
        std::exit(2);
    }
    d->ready = true;
    Message message;
    message.type = MessageType::Ready;
    d->channel->send(message);
    d->proceedWithSoftKill();
}

void LpmWorker::busy()
{
    Q_D(LpmWorker);
    if (!d->channel)
        return;
    d->ready = false;
    Message message;
    message.type = MessageType::Busy;
    d->channel->send(message);
}

void LpmWorker::softKillDone()
{
    Q_D(LpmWorker);
    if (!d->softKillStarted) {
        qCWarning(lcLpmWorker) << "softKillDone() called, but no soft kill is in progress";
        return;
    }
    d->exitProcess();
}

QFuture<QVariant> LpmWorker::sendEvent(const QString &name, const QVariant &payload)
{
    Q_D(LpmWorker);
    auto promise = std::make_unique<QPromise<QVariant>>();
    promise->start();
    QFuture<QVariant> future = promise->future();
    auto reject = [&promise](LpmError::Code code, const QString &detail) {
        promise->setException(LpmError(code, detail));
        promise->finish();
    };
    QByteArray encoded;
    QString error;
    if (!LpmPayloadCodec::encode(payload, &encoded, &error)) {
        qCWarning(lcLpmWorker).noquote() << "not sending event" << name
                                         << "- its payload cannot cross processes: it holds" << error;
        reject(LpmError::Code::NotSerializable, QStringLiteral("It holds %1.").arg(error));
        return future;
    }
    if (encoded.size() > MaxFrameSize - AnswerOverhead - name.size() * 3) {
        reject(LpmError::Code::PayloadTooLarge, QStringLiteral("%1 bytes encoded.").arg(encoded.size()));
        return future;
    }
    const QUuid id = LpmUuid::createV4();
    const qint64 createdAt = LpmClock::nowNs();
    auto send = [d, id, name, encoded, createdAt, carried = std::make_shared<decltype(promise)>(std::move(promise))] {
        if (!d->channel || !d->channel->isConnected() || d->exiting) {
            (*carried)->setException(LpmError(LpmError::Code::ChannelClosed));
            (*carried)->finish();
            return;
        }
        d->pendingEvents.emplace(id, std::move(*carried));
        d->sendEventNow(id, name, encoded, createdAt);
    };
    if (QThread::currentThread() == thread())
        send();
    else
        QMetaObject::invokeMethod(this, send, Qt::QueuedConnection);
    return future;
}

bool LpmWorker::isReady() const
{
    return d_func()->ready;
}

QList<LpmRequest *> LpmWorker::requests() const
{
    Q_D(const LpmWorker);
    QList<LpmRequest *> list = d->ongoing.values();
    std::sort(list.begin(), list.end(), [](const LpmRequest *a, const LpmRequest *b) {
        return a->createdAt() < b->createdAt();
    });
    return list;
}
