#include "lpmworker_p.h"

#include "lpmchannel_p.h"
#include "lpmlogging_p.h"
#include "lpmmessage_p.h"
#include "lpmpayloadcodec_p.h"
#include "lpmrequest_p.h"

#include <lpm/lpmerror.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qmetaobject.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <fcntl.h>
#include <sys/stat.h>

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

int LpmWorkerPrivate::channelDescriptor()
{
    static const int descriptor = [] {
        bool ok = false;
        const int fd = qEnvironmentVariableIntValue(ChannelFdVariable, &ok);
        qunsetenv(ChannelFdVariable);
        struct stat info;
        if (!ok || fd < 0 || ::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode))
            return -1;
        // Our own children must not inherit the channel.
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        return fd;
    }();
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
    QObject::connect(channel, &LpmChannel::disconnected, q, [] {
        qCDebug(lcLpmWorker) << "the supervisor closed the channel - exiting";
        QCoreApplication::exit(0);
    });
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
    default:
        qCWarning(lcLpmWorker) << "ignoring a" << typeName(message.type)
                               << "message, which only a worker sends";
        return;
    }
    if (ongoing.contains(message.id)) {
        qCWarning(lcLpmWorker) << "ignoring a second request with id" << message.id;
        return;
    }
    auto *request = new LpmRequest(this, message.id, message.createdAt, message.payload, q);
    ongoing.insert(message.id, request);
    Q_EMIT q->request(request);
}

bool LpmWorkerPrivate::sendAnswer(LpmRequest *request, const QVariant &answer)
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
    if (LpmPayloadCodec::encode(answer, &response.encodedPayload, &error)) {
        if (response.encodedPayload.size() <= MaxFrameSize - AnswerOverhead) {
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

void LpmWorkerPrivate::onCancel(const QUuid &id)
{
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
    if (exitWhenIdle && ongoing.isEmpty())
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
    for (LpmRequest *request : std::as_const(d->ongoing))
        request->d_func()->worker = nullptr;
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
