#include "workertablemodel.h"

#include "slotpalette.h"

#include <lpm/lpmworkermodel.h>

#include <QtCore/qlocale.h>

namespace {

constexpr double MiB = 1024.0 * 1024.0;

// Numbers in the user's locale (0,38 in German); pids and slots are names, not amounts.
QString mib(qint64 bytes)
{
    return QLocale().toString(double(bytes) / MiB, 'f', 1);
}

// Two significant digits or so: 0.38, 3.2, 41.
QString ms(qint64 us)
{
    return QLocale().toString(double(us) / 1000.0, 'f', us < 1000 ? 2 : us < 10000 ? 1 : 0);
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
    switch (role) {
    case Qt::DisplayRole:
        return display(index);
    case SortRole:
        return sortValue(index);
    case Qt::DecorationRole:
        // The swatch ties the row to its lines in the charts.
        if (index.column() == Slot)
            return SlotPalette::color(m_workers->status(index.row()).slot());
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == State ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                       : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant WorkerTableModel::display(const QModelIndex &index) const
{
    const LpmWorkerStatus worker = m_workers->status(index.row());
    switch (index.column()) {
    case Slot: return worker.slot();
    case Pid: return QString::number(worker.pid()); // no group separators: 21353, not 21.353
    case State:
        switch (worker.state()) {
        case LpmWorkerStatus::State::Starting: return tr("starting");
        case LpmWorkerStatus::State::Ready: return tr("ready");
        case LpmWorkerStatus::State::Busy: return tr("busy");
        case LpmWorkerStatus::State::Draining: return tr("draining");
        }
        return {};
    case InFlight: return worker.inFlight();
    case Handled: return worker.handled();
    case Cpu: return QLocale().toString(worker.cpuPercent(), 'f', 0);
    case RunTime:
        if (worker.runTime().count() == 0)
            return QStringLiteral("-");
        return QStringLiteral("%1 / %2").arg(ms(worker.runTime().p50()), ms(worker.runTime().p99()));
    case Rss: return mib(worker.rss());
    case Heap: return QStringLiteral("%1 / %2").arg(mib(worker.heapUsed()), mib(worker.heapTotal()));
    case Restarts: return worker.restarts();
    default: return {};
    }
}

QVariant WorkerTableModel::sortValue(const QModelIndex &index) const
{
    const LpmWorkerStatus worker = m_workers->status(index.row());
    switch (index.column()) {
    case Slot: return worker.slot();
    case Pid: return worker.pid();
    case State: return int(worker.state());
    case InFlight: return worker.inFlight();
    case Handled: return worker.handled();
    case Cpu: return worker.cpuPercent();
    case RunTime: return worker.runTime().p50();
    case Rss: return worker.rss();
    case Heap: return worker.heapUsed();
    case Restarts: return worker.restarts();
    default: return {};
    }
}

QVariant WorkerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Slot: return tr("The worker's slot (LPM_WORKER_INDEX); a replacement takes it over, colour included");
        case InFlight: return tr("Requests sent to it and not answered yet");
        case Cpu: return tr("CPU time lately, in percent of one core");
        case RunTime: return tr("Its requests' run time over the last minute: median / 99th percentile");
        case Rss: return tr("Resident memory");
        case Heap: return tr("C heap in use / reserved");
        case Restarts: return tr("Respawns of its slot after a crash");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Slot: return tr("Slot");
    case Pid: return tr("PID");
    case State: return tr("State");
    case InFlight: return tr("In flight");
    case Handled: return tr("Handled");
    case Cpu: return tr("CPU %");
    case RunTime: return tr("Run ms");
    case Rss: return tr("RSS MiB");
    case Heap: return tr("Heap MiB");
    case Restarts: return tr("Restarts");
    default: return {};
    }
}
