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

LpmError::LpmError(Code code, const QString &detail) : d(new LpmErrorData)
{
    d->code = code;
    d->detail = detail;
    d->what = message().toUtf8();
}

LpmError::LpmError(Code code, const QString &detail, const LpmWorkerExit &exit)
    : LpmError(code, detail)
{
    d->exit = exit;
}

LpmError::LpmError(const LpmError &other) = default;
LpmError &LpmError::operator=(const LpmError &other) = default;
LpmError::~LpmError() = default;

LpmError::Code LpmError::code() const
{
    return d->code;
}

QString LpmError::detail() const
{
    return d->detail;
}

bool LpmError::hasWorkerExit() const
{
    return d->exit.has_value();
}

LpmWorkerExit LpmError::workerExit() const
{
    return d->exit.value_or(LpmWorkerExit());
}

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
    }
    if (!d->detail.isEmpty())
        text += QLatin1Char(' ') + d->detail;
    return text;
}

const char *LpmError::what() const noexcept
{
    return d->what.constData();
}
