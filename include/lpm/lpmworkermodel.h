#pragma once

#include <lpm/lpmglobal.h>
#include <lpm/lpmworkerstatus.h>

#include <QtCore/qabstractitemmodel.h>
#include <QtCore/qvariant.h>

#include <memory>

class LpmSupervisor;
class LpmWorkerModelPrivate;

// One row per live worker of a supervisor, kept current from the supervisor's
// signals. Usable from C++ views and, through the Lpm QML module, from QML.
class LPM_EXPORT LpmWorkerModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(LpmSupervisor *supervisor READ supervisor WRITE setSupervisor NOTIFY supervisorChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        PidRole = Qt::UserRole + 1, // qint64: the worker's process id
        StateRole,     // QString: "starting", "ready", "busy" or "draining"
        RssRole,       // qint64: resident memory in bytes
        HeapUsedRole,  // qint64: C heap in use, in bytes
        HeapTotalRole, // qint64: C heap reserved, in bytes
        InFlightRole,  // int: requests sent to it and not yet answered
        HandledRole,   // qint64: requests it answered
        SocketsRole,   // int: handed-over connections it holds
        RestartsRole,  // int: respawns of the worker's slot after a crash
        StatusRole,    // LpmWorkerStatus: the whole snapshot, for C++
        SlotRole,      // int: the worker's slot (LPM_WORKER_INDEX), 0..count-1
        CpuPercentRole, // double: CPU use lately, in percent of one core
        RunTimeRole,   // LpmLatency: its requests' run times over the last minute
                       // (QML: runTime.p50, runTime.p99, runTime.count ...)
    };
    Q_ENUM(Role)

    explicit LpmWorkerModel(QObject *parent = nullptr);
    explicit LpmWorkerModel(LpmSupervisor *supervisor, QObject *parent = nullptr);
    ~LpmWorkerModel() override;

    LpmSupervisor *supervisor() const;
    void setSupervisor(LpmSupervisor *supervisor);

    int count() const;
    // The row showing the worker with pid, or -1.
    int rowOfPid(qint64 pid) const;
    // The snapshot shown in row; a default one when row is out of range.
    LpmWorkerStatus status(int row) const;
    // Every role of row by its roleNames() name, for QML (like ListModel.get()).
    Q_INVOKABLE QVariantMap get(int row) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    static QString stateName(LpmWorkerStatus::State state);

Q_SIGNALS:
    void supervisorChanged();
    void countChanged();

private:
    Q_DECLARE_PRIVATE(LpmWorkerModel)
    std::unique_ptr<LpmWorkerModelPrivate> d_ptr;
};
