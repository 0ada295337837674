#include "lpmattachmenttable_p.h"

#include "lpmstream_p.h"

#include <unistd.h>

LpmAttachmentTable::~LpmAttachmentTable()
{
    for (const Entry &entry : std::as_const(m_entries)) {
        if (entry.fd >= 0)
            ::close(entry.fd);
    }
}

bool LpmAttachmentTable::hold(const QUuid &id, int fd)
{
    Entry &entry = m_entries[id];
    if (entry.fd >= 0 || entry.announced) {
        ::close(fd);
        return false;
    }
    entry.fd = fd;
    ++m_heldCount;
    return true;
}

int LpmAttachmentTable::take(const QUuid &id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || it->fd < 0 || it->announced)
        return -1;
    const int fd = it->fd;
    m_entries.erase(it);
    --m_heldCount;
    return fd;
}

bool LpmAttachmentTable::addStream(const QUuid &id, LpmStream *stream)
{
    Entry &entry = m_entries[id];
    if (entry.announced)
        return false;
    entry.announced = true;
    entry.stream = stream;
    if (entry.fd >= 0) {
        const int fd = std::exchange(entry.fd, -1);
        entry.attached = true;
        --m_heldCount;
        LpmStreamPrivate::attach(stream, fd);
    }
    return true;
}

bool LpmAttachmentTable::attachArrived(const QUuid &id, int fd)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || !it->announced)
        return false;
    if (!it->stream || it->attached) {
        ::close(fd); // nobody reads it any more (or a duplicate)
        if (!it->stream)
            m_entries.erase(it);
        return true;
    }
    it->attached = true;
    LpmStreamPrivate::attach(it->stream, fd);
    return true;
}

void LpmAttachmentTable::forgetStream(const QUuid &id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || !it->announced)
        return;
    if (it->attached)
        m_entries.erase(it); // its descriptor closed with it
    else
        it->stream = nullptr; // closed when it comes
}

void LpmAttachmentTable::endStream(const QUuid &id, bool ok, const QString &error)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || !it->announced)
        return; // nobody reads it any more
    const QPointer<LpmStream> stream = it->stream;
    if (it->attached)
        m_entries.erase(it); // all it waited for has come
    if (stream) // last: the reader's handlers run inside
        LpmStreamPrivate::setEnd(stream, ok, error);
}

void LpmAttachmentTable::failAll(const QString &error)
{
    const QHash<QUuid, Entry> entries = std::exchange(m_entries, {});
    m_heldCount = 0;
    for (const Entry &entry : entries) {
        if (entry.fd >= 0)
            ::close(entry.fd);
        if (entry.stream)
            LpmStreamPrivate::setEnd(entry.stream, false, error);
    }
}
