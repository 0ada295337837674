#include "lpmqmlevent_p.h"

/*!
    \qmltype Event
    \inqmlmodule Lpm
    \brief A worker's custom event, answerable from JavaScript.

    \qml
    Supervisor {
        onEventReceived: function (name, event) {
            if (name === "config")
                event.respond({ "threads": 4 })
        }
    }
    \endqml
*/

/*!
    \qmlproperty string Event::name
    \qmlproperty var Event::data
    \qmlproperty int Event::pid
    \qmlproperty string Event::id
    \qmlproperty int Event::createdAt
    The event's name and payload, the process id of the worker that sent it, its id
    (a UUID without braces) and when the worker sent it (nanoseconds on the
    monotonic clock), as LpmEvent has them.
*/

/*!
    \qmlproperty bool Event::answered
    Whether respond() was called.
*/
LpmQmlEvent::LpmQmlEvent(const LpmEvent &event, QObject *parent) : QObject(parent), m_event(event)
{
}

/*!
    \qmlmethod bool Event::respond(var answer)
    Resolves the worker's sendEvent() future with \a answer. Returns \c false if the
    event was already answered or the answer cannot cross processes. Once the event
    is garbage-collected unanswered, the worker's future rejects with \c NoAnswer.
*/
bool LpmQmlEvent::respond(const QJSValue &answer)
{
    const bool sent = m_event.respond(answer.toVariant());
    Q_EMIT answeredChanged();
    return sent;
}
