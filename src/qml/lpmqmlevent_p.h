#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmevent.h>

#include <QtCore/qobject.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqml.h>

// An event a worker sent, as QML sees it in Supervisor.onEventReceived. JavaScript
// owns it: answer it with respond() now or keep it and answer later. Once it is
// garbage-collected unanswered, the worker's sendEvent() rejects with NoAnswer.
class LpmQmlEvent : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(Event)
    QML_UNCREATABLE("Events come from Supervisor.eventReceived.")
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(QVariant data READ data CONSTANT)
    Q_PROPERTY(qint64 pid READ pid CONSTANT)
    Q_PROPERTY(QString id READ id CONSTANT)
    Q_PROPERTY(qint64 createdAt READ createdAt CONSTANT)
    Q_PROPERTY(bool answered READ isAnswered NOTIFY answeredChanged)
public:
    explicit LpmQmlEvent(const LpmEvent &event, QObject *parent = nullptr);

    QString name() const { return m_event.name(); }
    QVariant data() const { return m_event.data(); }
    qint64 pid() const { return m_event.pid(); }
    QString id() const { return m_event.id().toString(QUuid::WithoutBraces); }
    qint64 createdAt() const { return m_event.createdAt(); }
    bool isAnswered() const { return m_event.isAnswered(); }

    // Resolves the worker's sendEvent() with answer; false if already answered or the
    // answer cannot cross processes.
    Q_INVOKABLE bool respond(const QJSValue &answer = QJSValue());

Q_SIGNALS:
    void answeredChanged();

private:
    LpmEvent m_event;
};
