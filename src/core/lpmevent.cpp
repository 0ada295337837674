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

/*!
    Constructs an empty event, answered by no one: respond() on it returns
    \c false. Events come from LpmSupervisor::eventReceived().
*/
LpmEvent::LpmEvent() : d(new LpmEventData) { }
LpmEvent::LpmEvent(LpmEventData *data) : d(data) { }

/*!
    Constructs a copy of \a other that shares its event: answering either answers
    both.
*/
LpmEvent::LpmEvent(const LpmEvent &other) = default;

/*!
    Move-constructs an event from \a other.
*/
LpmEvent::LpmEvent(LpmEvent &&other) noexcept = default;

/*!
    \fn LpmEvent &LpmEvent::operator=(LpmEvent &&other)

    Move-assigns \a other to this event and returns a reference to it.
*/

/*!
    \fn void LpmEvent::swap(LpmEvent &other)

    Swaps this event with \a other. This operation is very fast and never fails.
*/

/*!
    Makes this a copy of \a other, sharing its event, and returns a reference to it.
*/
LpmEvent &LpmEvent::operator=(const LpmEvent &other) = default;

/*!
    Destroys this copy. When the last copy of an unanswered event goes, the
    worker's LpmWorker::sendEvent() future rejects with LpmError::Code::NoAnswer,
    so a worker never waits on an event nobody kept.
*/
LpmEvent::~LpmEvent() = default;

/*!
    Returns the name the worker gave the event.
*/
QString LpmEvent::name() const
{
    return d->name;
}

/*!
    Returns the payload the worker sent with the event.
*/
QVariant LpmEvent::data() const
{
    return d->data;
}

/*!
    Returns the process id of the worker that sent the event.
*/
qint64 LpmEvent::pid() const
{
    return d->pid;
}

/*!
    Returns the event's id, a random UUID (version 4).
*/
QUuid LpmEvent::id() const
{
    return d->id;
}

/*!
    Returns when the worker sent the event: nanoseconds on the monotonic clock.
*/
qint64 LpmEvent::createdAt() const
{
    return d->createdAt;
}

/*!
    Returns \c true once respond() was called on this event or on a copy of it.
*/
bool LpmEvent::isAnswered() const
{
    return d->answered.loadRelaxed();
}

/*!
    Resolves the worker's LpmWorker::sendEvent() future with \a answer. Thread-safe,
    and callable later from a copy.

    Returns \c false, with a warning under \c lpm.supervisor, if the event was
    already answered, the answer cannot cross processes (the worker's future then
    rejects with LpmError::Code::NotSerializable) or the worker is gone.
*/
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
