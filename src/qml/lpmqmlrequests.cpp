#include "lpmqmlrequests_p.h"

#include "lpmqmllogging_p.h"

#include <lpm/lpmsupervisor.h>

#include <QtCore/qmetaobject.h>
#include <QtQml/qqmlengine.h>
#include <QtQml/qjsvalueiterator.h>

/*
    Every reply ends once: settle() takes it out of m_pending before any user code
    runs, and only what is still there is settled, by the future's continuation or by
    rejectAll(), whichever comes first. The continuation's context is this object, so
    it runs in this thread. In Qt 6.4 a continuation whose context has gone asserts:
    the owner destroys its supervisor, which ends every future, before this object.
*/

namespace {

QJSValue errorObject(QJSEngine *engine, const LpmError &error)
{
    QJSValue object = engine->newObject();
    object.setProperty(QStringLiteral("code"),
                       QString::fromLatin1(QMetaEnum::fromType<LpmError::Code>().valueToKey(
                               int(error.code()))));
    object.setProperty(QStringLiteral("message"), error.message());
    return object;
}

// enqueue()'s options object; what it cannot use it warns about and leaves out.
LpmRequestOptions requestOptions(const QJSValue &object)
{
    LpmRequestOptions options;
    if (object.isUndefined() || object.isNull())
        return options;
    if (!object.isObject()) {
        qCWarning(lcLpmQml).noquote() << "Supervisor.enqueue(): the options" << object.toString()
                                      << "are neither an object nor a function: ignored";
        return options;
    }
    QJSValueIterator it(object);
    while (it.hasNext()) {
        it.next();
        const QString name = it.name();
        if (name != QLatin1String("priority") && name != QLatin1String("timeout")
            && name != QLatin1String("retries")) {
            qCWarning(lcLpmQml) << "Supervisor.enqueue(): unknown option" << name << "ignored";
            continue;
        }
        if (!it.value().isNumber()) {
            qCWarning(lcLpmQml) << "Supervisor.enqueue(): option" << name << "is not a number: ignored";
            continue;
        }
        const int value = it.value().toInt();
        if (name == QLatin1String("priority"))
            options.priority = value;
        else if (name == QLatin1String("timeout"))
            options.timeout = value;
        else
            options.retries = value;
    }
    return options;
}

} // namespace

LpmQmlRequests::LpmQmlRequests(QObject *owner) : QObject(owner)
{
    Q_ASSERT(owner);
}

QJSValue LpmQmlRequests::enqueue(LpmSupervisor *supervisor, const QJSValue &payload,
                                 const QJSValue &optionsOrCallback, const QJSValue &callback)
{
    const bool hasOptions = !optionsOrCallback.isCallable();
    const QJSValue reply = hasOptions ? callback : optionsOrCallback;
    if (!reply.isCallable() && !reply.isUndefined())
        qCWarning(lcLpmQml) << "Supervisor.enqueue(): the callback is not a function; returning a"
                               " promise instead";
    const LpmRequestOptions options = requestOptions(hasOptions ? optionsOrCallback : QJSValue());
    return track(supervisor->enqueue(payload.toVariant(), options), reply);
}

QJSValue LpmQmlRequests::track(const QFuture<LpmResponse> &future, const QJSValue &callback)
{
    if (!m_engine)
        m_engine = qjsEngine(parent()); // called from JavaScript: it has one
    Reply reply;
    QJSValue promise;
    if (callback.isCallable())
        reply.callback = callback;
    else
        promise = newPromise(&reply);
    const quint64 id = ++m_nextId;
    m_pending.insert(id, reply);
    // A future refused at enqueue() has ended already and settles in here, before the
    // caller holds the promise; its reactions run later all the same.
    QFuture<LpmResponse>(future).then(this, [this, id](const QFuture<LpmResponse> &done) {
        finish(id, done);
    });
    return promise;
}

void LpmQmlRequests::rejectAll(const LpmError &error)
{
    const QList<quint64> ids = m_pending.keys();
    for (const quint64 id : ids)
        settle(id, {}, error);
}

// The engine that enqueued, while it can run code. It is kept, since a Supervisor that
// JavaScript collected finds no engine through qjsEngine() as it goes, though the
// engine is whole. A QQmlEngine being destroyed drops its root context, then, down
// to a plain QJSEngine, deletes the objects JavaScript owns: it runs no code by then.
QJSEngine *LpmQmlRequests::engine() const
{
    const auto *engine = qobject_cast<const QQmlEngine *>(m_engine.data());
    return engine && engine->rootContext() ? m_engine.data() : nullptr;
}

QJSValue LpmQmlRequests::newPromise(Reply *reply)
{
    QJSEngine *engine = this->engine();
    if (!engine) {
        qCWarning(lcLpmQml) << "Supervisor.enqueue(): no JavaScript engine to make a promise";
        return {};
    }
    // Qt 6.4 has no C++ API for a Promise: JavaScript makes one and hands out the two
    // functions that settle it.
    if (m_promiseFactory.isUndefined())
        m_promiseFactory = engine->evaluate(QStringLiteral(
                "(function () {"
                "    var ends = {};"
                "    ends.promise = new Promise(function (resolve, reject) {"
                "        ends.resolve = resolve;"
                "        ends.reject = reject;"
                "    });"
                "    return ends;"
                "})"));
    const QJSValue ends = m_promiseFactory.call();
    if (ends.isError()) {
        qCWarning(lcLpmQml).noquote() << "Supervisor.enqueue(): no promise:" << ends.toString();
        return {};
    }
    reply->resolve = ends.property(QStringLiteral("resolve"));
    reply->reject = ends.property(QStringLiteral("reject"));
    return ends.property(QStringLiteral("promise"));
}

void LpmQmlRequests::finish(quint64 id, QFuture<LpmResponse> done)
{
    if (done.resultCount() > 0) {
        settle(id, done.result().data(), std::nullopt);
        return;
    }
    try {
        done.waitForFinished(); // it has finished: this only rethrows its LpmError
    } catch (const LpmError &error) {
        settle(id, {}, error);
        return;
    } catch (...) {
    }
    // Neither an answer nor an LpmError (nothing here cancels): it still ends.
    settle(id, {}, LpmError(LpmError::Code::ShuttingDown,
                            QStringLiteral("The request ended without an answer.")));
}

void LpmQmlRequests::settle(quint64 id, const QVariant &answer, const std::optional<LpmError> &error)
{
    if (!m_pending.contains(id))
        return; // rejectAll() came first
    const Reply reply = m_pending.take(id); // before user code, which may enqueue more
    QJSEngine *engine = this->engine();
    if (!engine) {
        qCDebug(lcLpmQml) << "request" << id << "ended with its QML engine: nobody to tell";
        return;
    }
    Q_EMIT aboutToSettle();
    const QJSValue value = error ? errorObject(engine, *error) : engine->toScriptValue(answer);
    QJSValue result;
    if (reply.callback.isCallable())
        result = error ? reply.callback.call({ QJSValue(), value })
                       : reply.callback.call({ value, QJSValue(QJSValue::NullValue) });
    else
        result = (error ? reply.reject : reply.resolve).call({ value });
    if (result.isError())
        qCWarning(lcLpmQml).noquote() << "an enqueue() callback threw:" << result.toString();
}
