#include "workertablemodel.h"

#include <lpm/lpmworkermodel.h>

namespace {

int roleOf(int column)
{
    switch (column) {
    case WorkerTableModel::Pid: return LpmWorkerModel::PidRole;
    case WorkerTableModel::InFlight: return LpmWorkerModel::InFlightRole;
    case WorkerTableModel::Handled: return LpmWorkerModel::HandledRole;
    case WorkerTableModel::Sockets: return LpmWorkerModel::SocketsRole;
    case WorkerTableModel::Rss: return LpmWorkerModel::RssRole;
    case WorkerTableModel::HeapUsed: return LpmWorkerModel::HeapUsedRole;
    case WorkerTableModel::HeapTotal: return LpmWorkerModel::HeapTotalRole;
    case WorkerTableModel::Restarts: return LpmWorkerModel::RestartsRole;
    default: return LpmWorkerModel::StatusRole;
    }
}

bool isMemory(int column)
{
    return column == WorkerTableModel::Rss || column == WorkerTableModel::HeapUsed
            || column == WorkerTableModel::HeapTotal;
}

} // namespace

WorkerTableModel::WorkerTableModel(LpmWorkerModel *workers, QObject *parent)
    : QAbstractTableModel(parent), m_workers(workers)
{
    // Same rows as the source, so its row signals are passed on one for one.
    connect(workers, &QAbstractItemModel::rowsAboutToBeInserted, this,
            [this](const QModelIndex &, int first, int last) { beginInsertRows({}, first, last); });
    connect(workers, &QAbstractItemModel::rowsInserted, this, [this] { endInsertRows(); });
    connect(workers, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex &, int first, int last) { beginRemoveRows({}, first, last); });
    connect(workers, &QAbstractItemModel::rowsRemoved, this, [this] { endRemoveRows(); });
    connect(workers, &QAbstractItemModel::modelAboutToBeReset, this, [this] { beginResetModel(); });
    connect(workers, &QAbstractItemModel::modelReset, this, [this] { endResetModel(); });
    connect(workers, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                Q_EMIT dataChanged(index(topLeft.row(), 0), index(bottomRight.row(), ColumnCount - 1));
            });
}

int WorkerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_workers ? 0 : m_workers->rowCount();
}

int WorkerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorkerTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QModelIndex source = m_workers->index(index.row());
    const int column = index.column();
    if (role == Qt::TextAlignmentRole)
        return column == State ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                               : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (column == State) {
        const auto state = m_workers->status(index.row()).state();
        if (role == SortRole)
            return int(state);
        if (role != Qt::DisplayRole)
            return {};
        switch (state) {
        case LpmWorkerStatus::State::Starting: return tr("starting");
        case LpmWorkerStatus::State::Ready: return tr("ready");
        case LpmWorkerStatus::State::Busy: return tr("busy");
        case LpmWorkerStatus::State::Draining: return tr("draining");
        }
        return {};
    }
    const QVariant value = source.data(roleOf(column));
    if (role == SortRole)
        return value;
    if (role != Qt::DisplayRole)
        return {};
    if (isMemory(column))
        return tr("%1 MiB").arg(value.toDouble() / (1024.0 * 1024.0), 0, 'f', 1);
    return value;
}

QVariant WorkerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Pid: return tr("PID");
    case State: return tr("State");
    case InFlight: return tr("In flight");
    case Handled: return tr("Handled");
    case Sockets: return tr("Sockets");
    case Rss: return tr("RSS");
    case HeapUsed: return tr("Heap used");
    case HeapTotal: return tr("Heap total");
    case Restarts: return tr("Restarts");
    default: return {};
    }
}
