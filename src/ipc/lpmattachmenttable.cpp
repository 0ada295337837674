#include "lpmattachmenttable_p.h"

#include "lpmstream_p.h"

#include <unistd.h>

LpmAttachmentTable::~LpmAttachmentTable()
{
    for (int fd : std::as_const(m_descriptors))
        ::close(fd);
}

void LpmAttachmentTable::holdDescriptor(const QUuid &id, int fd)
{
    dropDescriptor(id); // a duplicate id would otherwise leak the first one
    m_descriptors.insert(id, fd);
}

int LpmAttachmentTable::takeDescriptor(const QUuid &id)
{
    const auto it = m_descriptors.find(id);
    if (it == m_descriptors.end())
        return -1;
    const int fd = it.value();
    m_descriptors.erase(it);
    return fd;
}

void LpmAttachmentTable::dropDescriptor(const QUuid &id)
{
    const auto it = m_descriptors.find(id);
    if (it == m_descriptors.end())
        return;
    ::close(it.value());
    m_descriptors.erase(it);
}

void LpmAttachmentTable::addStream(const QUuid &id, LpmStream *stream)
{
    const auto ending = m_endings.find(id);
    if (ending != m_endings.end()) {
        LpmStreamPrivate::setEnd(stream, ending->first, ending->second);
        m_endings.erase(ending);
        return;
    }
    m_streams.insert(id, stream);
}

void LpmAttachmentTable::endStream(const QUuid &id, bool ok, const QString &error)
{
    const QPointer<LpmStream> stream = m_streams.take(id);
    if (stream)
        LpmStreamPrivate::setEnd(stream, ok, error);
    else
        m_endings.insert(id, { ok, error });
}

void LpmAttachmentTable::failStreams(const QString &error)
{
    const auto streams = std::exchange(m_streams, {});
    for (const QPointer<LpmStream> &stream : streams) {
        if (stream)
            LpmStreamPrivate::setEnd(stream, false, error);
    }
    m_endings.clear();
}
