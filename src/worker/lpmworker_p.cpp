#include "lpmworker_p.h"

#include "lpmfdchannel_p.h"
#include "lpmforktemplate_p.h"
#include "lpmlogging_p.h"
#include "lpmmessage_p.h"
#include "lpmpayloadcodec_p.h"
#include "lpmpipedevice_p.h"
#include "lpmrequest_p.h"
#include "lpmsharedring_p.h"

#include <lpm/lpmerror.h>
#include <lpm/lpmstream.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qmetaobject.h>
#include <QtNetwork/qtcpserver.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace LpmIpc;

namespace {
constexpr int HealthReportMs = 500;
} // namespace

LpmWorkerPrivate::LpmWorkerPrivate(LpmWorker *q) : q_ptr(q), events(this) { }

int LpmWorkerPrivate::inheritedDescriptor(const char *variable, mode_t type)
{
    bool ok = false;
    const int fd = qEnvironmentVariableIntValue(variable, &ok);
    qunsetenv(variable);
    struct stat info;
    if (!ok || fd < 0 || ::fstat(fd, &info) != 0 || (info.st_mode & S_IFMT) != type)
        return -1;
    ::fcntl(fd, F_SETFD, FD_CLOEXEC); // our own children must not inherit it
    return fd;
}

namespace {
// A remote worker's channel is its stdin and stdout: they are moved out of the way,
// and whatever the program prints on stdout goes to stderr, which its launcher relays,
// instead of into the frames. stdin reads nothing.
LpmWorkerPrivate::InheritedChannel takeStdio()
{
    LpmWorkerPrivate::InheritedChannel channel;
    channel.stdioIn = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
    channel.stdioOut = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (channel.stdioIn < 0 || channel.stdioOut < 0) {
        std::fprintf(stderr, "lpm: cannot take the channel from stdin and stdout: %s\n",
                     std::strerror(errno));
        std::exit(2);
    }
    // A launcher that merged stderr into stdout would have it write into the frames
    // too: then neither goes anywhere.
    struct stat out, err;
    const bool merged = ::fstat(STDOUT_FILENO, &out) == 0 && ::fstat(STDERR_FILENO, &err) == 0
            && out.st_dev == err.st_dev && out.st_ino == err.st_ino;
    const int nothing = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (merged && nothing >= 0)
        ::dup2(nothing, STDERR_FILENO);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    std::fflush(stdout); // what was printed before now goes to stderr, not the channel
    if (nothing >= 0) {
        ::dup2(nothing, STDIN_FILENO);
        ::close(nothing);
    }
    return channel;
}
} // namespace

const LpmWorkerPrivate::InheritedChannel &LpmWorkerPrivate::inheritedChannel()
{
    static const InheritedChannel channel = [] {
        InheritedChannel found;
        if (qgetenv(ChannelFdVariable) == StdioChannel) {
            qunsetenv(ChannelFdVariable);
            found = takeStdio();
        } else {
            found.control = inheritedDescriptor(ChannelFdVariable, S_IFSOCK);
        }
        found.token = qgetenv(PoolTokenVariable);
        qunsetenv(PoolTokenVariable);
        return found;
    }();
    return channel;
}

// --- bootstrap ------------------------------------------------------------------

void LpmWorkerPrivate::openEndpoint()
{
    Q_Q(LpmWorker);
    const InheritedChannel &channel = inheritedChannel();
    if (!channel.exists())
        return;
    // However the event loop ends (quit() from a handler too), what was sent goes out.
    QObject::connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, q,
                     [this] { flushLastWords(); });
    healthTimer.setInterval(HealthReportMs);
    QObject::connect(&healthTimer, &QTimer::timeout, q, [this] { sendHealth(); });
    if (channel.stdioIn >= 0) { // remote: no descriptors, no shared memory, no forks
        endpoint = new LpmEndpoint(new LpmPipeDevice(channel.stdioIn, channel.stdioOut), q, { channel.token });
        connectEndpoint();
        healthTimer.start();
        return;
    }
    const int descriptors = inheritedDescriptor(DescriptorChannelFdVariable, S_IFSOCK);
    const int ringToWorker = inheritedDescriptor(RingToWorkerFdVariable, S_IFREG);
    const int ringFromWorker = inheritedDescriptor(RingFromWorkerFdVariable, S_IFREG);
    if (LpmForkTemplate::isRequested()) {
        // The template's descriptor channel carries fork records, which serveForks()
        // reads itself; its message channel stays quiet until then.
        templateSocket = descriptors;
        attachEndpoint(channel.control, -1, ringToWorker, ringFromWorker);
        return;
    }
    attachEndpoint(channel.control, descriptors, ringToWorker, ringFromWorker);
    healthTimer.start();
}

void LpmWorkerPrivate::attachEndpoint(int control, int descriptors, int ringToWorker, int ringFromWorker)
{
    Q_Q(LpmWorker);
    endpoint = new LpmEndpoint(control, descriptors, q, { inheritedChannel().token });
    if (ringToWorker >= 0 && ringFromWorker >= 0) {
        std::unique_ptr<LpmSharedRing> incoming = LpmSharedRing::attach(ringToWorker);
        std::unique_ptr<LpmSharedRing> outgoing = LpmSharedRing::attach(ringFromWorker);
        if (incoming && outgoing) {
            // The supervisor's ring is ours to read now; it writes into it once told.
            endpoint->setRings(std::move(outgoing), std::move(incoming));
            endpoint->enableOutgoingRing();
            endpoint->send(Message::control(MessageType::RingsMapped));
        } else {
            qCWarning(lcLpmWorker) << "cannot map the shared memory; large payloads cross the socket";
        }
    }
    for (const int fd : { ringToWorker, ringFromWorker }) { // mapped: the descriptors are not needed
        if (fd >= 0)
            ::close(fd);
    }
    connectEndpoint();
}

void LpmWorkerPrivate::connectEndpoint()
{
    Q_Q(LpmWorker);
    QObject::connect(endpoint, &LpmEndpoint::messageReceived, q,
                     [this](const Message &message, const LpmEndpoint::Attached &attached) {
                         onMessage(message, attached);
                     });
    QObject::connect(endpoint, &LpmEndpoint::serverReceived, q,
                     [this](const QByteArray &body, int fd) { adoptServer(body, fd); });
    QObject::connect(endpoint, &LpmEndpoint::outgoingStreamFinished, q, [this] { exitIfIdle(); });
    QObject::connect(endpoint, &LpmEndpoint::aboutToFlush, q, [this] { sendPendingHealth(); });
    QObject::connect(endpoint, &LpmEndpoint::protocolError, q, [](const QString &reason) {
        qCCritical(lcLpmWorker).noquote() << "protocol error on the supervisor's channel:"
                                          << reason << "- exiting";
        QCoreApplication::exit(3);
    });
    QObject::connect(endpoint, &LpmEndpoint::disconnected, q, [this] {
        qCDebug(lcLpmWorker) << "the supervisor closed the channel - exiting";
        events.rejectAll(LpmError::Code::ChannelClosed);
        QCoreApplication::exit(0);
    });
}

void LpmWorkerPrivate::serveForks()
{
    const int socket = std::exchange(templateSocket, -1);
    const LpmForkTemplate::ChildChannels channels = LpmForkTemplate::serve(socket);
    // A forked worker: the template's channel is the template's, not ours, and events
    // sent on it before ready() will never be answered here.
    events.rejectAll(LpmError::Code::ChannelClosed);
    LpmEndpoint *old = endpoint;
    endpoint = nullptr;
    QObject::disconnect(old, nullptr, q_ptr, nullptr);
    delete old;
    attachEndpoint(channels.control, channels.descriptors, channels.ringToWorker, channels.ringFromWorker);
    healthTimer.start();
}

void LpmWorkerPrivate::onMessage(const Message &message, const LpmEndpoint::Attached &attached)
{
    Q_Q(LpmWorker);
    switch (message.type) {
    case MessageType::Request:
        deliverRequest(message, attached);
        return;
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
        events.settle(message);
        return;
    case MessageType::Broadcast:
        Q_EMIT q->eventReceived(message.name, message.payload);
        return;
    case MessageType::Ping: // the event loop runs: that is all a heartbeat asks
        endpoint->send(Message::control(MessageType::Pong));
        return;
    default:
        break;
    }
    delete attached.stream;
    if (attached.socket >= 0)
        ::close(attached.socket);
    qCWarning(lcLpmWorker) << "ignoring a" << typeName(message.type) << "message, which only a worker sends";
}

void LpmWorkerPrivate::deliverRequest(const Message &message, const LpmEndpoint::Attached &attached)
{
    Q_Q(LpmWorker);
    if (ongoing.contains(message.id)) {
        qCWarning(lcLpmWorker) << "ignoring a second request with id" << message.id;
        delete attached.stream;
        if (attached.socket >= 0)
            ::close(attached.socket);
        return;
    }
    // No QObject parent: the table of ongoing requests owns them. As children of the
    // worker, each would cost a walk of its child list when deleted (measured: a sixth
    // of a worker's time under load).
    auto *request = new LpmRequest(this, message.id, message.createdAt, message.payload, nullptr);
    if (attached.stream)
        request->d_func()->attachStream(attached.stream);
    if (attached.socket >= 0)
        request->d_func()->attachSocket(attached.socket, message.prelude, endpoint, q);
    ongoing.insert(message.id, request);
    Q_EMIT q->request(request);
}

void LpmWorkerPrivate::adoptServer(const QByteArray &body, int fd)
{
    Q_Q(LpmWorker);
    QVariant decoded;
    QString error;
    const QVariantList fields = LpmPayloadCodec::decode(body, &decoded, &error) ? decoded.toList()
                                                                               : QVariantList();
    if (fields.size() != 2) {
        qCWarning(lcLpmWorker) << "ignoring an unexpected message on the descriptor channel";
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

void LpmWorkerPrivate::onCancel(const QUuid &id)
{
    // The supervisor hears back exactly once per canceled request: the answer already
    // on its way, or this word that it was dropped.
    if (endpoint->discard(id)) { // never delivered: its socket had not come yet
        endpoint->send(Message::canceled(id));
        return;
    }
    LpmRequest *request = ongoing.take(id);
    if (!request)
        return; // answered meanwhile: the supervisor drops that answer
    endpoint->send(Message::canceled(id));
    request->d_func()->cancel();
    if (exitWhenIdle)
        exitIfIdle();
}

// --- answers --------------------------------------------------------------------

bool LpmWorkerPrivate::sendAnswer(LpmRequest *request, const QVariant &answer, QIODevice *device)
{
    ongoing.remove(request->id());
    if (exitWhenIdle && ongoing.isEmpty()) // after this answer has been written
        QMetaObject::invokeMethod(q_ptr, [this] { exitIfIdle(); }, Qt::QueuedConnection);
    if (!endpoint)
        return false;
    if (device && (!device->isOpen() || !device->isReadable() || device->thread() != q_ptr->thread())) {
        qCWarning(lcLpmWorker) << "cannot answer with a stream that is not open for reading in"
                                  " the worker's thread - answering without it";
        device = nullptr;
    }
    QByteArray encoded;
    LpmPayloadCodec::Blobs blobs;
    std::optional<LpmError> refusal = encodePayload(answer, 0, &encoded, &blobs);
    if (!refusal) {
        const Message response = Message::response(request->id(), encoded, blobs);
        QString error;
        if (device) {
            // Without a parent of its own, it is ours until its bytes are sent.
            const bool adopt = !device->parent() || device->parent() == request;
            if (endpoint->sendWithStream(response, device,
                                         adopt ? LpmEndpoint::Source::Owned : LpmEndpoint::Source::Borrowed,
                                         &error)) {
                scheduleHealthReport();
                return true;
            }
            refusal = LpmError(LpmError::Code::StreamFailed, error);
        } else if (endpoint->send(response, &error)) {
            scheduleHealthReport();
            return true;
        } else {
            refusal = LpmError(LpmError::Code::PayloadTooLarge, error);
        }
    }
    // The supervisor still learns that the request ended, and why.
    qCWarning(lcLpmWorker).noquote() << "cannot send the answer to request"
                                     << request->id().toString(QUuid::WithoutBraces) << ":"
                                     << refusal->detail();
    endpoint->send(Message::responseError(request->id(), int(refusal->code()), refusal->detail()));
    return false;
}

void LpmWorkerPrivate::deleteLater(LpmRequest *request)
{
    // The batch's own deleteLater() keeps its semantics: nothing is deleted before
    // control returns to the event loop it was called from (or an outer one).
    if (!answeredBatch) {
        answeredBatch = new QObject;
        answeredBatch->deleteLater();
    }
    request->setParent(answeredBatch);
}

void LpmWorkerPrivate::scheduleHealthReport()
{
    // After an answer, once per write: it goes out with the answers of its event-loop
    // pass, in the same system call (aboutToFlush()). Posted from here instead, it cost
    // the supervisor a second wake-up per request, and this loop a pass of its own;
    // only a channel that announces no flushes still needs that.
    if (healthReportPending)
        return;
    healthReportPending = true;
    if (!endpoint->announcesFlushes()) {
        QMetaObject::invokeMethod(q_ptr, [this] { sendPendingHealth(); }, Qt::QueuedConnection);
    }
}

void LpmWorkerPrivate::sendPendingHealth()
{
    if (healthReportPending)
        sendHealth();
}

void LpmWorkerPrivate::sendHealth()
{
    healthReportPending = false;
    if (!endpoint)
        return;
    const LpmHealthProbe::Sample sample = probe.sample();
    endpoint->send(Message::health(sample.rss, sample.heapTotal, sample.heapUsed));
}

// --- stopping -------------------------------------------------------------------

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
    if (exitWhenIdle && ongoing.isEmpty() && (!endpoint || endpoint->outgoingStreamCount() == 0))
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
    events.rejectAll(LpmError::Code::ChannelClosed);
    flushLastWords();
    QCoreApplication::exit(0);
}

void LpmWorkerPrivate::flushLastWords()
{
    if (endpoint)
        endpoint->flushBlocking(ExitFlushMs);
}
