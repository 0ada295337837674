#pragma once

#include <QtCore/qabstractitemmodel.h>
#include <QtCore/qpointer.h>

class LpmWorkerModel;

// LpmWorkerModel's roles laid out as table columns, with translated headers and
// states, the slot's colour (SlotPalette) beside its number, CPU in percent, run
// times in ms and memory in MiB (the units in the headers, so the cells stay narrow),
// and the raw values under SortRole so a QSortFilterProxyModel sorts numbers as numbers.
class WorkerTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Slot, Pid, State, InFlight, Handled, Cpu, RunTime, Rss, Heap, Restarts, ColumnCount };
    static constexpr int SortRole = Qt::UserRole;

    explicit WorkerTableModel(LpmWorkerModel *workers, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const QModelIndex &index) const;
    QVariant sortValue(const QModelIndex &index) const;

    QPointer<LpmWorkerModel> m_workers;
};
