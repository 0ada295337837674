#include "lpmevent_p.h"

#include "lpmlogging_p.h"

/*!
    \class LpmEvent
    \inmodule Lpm
    \brief A custom event sent by a worker, which the supervisor may answer.

    \code
    connect(&supervisor, &LpmSupervisor::eventReceived, this,
            [](const QString &name, const LpmEvent &event) {
        if (name == "config")
            event.respond(QVariantMap{{"threads", 4}});
    });
    \endcode
*/

LpmEventData::~LpmEventData()
{
    if (!answered.loadRelaxed() && rejectUnanswered)
        rejectUnanswered();
}

LpmEvent::LpmEvent() : d(new LpmEventData) { }
LpmEvent::LpmEvent(LpmEventData *data) : d(data) { }
LpmEvent::LpmEvent(const LpmEvent &other) = default;
LpmEvent::LpmEvent(LpmEvent &&other) noexcept = default;
LpmEvent &LpmEvent::operator=(const LpmEvent &other) = default;
LpmEvent::~LpmEvent() = default;

QString LpmEvent::name() const
{
    return d->name;
}

QVariant LpmEvent::data() const
{
    return d->data;
}

qint64 LpmEvent::pid() const
{
    return d->pid;
}

QUuid LpmEvent::id() const
{
    return d->id;
}

qint64 LpmEvent::createdAt() const
{
    return d->createdAt;
}

bool LpmEvent::isAnswered() const
{
    return d->answered.loadRelaxed();
}

bool LpmEvent::respond(const QVariant &answer) const
{
    if (!d->answered.testAndSetRelaxed(0, 1)) {
        qCWarning(lcLpmSupervisor).noquote()
                << "event" << d->name << d->id.toString(QUuid::WithoutBraces)
                << "was already answered; the new answer is dropped";
        return false;
    }
    if (!d->reply) {
        qCWarning(lcLpmSupervisor) << "event" << d->name << "has no worker to answer";
        return false;
    }
    return d->reply(answer);
}
