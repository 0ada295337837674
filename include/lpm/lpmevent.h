#pragma once

#include <lpm/lpmglobal.h>

#include <QtCore/qmetatype.h>
#include <QtCore/qshareddata.h>
#include <QtCore/quuid.h>
#include <QtCore/qvariant.h>

class LpmEventData;

// A custom event a worker sent with LpmWorker::sendEvent(), as the supervisor's
// eventReceived() delivers it. Copies share one event: respond() on any of them
// answers it, once. When the last copy goes away unanswered, the worker's future
// rejects with LpmError::Code::NoAnswer, so a worker never waits on an event nobody
// kept.
class LPM_EXPORT LpmEvent
{
public:
    LpmEvent();
    LpmEvent(const LpmEvent &other);
    LpmEvent(LpmEvent &&other) noexcept;
    LpmEvent &operator=(const LpmEvent &other);
    QT_MOVE_ASSIGNMENT_OPERATOR_IMPL_VIA_PURE_SWAP(LpmEvent)
    ~LpmEvent();
    void swap(LpmEvent &other) noexcept { d.swap(other.d); }

    QString name() const;
    QVariant data() const;
    qint64 pid() const;       // the worker that sent it
    QUuid id() const;         // a random UUID (version 4)
    qint64 createdAt() const; // when the worker sent it: ns on the monotonic clock
    bool isAnswered() const;

    // Resolves the worker's sendEvent() future with answer. Thread-safe. Returns
    // false, with a warning under lpm.supervisor, if the event was already answered,
    // the answer cannot cross processes (the worker's future then rejects with
    // NotSerializable) or the worker is gone.
    bool respond(const QVariant &answer = {}) const;

private:
    friend class LpmEventBridge;
    explicit LpmEvent(LpmEventData *data);
    QExplicitlySharedDataPointer<LpmEventData> d;
};

Q_DECLARE_SHARED(LpmEvent)
Q_DECLARE_METATYPE(LpmEvent)
