#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmevent.h>

#include <QtCore/qatomic.h>

#include <functional>

// What an LpmEvent shares among its copies. The supervisor gives it a replier that
// delivers the answer to the worker, and a rejecter for when nobody answered.
class LpmEventData : public QSharedData
{
public:
    ~LpmEventData();

    QString name;
    QVariant data;
    qint64 pid = 0;
    QUuid id;
    qint64 createdAt = 0;
    QAtomicInt answered; // set once, by whichever thread responds first
    // Both called at most once, in any thread.
    std::function<bool(const QVariant &answer)> reply;
    std::function<void()> rejectUnanswered;
};
