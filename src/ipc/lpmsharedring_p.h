#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qbytearray.h>

#include <memory>
#include <optional>

// One direction of the shared memory between a supervisor and a worker: a ring of
// bytes in a memfd, which large byte arrays cross instead of the socket. The writer
// copies a byte array in and sends its position and size in the message's frame; the
// reader copies it out while decoding that frame and tells the writer how far it has
// read, in the ring's header. Frames are read in the order they were written, so one
// counter is all the bookkeeping there is, and the writer reuses pages already
// faulted in.
//
// Each side trusts only itself. The reader checks every position against the ring's
// bounds and against what it has read before; the writer bounds what the reader
// claims to have read by what it has written. A peer that scribbles on the ring can
// garble only its own messages: what is copied out is the receiver's own value.
class LpmSharedRing
{
public:
    ~LpmSharedRing();
    LpmSharedRing(const LpmSharedRing &) = delete;
    LpmSharedRing &operator=(const LpmSharedRing &) = delete;

    // A new ring of capacity bytes; *fd is its memfd, the caller's (close-on-exec).
    // Null, with a warning, where it cannot be made.
    static std::unique_ptr<LpmSharedRing> create(qsizetype capacity, int *fd);
    // The ring in fd (which stays the caller's), as the other process made it.
    static std::unique_ptr<LpmSharedRing> attach(int fd);

    qsizetype capacity() const { return m_capacity; }

    // Writer: copies bytes in; returns their position, or nullopt when the ring has
    // no room for them now (the caller sends them in the frame instead).
    std::optional<quint64> write(const QByteArray &bytes);
    // Reader: copies out size bytes written at position, and releases them to the
    // writer. False, with nothing read, if they cannot have been written there.
    bool read(quint64 position, quint64 size, QByteArray *out);

private:
    LpmSharedRing(char *map, qsizetype mapSize);
    quint64 readerProgress() const;

    char *m_map;
    qsizetype m_mapSize;
    qsizetype m_capacity;
    quint64 m_written = 0; // writer: the end of what it has written
    quint64 m_read = 0;    // reader: the end of what it has read
};
