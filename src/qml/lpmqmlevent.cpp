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

LpmQmlEvent::LpmQmlEvent(const LpmEvent &event, QObject *parent) : QObject(parent), m_event(event)
{
}

bool LpmQmlEvent::respond(const QJSValue &answer)
{
    const bool sent = m_event.respond(answer.toVariant());
    Q_EMIT answeredChanged();
    return sent;
}
