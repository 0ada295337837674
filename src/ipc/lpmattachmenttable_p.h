#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qhash.h>
#include <QtCore/qpair.h>
#include <QtCore/qpointer.h>
#include <QtCore/quuid.h>

class LpmStream;

// Descriptors and stream endings travel apart from the messages they belong to (the
// descriptor channel, the control channel), so either may come first. This table
// keeps whichever came early, by id, until its partner arrives, and closes any
// descriptor it still holds when it goes away: nothing leaks on any path.
class LpmAttachmentTable
{
public:
    LpmAttachmentTable() = default;
    ~LpmAttachmentTable();
    Q_DISABLE_COPY_MOVE(LpmAttachmentTable)

    void holdDescriptor(const QUuid &id, int fd);
    // The descriptor held for id, or -1; the caller owns it then.
    int takeDescriptor(const QUuid &id);
    // Closes and forgets the descriptor held for id, if any.
    void dropDescriptor(const QUuid &id);

    // A stream now reading; a remembered ending for it is applied at once.
    void addStream(const QUuid &id, LpmStream *stream);
    // How the sender's source ended: delivered to the stream, or remembered for it.
    void endStream(const QUuid &id, bool ok, const QString &error);
    // Fails every live stream (the other process is gone) and forgets the rest.
    void failStreams(const QString &error);

    int heldDescriptorCount() const { return int(m_descriptors.size()); }

private:
    QHash<QUuid, int> m_descriptors;
    QHash<QUuid, QPointer<LpmStream>> m_streams;
    QHash<QUuid, QPair<bool, QString>> m_endings;
};
