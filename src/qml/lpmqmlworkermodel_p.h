#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmsupervisor.h>
#include <lpm/lpmworkermodel.h>

#include <QtQml/qqml.h> // QML_FOREIGN needs more than qqmlregistration.h in 6.4

// Registers the core library's types from outside, so the core never links Qt Qml.

// WorkerModel: what Supervisor.workers is. QML gets it from a Supervisor; it cannot
// follow anything on its own, since the C++ LpmSupervisor is not creatable in QML.
struct LpmQmlWorkerModelForeign
{
    Q_GADGET
    QML_FOREIGN(LpmWorkerModel)
    QML_NAMED_ELEMENT(WorkerModel)
    QML_UNCREATABLE("A WorkerModel comes from Supervisor.workers.")
};

// Known to QML only as the type of WorkerModel.supervisor.
struct LpmQmlSupervisorForeign
{
    Q_GADGET
    QML_FOREIGN(LpmSupervisor)
    QML_ANONYMOUS
};
