#include "lpmstream_p.h"

#include "lpmlogging_p.h"

#include <unistd.h>

namespace {
// How much the reading side buffers before the kernel makes the sender wait.
constexpr qint64 ReadBufferBytes = 1024 * 1024;
} // namespace

/*!
    \class LpmStream
    \inmodule Lpm
    \brief A byte stream sent by the other process, with an honest end.

    \code
    connect(request->stream(), &QIODevice::readyRead, [request] {
        hash.addData(request->stream()->readAll());
    });
    connect(qobject_cast<LpmStream *>(request->stream()), &LpmStream::finished, [request] {
        request->respond(hash.result().toHex());
    });
    \endcode
*/

LpmStream *LpmStreamPrivate::create(QObject *parent)
{
    auto *stream = new LpmStream;
    stream->setParent(parent);
    LpmStreamPrivate *d = stream->d_func();
    d->socket.setReadBufferSize(ReadBufferBytes);
    QObject::connect(&d->socket, &QLocalSocket::readyRead, stream, &QIODevice::readyRead);
    QObject::connect(&d->socket, &QLocalSocket::readChannelFinished, stream, [d] { d->onEndOfBytes(); });
    QObject::connect(&d->socket, &QLocalSocket::disconnected, stream, [d] { d->onEndOfBytes(); });
    stream->open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    return stream;
}

void LpmStreamPrivate::attach(LpmStream *stream, int descriptor)
{
    LpmStreamPrivate *d = stream->d_func();
    if (d->attached) {
        ::close(descriptor);
        return;
    }
    d->attached = true;
    if (!d->socket.setSocketDescriptor(descriptor, QLocalSocket::ConnectedState, QIODevice::ReadOnly)) {
        ::close(descriptor);
        d->onEndOfBytes();
    }
}

void LpmStreamPrivate::setEnd(LpmStream *stream, bool ok, const QString &error)
{
    LpmStreamPrivate *d = stream->d_func();
    if (d->endKnown)
        return;
    d->endKnown = true;
    d->endOk = ok;
    d->endError = error;
    d->settle();
}

void LpmStreamPrivate::onEndOfBytes()
{
    if (endOfBytes)
        return;
    endOfBytes = true;
    settle();
}

void LpmStreamPrivate::settle()
{
    Q_Q(LpmStream);
    if (settled || !endKnown)
        return;
    if (!endOk) {
        // Known bad: say so now; bytes already here stay readable.
        settled = true;
        q->setErrorString(endError);
        qCDebug(lcLpmIpc) << "stream failed:" << endError;
        Q_EMIT q->errorOccurred(endError);
        return;
    }
    if (!endOfBytes)
        return; // clean, but bytes are still coming
    settled = true;
    Q_EMIT q->readChannelFinished();
    Q_EMIT q->finished();
}

LpmStream::LpmStream() : d_ptr(new LpmStreamPrivate)
{
    d_ptr->q_ptr = this;
}

/*!
    Destroys the stream and closes its end of the socketpair.
*/
LpmStream::~LpmStream() = default;

/*!
    Returns \c true: the bytes can be read once, in order, as they come.
*/
bool LpmStream::isSequential() const
{
    return true;
}

/*!
    Returns the bytes that have arrived and can be read now.
*/
qint64 LpmStream::bytesAvailable() const
{
    const QLocalSocket &socket = d_func()->socket;
    return QIODevice::bytesAvailable() + (socket.isOpen() ? socket.bytesAvailable() : 0);
}

/*!
    Returns \c true once the stream has ended, finished or failed, and every byte
    that arrived has been read.
*/
bool LpmStream::atEnd() const
{
    Q_D(const LpmStream);
    return d->settled && bytesAvailable() == 0;
}

/*!
    Blocks until bytes are available to read or \a msecs milliseconds have passed
    (-1: no limit). Returns \c true if bytes are available. Never call it in a thread
    whose event loop must run for the bytes to come, such as the sending worker's.
*/
bool LpmStream::waitForReadyRead(int msecs)
{
    Q_D(LpmStream);
    if (d->socket.bytesAvailable() > 0)
        return true;
    return d->attached && d->socket.waitForReadyRead(msecs);
}

/*!
    Returns \c true once every byte has arrived and the sender's source ended
    cleanly; finished() was emitted then.
*/
bool LpmStream::isFinished() const
{
    Q_D(const LpmStream);
    return d->settled && d->endOk;
}

/*!
    Returns \c true once the stream failed: the source failed part-way or the
    sender died. errorString() says why; the bytes that arrived before stay readable.
*/
bool LpmStream::hasError() const
{
    Q_D(const LpmStream);
    return d->settled && !d->endOk;
}

/*!
    \fn void LpmStream::finished()

    This signal is emitted once every byte has arrived and the sender's source ended
    cleanly, right after readChannelFinished(). atEnd() is \c true once the bytes
    have been read.
*/

/*!
    \fn void LpmStream::errorOccurred(const QString &errorString)

    This signal is emitted when the source failed part-way or the sender died;
    \a errorString says which, as errorString() does. A failed stream is never
    mistaken for a short one.
*/

/*!
    Reads up to \a maxSize bytes that have arrived into \a data and returns how many
    were read: 0 when none are there yet, -1 at the end of the stream (or of what
    arrived before an error).
*/
qint64 LpmStream::readData(char *data, qint64 maxSize)
{
    Q_D(LpmStream);
    const qint64 n = d->socket.isOpen() ? d->socket.read(data, maxSize) : 0;
    if (n > 0)
        return n;
    return d->settled ? -1 : 0; // -1: end of the stream (or of what arrived before an error)
}

/*!
    \fn qint64 LpmStream::writeData(const char *data, qint64 size)

    Returns -1 and writes nothing from \a data (\a size bytes): the stream is
    read-only.
*/
qint64 LpmStream::writeData(const char *, qint64)
{
    return -1; // read-only
}
