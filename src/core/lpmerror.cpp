#include <lpm/lpmerror.h>

#include <optional>

class LpmErrorData : public QSharedData
{
public:
    LpmError::Code code = LpmError::Code::ProtocolError;
    QString detail;
    QByteArray what; // message() in UTF-8, kept alive for what()
    std::optional<LpmWorkerExit> exit;
};

/*!
    \class LpmError
    \inmodule Lpm
    \brief The reason a request's future was rejected.

    \code
    supervisor.enqueue(payload).onFailed([](const LpmError &e) {
        qWarning() << e.code() << e.message();
        return LpmResponse();
    });
    \endcode
*/

/*!
    \enum LpmError::Code

    Why a future was rejected.

    \value TimedOut No answer came within the request's timeout.
    \value ShuttingDown The pool is draining or was destroyed.
    \value WorkerCrashed The worker died with the request and no retries were left;
           workerExit() tells how it ended.
    \value NotSerializable A payload or answer holds a value that cannot cross
           processes; detail() names its type.
    \value PayloadTooLarge The encoded payload exceeds the channel's frame limit.
    \value RestartLimitReached No worker is left and the restart policy allows no more.
    \value WorkerFailedToStart The worker program could not be started.
    \value ProtocolError The worker broke the protocol while handling the request.
    \value ChannelClosed The other process went away before answering.
    \value NoAnswer The supervisor dropped an event without answering it.
    \value InvalidStream A stream or socket given to LpmSupervisor::enqueue() cannot
           be used.
    \value StreamFailed The source of a stream failed part-way.
    \value QueueFull LpmRequestConfig::maxQueued requests already wait for a worker.
    \value UnsupportedOnRemote A socket handoff or a shared server, which only a local
           worker can take, and every launcher of the pool is remote
           (LpmWorkerConfig::launchers).
*/

/*!
    Constructs an error with \a code and \a detail, the specific circumstances
    (untranslated), which message() appends to its sentence.
*/
LpmError::LpmError(Code code, const QString &detail) : d(new LpmErrorData)
{
    d->code = code;
    d->detail = detail;
    d->what = message().toUtf8();
}

/*!
    Constructs an error with \a code and \a detail caused by a worker's exit, which
    it carries: a WorkerCrashed rejection holds \a exit, returned by workerExit().
*/
LpmError::LpmError(Code code, const QString &detail, const LpmWorkerExit &exit)
    : LpmError(code, detail)
{
    d->exit = exit;
}

/*!
    Constructs a copy of \a other.
*/
LpmError::LpmError(const LpmError &other) = default;

/*!
    Assigns \a other to this error and returns a reference to it.
*/
LpmError &LpmError::operator=(const LpmError &other) = default;

/*!
    Destroys the error.
*/
LpmError::~LpmError() = default;

/*!
    Returns why the future was rejected.
*/
LpmError::Code LpmError::code() const
{
    return d->code;
}

/*!
    Returns the specific circumstances (an exit status, a type name, a bound),
    untranslated; empty when there are none.

    \sa message()
*/
QString LpmError::detail() const
{
    return d->detail;
}

/*!
    Returns \c true when the error carries the exit of the worker that held the
    request, as a WorkerCrashed rejection does.

    \sa workerExit()
*/
bool LpmError::hasWorkerExit() const
{
    return d->exit.has_value();
}

/*!
    Returns how the worker that held the request ended, for a WorkerCrashed
    rejection; a default LpmWorkerExit when hasWorkerExit() is \c false.
*/
LpmWorkerExit LpmError::workerExit() const
{
    return d->exit.value_or(LpmWorkerExit());
}

/*!
    Returns a translated sentence for code(), followed by detail() when there is
    one. Load the library's catalog (\c lpm_<lang>.qm under \c{:/i18n}) to get
    it in the application's language.
*/
QString LpmError::message() const
{
    QString text;
    switch (d->code) {
    case Code::TimedOut:
        text = tr("The request timed out.");
        break;
    case Code::ShuttingDown:
        text = tr("The worker pool is shutting down.");
        break;
    case Code::WorkerCrashed:
        text = tr("The worker handling the request died and no retries were left.");
        break;
    case Code::NotSerializable:
        text = tr("The payload cannot be sent to another process.");
        break;
    case Code::PayloadTooLarge:
        text = tr("The payload is larger than a message may be.");
        break;
    case Code::RestartLimitReached:
        text = tr("No worker is left and the restart limit has been reached.");
        break;
    case Code::WorkerFailedToStart:
        text = tr("The worker program could not be started.");
        break;
    case Code::ProtocolError:
        text = tr("The worker broke the protocol.");
        break;
    case Code::ChannelClosed:
        text = tr("The other process went away before answering.");
        break;
    case Code::NoAnswer:
        text = tr("The supervisor dropped the event without answering it.");
        break;
    case Code::InvalidStream:
        text = tr("The stream or socket cannot be used.");
        break;
    case Code::StreamFailed:
        text = tr("The stream's source failed part-way.");
        break;
    case Code::QueueFull:
        text = tr("Too many requests are waiting for a worker.");
        break;
    case Code::UnsupportedOnRemote:
        text = tr("Only a local worker can take this, and the pool has none.");
        break;
    }
    if (!d->detail.isEmpty())
        text += QLatin1Char(' ') + d->detail;
    return text;
}

/*!
    \fn void LpmError::raise() const

    Throws a copy of this error, so that QFuture::result() rethrows it intact.
*/

/*!
    \fn LpmError *LpmError::clone() const

    Returns a copy of this error on the heap, which the caller owns; QFuture keeps
    its rejection that way.
*/

/*!
    Returns message() in UTF-8, as it read when the error was constructed.
*/
const char *LpmError::what() const noexcept
{
    return d->what.constData();
}
