#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmmessage_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qobject.h>
#include <QtCore/quuid.h>

class QSocketNotifier;

// One stream over a transport without descriptors (a remote worker's stdio): its
// bytes cross as StreamChunk messages on the channel, and the reader's side returns
// StreamCredit for what it took, so the sender is never more than StreamWindow ahead.
// Each side keeps a local socketpair in between, so that the stream pump and
// LpmStream work exactly as for local workers:
//  - Sending: reads what the pump wrote into the pair while credit lasts, sends it as
//    chunks, and once the pair's end of file and the pump's verdict are both in,
//    sends the StreamEnd. It is finished only when every byte is credited too: then
//    they are all in the reader's pair, which keeps them if this process exits.
//  - Receiving: writes chunks into the pair, which LpmStream reads; credits what the
//    kernel took; once the StreamEnd came and every byte is in the pair, reports the
//    sender's verdict (inputComplete()) and closes the pair. Aborted before that, it
//    reports nothing, so the stream fails rather than end short.
// Memory stays bounded both ways: a slow reader fills the pair, which withholds
// credit, which stops the sender, whose pump then waits on its own pair.
class LpmStreamRelay : public QObject
{
    Q_OBJECT
public:
    enum class Direction { Sending, Receiving };

    // Takes descriptor (this side's end of the pair) over.
    LpmStreamRelay(const QUuid &id, int descriptor, Direction direction, QObject *parent = nullptr);
    ~LpmStreamRelay() override;

    // Sending: the reader's side took bytes (-1: it reads no more).
    void addCredit(qint64 bytes);
    // Sending: how the pump's source ended; the StreamEnd follows the last chunk.
    void sourceEnded(bool ok, const QString &why);
    // Receiving: bytes for the reader. False when the sender overran its window.
    bool deliver(const QByteArray &chunk);
    // Receiving: the StreamEnd came with the sender's verdict; the pair closes once
    // its bytes are in.
    void endInput(bool ok, const QString &why);
    // Stops at once, sending nothing more.
    void abort();
    // Sending: the StreamEnd went out (only credit is awaited).
    bool hasSentEnd() const { return m_endSent; }

Q_SIGNALS:
    // A chunk, credit or StreamEnd for the channel.
    void message(const LpmIpc::Message &message);
    // Receiving: every byte is in the pair; the sender's verdict.
    void inputComplete(bool ok, const QString &why);
    // Nothing more will be relayed; the relay may be deleted.
    void finished();

private:
    void readPair();
    void writePair();
    void sendEndIfDone();
    void finishIfAllCredited();
    void completeInput();
    void finish();

    QUuid m_id;
    int m_fd = -1;
    Direction m_direction;
    QSocketNotifier *m_notifier = nullptr;
    qint64 m_credit = LpmIpc::StreamWindow; // Sending
    bool m_pairEnded = false;               // Sending: the pump closed its end
    bool m_sourceKnown = false;
    bool m_sourceOk = false;
    QString m_sourceError;
    bool m_endSent = false;
    bool m_readerGone = false;
    QByteArray m_pending;                   // Receiving: not yet in the pair
    bool m_inputEnded = false;
    bool m_inputOk = false;
    QString m_inputError;
    bool m_finished = false;
};
