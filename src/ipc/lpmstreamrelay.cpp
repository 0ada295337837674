#include "lpmstreamrelay_p.h"

#include "lpmlogging_p.h"

#include <QtCore/qsocketnotifier.h>

#include <cerrno>

#include <sys/socket.h>
#include <unistd.h>

using namespace LpmIpc;

namespace {
// Chunks sent per wake-up at most, so that one fast stream cannot hold the loop.
constexpr int ChunksPerWakeUp = 16;
} // namespace

LpmStreamRelay::LpmStreamRelay(const QUuid &id, int descriptor, Direction direction, QObject *parent)
    : QObject(parent), m_id(id), m_fd(descriptor), m_direction(direction)
{
    const bool sending = direction == Direction::Sending;
    m_notifier = new QSocketNotifier(m_fd, sending ? QSocketNotifier::Read : QSocketNotifier::Write, this);
    connect(m_notifier, &QSocketNotifier::activated, this,
            sending ? &LpmStreamRelay::readPair : &LpmStreamRelay::writePair);
    m_notifier->setEnabled(sending);
}

LpmStreamRelay::~LpmStreamRelay()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void LpmStreamRelay::addCredit(qint64 bytes)
{
    if (m_finished || m_direction != Direction::Sending)
        return;
    if (bytes < 0) {
        // The reader is gone: closing our end makes the pump's next write fail, and
        // its verdict then ends the stream.
        qCDebug(lcLpmIpc) << "stream" << m_id << "is read no more";
        m_readerGone = true;
        m_notifier->setEnabled(false);
        if (m_fd >= 0)
            ::close(std::exchange(m_fd, -1));
        m_pairEnded = true;
        sendEndIfDone();
        return;
    }
    m_credit = qMin(m_credit + bytes, StreamWindow); // a peer cannot give more than it owes
    if (m_fd >= 0 && !m_pairEnded)
        m_notifier->setEnabled(m_credit > 0);
    finishIfAllCredited();
}

void LpmStreamRelay::readPair()
{
    for (int i = 0; i < ChunksPerWakeUp && m_credit > 0; ++i) {
        QByteArray chunk(qMin<qint64>(m_credit, StreamChunkSize), Qt::Uninitialized);
        const ssize_t n = ::read(m_fd, chunk.data(), size_t(chunk.size()));
        if (n > 0) {
            chunk.truncate(n);
            m_credit -= n;
            Q_EMIT message(Message::streamChunk(m_id, chunk));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        m_pairEnded = true; // end of file: the pump wrote all it will
        m_notifier->setEnabled(false);
        sendEndIfDone();
        return;
    }
    m_notifier->setEnabled(m_credit > 0);
}

void LpmStreamRelay::sourceEnded(bool ok, const QString &why)
{
    m_sourceKnown = true;
    m_sourceOk = ok;
    m_sourceError = why;
    if (!ok) // nothing more is worth sending
        m_pairEnded = true;
    sendEndIfDone();
}

void LpmStreamRelay::sendEndIfDone()
{
    if (m_finished || m_endSent || !m_pairEnded || !m_sourceKnown)
        return;
    m_endSent = true;
    Q_EMIT message(Message::streamEnd(m_id, m_sourceOk, m_sourceError));
    finishIfAllCredited();
}

void LpmStreamRelay::finishIfAllCredited()
{
    // A failed source or a reader gone: nothing sent is worth waiting for.
    if (m_endSent && (m_credit == StreamWindow || !m_sourceOk || m_readerGone))
        finish();
}

bool LpmStreamRelay::deliver(const QByteArray &chunk)
{
    if (m_finished)
        return true; // the reader went away: dropped
    if (m_pending.size() + chunk.size() > StreamWindow)
        return false;
    m_pending += chunk;
    writePair();
    return true;
}

void LpmStreamRelay::writePair()
{
    qint64 taken = 0;
    while (!m_pending.isEmpty()) {
        const ssize_t n = ::send(m_fd, m_pending.constData(), size_t(m_pending.size()), MSG_NOSIGNAL);
        if (n > 0) {
            m_pending.remove(0, n);
            taken += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        // The reader closed its stream: the sender may stop.
        qCDebug(lcLpmIpc) << "stream" << m_id << "was closed by its reader";
        Q_EMIT message(Message::streamCredit(m_id, -1));
        finish();
        return;
    }
    if (taken > 0)
        Q_EMIT message(Message::streamCredit(m_id, taken));
    m_notifier->setEnabled(!m_pending.isEmpty());
    if (m_pending.isEmpty() && m_inputEnded)
        completeInput();
}

void LpmStreamRelay::endInput(bool ok, const QString &why)
{
    if (m_finished || m_inputEnded) // one verdict per stream
        return;
    m_inputEnded = true;
    m_inputOk = ok;
    m_inputError = why;
    if (m_pending.isEmpty() || !ok) // a failed stream need not wait for its last bytes
        completeInput();
}

void LpmStreamRelay::completeInput()
{
    Q_EMIT inputComplete(m_inputOk, m_inputError);
    finish(); // closing our end is the reader's end of file
}

void LpmStreamRelay::abort()
{
    finish();
}

void LpmStreamRelay::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_notifier->setEnabled(false);
    if (m_fd >= 0)
        ::close(std::exchange(m_fd, -1));
    Q_EMIT finished();
}
