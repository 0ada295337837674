#pragma once

#include <lpm/lpmglobal.h>

#include <QtCore/qiodevice.h>

#include <memory>

class LpmStreamPrivate;

// A byte stream from the other process: what LpmRequest::stream() and
// LpmResponse::stream() return. Read it like any sequential QIODevice as readyRead()
// comes. The bytes travel on a socketpair of their own; whether the stream ended
// completely comes separately from the sender, so a source that failed half-way is
// an error here, never a silently short stream:
//  - finished() (and readChannelFinished()) once every byte has arrived and the
//    sender's source ended cleanly; atEnd() is true when they are read;
//  - errorOccurred() with errorString() when the source failed or the sender died.
// Memory stays bounded: when the reader falls behind, the kernel makes the sender wait.
class LPM_EXPORT LpmStream : public QIODevice
{
    Q_OBJECT
public:
    ~LpmStream() override;

    bool isSequential() const override;
    qint64 bytesAvailable() const override;
    bool atEnd() const override;
    bool waitForReadyRead(int msecs) override;

    // Every byte arrived and the source ended cleanly.
    bool isFinished() const;
    bool hasError() const;

Q_SIGNALS:
    void finished();
    void errorOccurred(const QString &errorString);

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    friend class LpmStreamPrivate;
    LpmStream();
    Q_DECLARE_PRIVATE(LpmStream)
    std::unique_ptr<LpmStreamPrivate> d_ptr;
};
