#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qhash.h>
#include <QtCore/qpointer.h>
#include <QtCore/quuid.h>

class LpmStream;

// A message and the descriptor that goes with it travel apart (the message channel,
// the descriptor channel), so either may come first. This table pairs them by id:
// - a stream announced by its message takes the descriptor already held for it, or
//   attaches the descriptor when it comes;
// - a descriptor that comes first is held until its message does, at most MaxHeld
//   of them (the endpoint stops reading descriptors beyond that);
// - a descriptor whose stream is already gone is closed at once;
// - how the sender's source ended (StreamEnd) goes to the live stream, and is
//   dropped for an id nobody reads any more: nothing is kept for it.
// It closes whatever it still holds when it goes away: nothing leaks on any path.
class LpmAttachmentTable
{
public:
    static constexpr int MaxHeld = 64;

    LpmAttachmentTable() = default;
    ~LpmAttachmentTable();
    Q_DISABLE_COPY_MOVE(LpmAttachmentTable)

    // A descriptor whose message has not come yet. False (fd closed) for a second
    // descriptor under one id.
    bool hold(const QUuid &id, int fd);
    // The descriptor held for id, or -1; the caller owns it then.
    int take(const QUuid &id);
    int heldCount() const { return m_heldCount; }

    // A stream announced by its message. False when id already has one.
    bool addStream(const QUuid &id, LpmStream *stream);
    // The descriptor for stream id came: attached, or closed if its stream is gone.
    // Returns false when id announced no stream (the caller holds it then).
    bool attachArrived(const QUuid &id, int fd);
    // A stream object was destroyed: a descriptor still to come for it is closed.
    void forgetStream(const QUuid &id);
    // How the sender's source ended.
    void endStream(const QUuid &id, bool ok, const QString &error);
    // Fails every live stream (the other process is gone) and closes every descriptor.
    void failAll(const QString &error);

    int size() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        QPointer<LpmStream> stream;
        bool announced = false; // its message came (the stream may be gone since)
        bool attached = false;  // its descriptor came and went to the stream
        int fd = -1;            // held until its message comes
    };

    QHash<QUuid, Entry> m_entries;
    int m_heldCount = 0;
};
