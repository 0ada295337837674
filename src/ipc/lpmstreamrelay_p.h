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
//    sends the StreamEnd.
//  - Receiving: writes chunks into the pair, which LpmStream reads; credits what the
//    kernel took; closes the pair once the StreamEnd came and every byte is in it.
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
    // Receiving: the StreamEnd came; the pair closes once its bytes are in.
    void endInput();
    // Stops at once, sending nothing more.
    void abort();

Q_SIGNALS:
    // A chunk, credit or StreamEnd for the channel.
    void message(const LpmIpc::Message &message);
    // Nothing more will be relayed; the relay may be deleted.
    void finished();

private:
    void readPair();
    void writePair();
    void sendEndIfDone();
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
    QByteArray m_pending;                   // Receiving: not yet in the pair
    bool m_inputEnded = false;
    bool m_finished = false;
};
