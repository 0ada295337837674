#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmworkermodel.h>

#include <QtCore/qlist.h>
#include <QtCore/qpointer.h>

class LpmSupervisor;

class LpmWorkerModelPrivate
{
    Q_DECLARE_PUBLIC(LpmWorkerModel)
public:
    explicit LpmWorkerModelPrivate(LpmWorkerModel *q) : q_ptr(q) { }

    void connectSupervisor();
    void insertWorker(qint64 pid);
    void removeWorker(qint64 pid);
    // Brings every row up to the supervisor's workers().
    void refresh();

    LpmWorkerModel *q_ptr;
    QPointer<LpmSupervisor> supervisor;
    QList<QMetaObject::Connection> connections;
    QList<LpmWorkerStatus> rows;
};
