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

LpmStream::~LpmStream() = default;

bool LpmStream::isSequential() const
{
    return true;
}

qint64 LpmStream::bytesAvailable() const
{
    const QLocalSocket &socket = d_func()->socket;
    return QIODevice::bytesAvailable() + (socket.isOpen() ? socket.bytesAvailable() : 0);
}

bool LpmStream::atEnd() const
{
    Q_D(const LpmStream);
    return d->settled && bytesAvailable() == 0;
}

bool LpmStream::waitForReadyRead(int msecs)
{
    Q_D(LpmStream);
    if (d->socket.bytesAvailable() > 0)
        return true;
    return d->attached && d->socket.waitForReadyRead(msecs);
}

bool LpmStream::isFinished() const
{
    Q_D(const LpmStream);
    return d->settled && d->endOk;
}

bool LpmStream::hasError() const
{
    Q_D(const LpmStream);
    return d->settled && !d->endOk;
}

qint64 LpmStream::readData(char *data, qint64 maxSize)
{
    Q_D(LpmStream);
    const qint64 n = d->socket.isOpen() ? d->socket.read(data, maxSize) : 0;
    if (n > 0)
        return n;
    return d->settled ? -1 : 0; // -1: end of the stream (or of what arrived before an error)
}

qint64 LpmStream::writeData(const char *, qint64)
{
    return -1; // read-only
}
