#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmerror.h>
#include <lpm/lpmresponse.h>

#include <QtCore/qfuture.h>
#include <QtCore/qmap.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtQml/qjsvalue.h>

#include <optional>

class LpmSupervisor;

// Supervisor.enqueue() from JavaScript: reads its options, sends the request and
// gives it a JavaScript end, a callback or a Promise, settled exactly once when its
// future ends. The owner's QML engine runs them, unless it is being destroyed itself;
// the owner calls rejectAll() in its destructor.
class LpmQmlRequests : public QObject
{
    Q_OBJECT
public:
    explicit LpmQmlRequests(QObject *owner);

    // optionsOrCallback is a callback if callable, else the options; returns the
    // request's Promise, or undefined with a callback.
    QJSValue enqueue(LpmSupervisor *supervisor, const QJSValue &payload,
                     const QJSValue &optionsOrCallback, const QJSValue &callback);
    void rejectAll(const LpmError &error);

Q_SIGNALS:
    // Before user code runs for a reply, so that what it reads of the owner is current.
    void aboutToSettle();

private:
    struct Reply
    {
        QJSValue callback;
        QJSValue resolve;
        QJSValue reject;
    };

    QJSEngine *engine() const;
    QJSValue track(const QFuture<LpmResponse> &future, const QJSValue &callback);
    QJSValue newPromise(Reply *reply);
    void finish(quint64 id, QFuture<LpmResponse> done);
    void settle(quint64 id, const QVariant &answer, const std::optional<LpmError> &error);

    QPointer<QJSEngine> m_engine;   // the owner's, from the first enqueue()
    QMap<quint64, Reply> m_pending; // by id: rejectAll() goes in enqueue order
    quint64 m_nextId = 0;
    QJSValue m_promiseFactory;      // made once, by that engine
};
