#pragma once

#include <lpm/lpmglobal.h>
#include <lpm/lpmworkerexit.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qexception.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qshareddata.h>
#include <QtCore/qstring.h>

class LpmErrorData;

// The reason a request's future was rejected. A QException, so QFuture::result()
// rethrows it and onFailed([](const LpmError &) {...}) receives it intact.
class LPM_EXPORT LpmError : public QException
{
    Q_GADGET
    Q_DECLARE_TR_FUNCTIONS(LpmError)
public:
    enum class Code {
        TimedOut,            // no answer within the request's timeout
        ShuttingDown,        // the pool is draining or was destroyed
        WorkerCrashed,       // the worker died with the request and no retries were left
        NotSerializable,     // a payload or answer holds a value that cannot cross processes
        PayloadTooLarge,     // the encoded payload exceeds the channel's frame limit
        RestartLimitReached, // no worker is left and the restart policy allows no more
        WorkerFailedToStart, // the worker program could not be started
        ProtocolError,       // the worker broke the protocol while handling the request
        ChannelClosed,       // the other process went away before answering
        NoAnswer,            // the supervisor dropped an event without answering it
        InvalidStream,       // a stream or socket given to enqueue() cannot be used
        StreamFailed,        // the source of a stream failed part-way
        QueueFull,           // request.maxQueued requests already wait for a worker
        UnsupportedOnRemote, // a socket or shared server, and every launcher is remote
    };
    Q_ENUM(Code)

    explicit LpmError(Code code, const QString &detail = {});
    // A rejection caused by a worker's exit (WorkerCrashed) carries how it ended.
    LpmError(Code code, const QString &detail, const LpmWorkerExit &exit);
    LpmError(const LpmError &other);
    LpmError &operator=(const LpmError &other);
    ~LpmError() override;

    Code code() const;
    // A translated sentence for the code, followed by the detail when there is one.
    QString message() const;
    // The specific circumstances (exit status, type name, ...), untranslated.
    QString detail() const;
    // The exit of the worker that held the request, for a WorkerCrashed rejection;
    // hasWorkerExit() is false otherwise.
    bool hasWorkerExit() const;
    LpmWorkerExit workerExit() const;

    const char *what() const noexcept override;
    void raise() const override { throw *this; }
    LpmError *clone() const override { return new LpmError(*this); }

private:
    QSharedDataPointer<LpmErrorData> d;
};
