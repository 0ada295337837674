#include "lpmqmlsupervisor_p.h"

#include "lpmqmlevent_p.h"
#include "lpmqmllogging_p.h"

#include <lpm/lpmerror.h>
#include <lpm/lpmresponse.h>

#include <QtCore/qmetaobject.h>
#include <QtQml/qjsengine.h>

/*!
    \qmltype Supervisor
    \inqmlmodule Lpm
    \brief Keeps a pool of worker processes; the QML face of LpmSupervisor.

    \qml
    import Lpm

    Supervisor {
        id: pool
        program: "/usr/libexec/my-worker"
        count: 2
        Component.onCompleted: start()
        onOnline: pool.enqueue({ "Hello": "World" }, function (answer, error) {
            if (error)
                console.warn(error.code, error.message)
            else
                console.log(JSON.stringify(answer))
        })
    }
    ListView { model: pool.workers; delegate: Text { text: pid + " " + state + " " + rss } }
    \endqml

    The configuration properties are read by start(). Changing them while the pool
    runs takes effect at the next start() after a kill, except \c count, which
    resizes a running pool at once.
*/

namespace {

LpmQmlSupervisor::State fromCore(LpmSupervisor::State state)
{
    switch (state) {
    case LpmSupervisor::State::Stopped:
        return LpmQmlSupervisor::State::Stopped;
    case LpmSupervisor::State::Starting:
        return LpmQmlSupervisor::State::Starting;
    case LpmSupervisor::State::Online:
        return LpmQmlSupervisor::State::Online;
    case LpmSupervisor::State::Draining:
        return LpmQmlSupervisor::State::Draining;
    case LpmSupervisor::State::Stopping:
        return LpmQmlSupervisor::State::Stopping;
    }
    return LpmQmlSupervisor::State::Stopped;
}

} // namespace

LpmQmlSupervisor::LpmQmlSupervisor(QObject *parent)
    : QObject(parent), m_workers(new LpmWorkerModel(this))
{
}

// Out of line so that the supervisor (and its workers) go before the model.
LpmQmlSupervisor::~LpmQmlSupervisor() = default;

void LpmQmlSupervisor::setProgram(const QString &program)
{
    if (m_config.worker.program == program)
        return;
    m_config.worker.program = program;
    configChanged();
    Q_EMIT programChanged();
}

void LpmQmlSupervisor::setArguments(const QStringList &arguments)
{
    if (m_config.worker.arguments == arguments)
        return;
    m_config.worker.arguments = arguments;
    configChanged();
    Q_EMIT argumentsChanged();
}

/*!
    \qmlproperty int Supervisor::count
    The number of workers. Setting it on a running pool resizes it.
*/
void LpmQmlSupervisor::setCount(int count)
{
    if (count < 1) {
        qCWarning(lcLpmQml) << "Supervisor.count =" << count << "ignored: a pool needs a worker";
        return;
    }
    if (m_config.worker.count == count)
        return;
    m_config.worker.count = count;
    if (m_supervisor)
        m_supervisor->resize(count); // also kept for the next start()
    Q_EMIT countChanged();
}

void LpmQmlSupervisor::setRestarts(int restarts)
{
    if (m_config.worker.restarts == restarts)
        return;
    m_config.worker.restarts = restarts;
    configChanged();
    Q_EMIT restartsChanged();
}

void LpmQmlSupervisor::setMaxRestartsInInterval(int seconds)
{
    if (m_config.worker.maxRestartsInInterval == seconds)
        return;
    m_config.worker.maxRestartsInInterval = seconds;
    configChanged();
    Q_EMIT maxRestartsInIntervalChanged();
}

void LpmQmlSupervisor::setTimeout(int ms)
{
    if (m_config.request.timeout == ms)
        return;
    m_config.request.timeout = ms;
    configChanged();
    Q_EMIT timeoutChanged();
}

void LpmQmlSupervisor::setRetries(int retries)
{
    if (m_config.request.retries == retries)
        return;
    m_config.request.retries = retries;
    configChanged();
    Q_EMIT retriesChanged();
}

bool LpmQmlSupervisor::isOnline() const
{
    return m_state == State::Online;
}

LpmQmlSupervisor::State LpmQmlSupervisor::state() const
{
    return m_state;
}

int LpmQmlSupervisor::queueLength() const
{
    return m_queueLength;
}

/*!
    \qmlmethod void Supervisor::start()
    Spawns \c count workers of \c program; online() follows when all are ready.
*/
void LpmQmlSupervisor::start()
{
    if (m_config.worker.program.isEmpty())
        qCWarning(lcLpmQml) << "Supervisor.start(): no program is set";
    ensureSupervisor()->start();
}

/*!
    \qmlmethod bool Supervisor::broadcast(string name, var payload)
    Sends the event \a name with \a payload to every live worker.
*/
bool LpmQmlSupervisor::broadcast(const QString &name, const QJSValue &payload)
{
    return ensureSupervisor()->broadcast(name, payload.toVariant());
}

/*!
    \qmlmethod void Supervisor::enqueue(var payload, function callback)
    Sends \a payload (a JavaScript value made of objects, arrays, strings, numbers
    and booleans) to a worker. \a callback, if given, is called once as
    \c {callback(answer, null)} with the worker's answer, or as
    \c {callback(undefined, error)} where \c error is \c {{code, message}}: \c code
    is the name of an LpmError::Code such as \c "TimedOut", \c message a translated
    sentence.
*/
void LpmQmlSupervisor::enqueue(const QJSValue &payload, const QJSValue &callback)
{
    const bool hasCallback = callback.isCallable();
    if (!hasCallback && !callback.isUndefined())
        qCWarning(lcLpmQml) << "Supervisor.enqueue(): the callback is not a function; the answer"
                               " will be dropped";
    LpmSupervisor *supervisor = ensureSupervisor();
    QFuture<LpmResponse> future = supervisor->enqueue(payload.toVariant());
    updateQueueLength();
    if (!hasCallback)
        return;
    future.then(this, [this, callback](const LpmResponse &response) {
              QJSEngine *engine = qjsEngine(this);
              if (engine)
                  callBack(callback, engine->toScriptValue(response.data()),
                           QJSValue(QJSValue::NullValue));
          })
            .onFailed(this, [this, callback](const LpmError &error) {
                QJSEngine *engine = qjsEngine(this);
                if (!engine)
                    return;
                QJSValue object = engine->newObject();
                object.setProperty(QStringLiteral("code"),
                                   QString::fromLatin1(QMetaEnum::fromType<LpmError::Code>()
                                                               .valueToKey(int(error.code()))));
                object.setProperty(QStringLiteral("message"), error.message());
                callBack(callback, QJSValue(), object);
            });
}

/*!
    \qmlmethod void Supervisor::softKill()
    Refuses new work, lets accepted work finish, then stops every worker.
*/
void LpmQmlSupervisor::softKill()
{
    if (m_supervisor)
        m_supervisor->softKill();
}

/*!
    \qmlmethod void Supervisor::hardKill()
    Rejects everything pending and stops every worker now.
*/
void LpmQmlSupervisor::hardKill()
{
    if (m_supervisor)
        m_supervisor->hardKill();
}

/*!
    \qmlmethod void Supervisor::resize(int count)
    Grows or shrinks the pool to \a count workers; the same as setting \c count.
*/
void LpmQmlSupervisor::resize(int count)
{
    setCount(count);
}

LpmSupervisor *LpmQmlSupervisor::ensureSupervisor()
{
    if (m_supervisor
        && (!m_configChanged || m_supervisor->state() != LpmSupervisor::State::Stopped))
        return m_supervisor.get();
    if (m_supervisor)
        qCDebug(lcLpmQml) << "configuration changed: building a new supervisor";
    m_workers->setSupervisor(nullptr);
    m_supervisor = std::make_unique<LpmSupervisor>(m_config);
    m_configChanged = false;
    LpmSupervisor *supervisor = m_supervisor.get();
    connect(supervisor, &LpmSupervisor::stateChanged, this, &LpmQmlSupervisor::updateState);
    connect(supervisor, &LpmSupervisor::healthUpdated, this, &LpmQmlSupervisor::updateQueueLength);
    connect(supervisor, &LpmSupervisor::online, this, &LpmQmlSupervisor::online);
    connect(supervisor, &LpmSupervisor::childSpawned, this, &LpmQmlSupervisor::childSpawned);
    connect(supervisor, &LpmSupervisor::eventReceived, this,
            [this](const QString &name, const LpmEvent &event) {
                auto *wrapped = new LpmQmlEvent(event);
                QJSEngine::setObjectOwnership(wrapped, QJSEngine::JavaScriptOwnership);
                Q_EMIT eventReceived(name, wrapped);
            });
    connect(supervisor, &LpmSupervisor::restartLimitReached, this,
            &LpmQmlSupervisor::restartLimitReached);
    connect(supervisor, &LpmSupervisor::workerExited, this, [this](const LpmWorkerExit &exit) {
        const bool signaled = exit.signal() != 0;
        Q_EMIT workerExited(exit.pid(), signaled ? exit.signal() : exit.exitCode(), signaled,
                            QString::fromLatin1(QMetaEnum::fromType<LpmWorkerExit::Reason>().valueToKey(
                                    int(exit.reason()))));
    });
    connect(supervisor, &LpmSupervisor::errorOccurred, this, [this, supervisor] {
        m_errorString = supervisor->errorString();
        Q_EMIT errorOccurred(m_errorString);
    });
    m_workers->setSupervisor(supervisor);
    updateState();
    return supervisor;
}

void LpmQmlSupervisor::configChanged()
{
    m_configChanged = true;
}

void LpmQmlSupervisor::updateState()
{
    const State newState = m_supervisor ? fromCore(m_supervisor->state()) : State::Stopped;
    updateQueueLength();
    if (newState == m_state)
        return;
    const bool wasOnline = isOnline();
    m_state = newState;
    Q_EMIT stateChanged();
    if (wasOnline != isOnline())
        Q_EMIT onlineChanged();
}

void LpmQmlSupervisor::updateQueueLength()
{
    const int length = m_supervisor ? m_supervisor->queueLength() : 0;
    if (length == m_queueLength)
        return;
    m_queueLength = length;
    Q_EMIT queueLengthChanged();
}

void LpmQmlSupervisor::callBack(QJSValue callback, const QJSValue &answer, const QJSValue &error)
{
    updateQueueLength();
    const QJSValue result = callback.call({ answer, error });
    if (result.isError())
        qCWarning(lcLpmQml).noquote() << "an enqueue() callback threw:" << result.toString();
}
