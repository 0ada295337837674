#include "lpmworkermodel_p.h"

#include <lpm/lpmsupervisor.h>

#include <QtCore/qhash.h>

/*!
    \class LpmWorkerModel
    \inmodule Lpm
    \brief A list model with one row per live worker of an LpmSupervisor.

    \code
    LpmSupervisor supervisor(config);
    LpmWorkerModel model(&supervisor);
    QListView view;
    view.setModel(&model);   // rows come and go as workers spawn and exit
    supervisor.start();
    \endcode

    The model follows the pool only through LpmSupervisor's public API: a row is
    inserted on childSpawned(), removed on workerExited(), and its figures are
    refreshed on healthUpdated() and workerStateChanged() with dataChanged() naming
    the roles that changed, so views keep their selection and scroll position.
    Rows are in spawn order. The roles are listed in LpmWorkerModel::Role; QML sees
    them by the names roleNames() gives (pid, state, rss, ...).
*/

namespace {

QList<int> changedRoles(const LpmWorkerStatus &before, const LpmWorkerStatus &after)
{
    QList<int> roles;
    if (before.state() != after.state())
        roles << LpmWorkerModel::StateRole;
    if (before.rss() != after.rss())
        roles << LpmWorkerModel::RssRole;
    if (before.heapUsed() != after.heapUsed())
        roles << LpmWorkerModel::HeapUsedRole;
    if (before.heapTotal() != after.heapTotal())
        roles << LpmWorkerModel::HeapTotalRole;
    if (before.inFlight() != after.inFlight())
        roles << LpmWorkerModel::InFlightRole;
    if (before.handled() != after.handled())
        roles << LpmWorkerModel::HandledRole;
    if (before.sockets() != after.sockets())
        roles << LpmWorkerModel::SocketsRole;
    if (before.restarts() != after.restarts())
        roles << LpmWorkerModel::RestartsRole;
    if (before.slot() != after.slot())
        roles << LpmWorkerModel::SlotRole;
    if (before.cpuPercent() != after.cpuPercent())
        roles << LpmWorkerModel::CpuPercentRole;
    if (before.runTime().count() != after.runTime().count() || before.runTime().p50() != after.runTime().p50()
        || before.runTime().p99() != after.runTime().p99())
        roles << LpmWorkerModel::RunTimeRole;
    if (!roles.isEmpty())
        roles << LpmWorkerModel::StatusRole << Qt::DisplayRole;
    return roles;
}

} // namespace

void LpmWorkerModelPrivate::connectSupervisor()
{
    Q_Q(LpmWorkerModel);
    for (const QMetaObject::Connection &c : std::as_const(connections))
        QObject::disconnect(c);
    connections.clear();
    if (!supervisor)
        return;
    connections << QObject::connect(supervisor, &LpmSupervisor::childSpawned, q,
                                    [this](qint64 pid) { insertWorker(pid); });
    connections << QObject::connect(supervisor, &LpmSupervisor::workerExited, q,
                                    [this](const LpmWorkerExit &exit) { removeWorker(exit.pid()); });
    connections << QObject::connect(supervisor, &LpmSupervisor::healthUpdated, q,
                                    [this] { refresh(); });
    connections << QObject::connect(supervisor, &LpmSupervisor::workerStateChanged, q,
                                    [this] { refresh(); });
    // The supervisor's destructor stops its workers without signals: forget them all.
    connections << QObject::connect(supervisor, &QObject::destroyed, q, [this, q] {
        q->beginResetModel();
        const bool hadRows = !rows.isEmpty();
        rows.clear();
        q->endResetModel();
        if (hadRows)
            Q_EMIT q->countChanged();
        Q_EMIT q->supervisorChanged();
    });
}

void LpmWorkerModelPrivate::insertWorker(qint64 pid)
{
    Q_Q(LpmWorkerModel);
    if (q->rowOfPid(pid) >= 0)
        return;
    LpmWorkerStatus status;
    status.setPid(pid);
    const QList<LpmWorkerStatus> current = supervisor->workers();
    for (const LpmWorkerStatus &worker : current) {
        if (worker.pid() == pid)
            status = worker;
    }
    const int row = int(rows.size());
    q->beginInsertRows(QModelIndex(), row, row);
    rows.append(status);
    q->endInsertRows();
    Q_EMIT q->countChanged();
}

void LpmWorkerModelPrivate::removeWorker(qint64 pid)
{
    Q_Q(LpmWorkerModel);
    const int row = q->rowOfPid(pid);
    if (row < 0)
        return;
    q->beginRemoveRows(QModelIndex(), row, row);
    rows.removeAt(row);
    q->endRemoveRows();
    Q_EMIT q->countChanged();
}

void LpmWorkerModelPrivate::refresh()
{
    Q_Q(LpmWorkerModel);
    const QList<LpmWorkerStatus> current = supervisor->workers();
    for (const LpmWorkerStatus &worker : current) {
        const int row = q->rowOfPid(worker.pid());
        if (row < 0) {
            // Spawned before we were told (cannot happen while connected, but a row
            // missing for a live worker would be worse than an extra check).
            insertWorker(worker.pid());
            continue;
        }
        const QList<int> roles = changedRoles(rows.at(row), worker);
        if (roles.isEmpty())
            continue;
        rows[row] = worker;
        const QModelIndex index = q->index(row);
        Q_EMIT q->dataChanged(index, index, roles);
    }
}

/*!
    \enum LpmWorkerModel::Role

    The roles of a row, each named in roleNames() for QML.

    \value PidRole \c pid, qint64: the worker's process id.
    \value StateRole \c state, QString: "starting", "ready", "busy" or "draining"
           (stateName()).
    \value RssRole \c rss, qint64: resident memory in bytes.
    \value HeapUsedRole \c heapUsed, qint64: C heap in use, in bytes.
    \value HeapTotalRole \c heapTotal, qint64: C heap reserved, in bytes.
    \value InFlightRole \c inFlight, int: requests sent to the worker and not yet
           answered.
    \value HandledRole \c handled, qint64: requests the worker answered.
    \value SocketsRole \c sockets, int: handed-over connections the worker holds.
    \value RestartsRole \c restarts, int: respawns of the worker's slot after a crash.
    \value StatusRole \c status, LpmWorkerStatus: the whole snapshot, for C++.
    \value SlotRole \c slot, int: the worker's slot (\c LPM_WORKER_INDEX), 0 to
           count - 1.
    \value CpuPercentRole \c cpuPercent, double: CPU use lately, in percent of one core.
    \value RunTimeRole \c runTime, LpmLatency: its requests' run times over the last
           minute (in QML \c runTime.p50, \c runTime.p99, \c runTime.count, ...).

    Qt::DisplayRole (\c display) shows the pid and the state, as "1234 (ready)".
*/

/*!
    \property LpmWorkerModel::supervisor
    \brief the supervisor whose workers the model shows; \c nullptr for none.

    Setting it resets the rows to the supervisor's current
    LpmSupervisor::workers(). A supervisor that is destroyed leaves the model empty.
*/

/*!
    \property LpmWorkerModel::count
    \brief the number of rows: the supervisor's live workers.
*/

/*!
    Constructs an empty model with \a parent; setSupervisor() gives it a pool to
    follow.
*/
LpmWorkerModel::LpmWorkerModel(QObject *parent)
    : QAbstractListModel(parent), d_ptr(new LpmWorkerModelPrivate(this))
{
}

/*!
    Constructs a model with \a parent that follows \a supervisor.
*/
LpmWorkerModel::LpmWorkerModel(LpmSupervisor *supervisor, QObject *parent)
    : LpmWorkerModel(parent)
{
    setSupervisor(supervisor);
}

/*!
    Destroys the model; the supervisor is left alone.
*/
LpmWorkerModel::~LpmWorkerModel()
{
    Q_D(LpmWorkerModel);
    // Before d goes: the lambdas capture it.
    for (const QMetaObject::Connection &c : std::as_const(d->connections))
        disconnect(c);
}

LpmSupervisor *LpmWorkerModel::supervisor() const
{
    return d_func()->supervisor;
}

/*!
    Follows \a supervisor from now on (nullptr: none). The rows are reset to the
    supervisor's current workers().
*/
void LpmWorkerModel::setSupervisor(LpmSupervisor *supervisor)
{
    Q_D(LpmWorkerModel);
    if (d->supervisor == supervisor)
        return;
    const int oldCount = count();
    beginResetModel();
    d->supervisor = supervisor;
    d->rows = supervisor ? supervisor->workers() : QList<LpmWorkerStatus>();
    d->connectSupervisor();
    endResetModel();
    Q_EMIT supervisorChanged();
    if (count() != oldCount)
        Q_EMIT countChanged();
}

int LpmWorkerModel::count() const
{
    return int(d_func()->rows.size());
}

/*!
    Returns the row showing the worker with process id \a pid, or -1.
*/
int LpmWorkerModel::rowOfPid(qint64 pid) const
{
    Q_D(const LpmWorkerModel);
    for (int row = 0; row < d->rows.size(); ++row) {
        if (d->rows.at(row).pid() == pid)
            return row;
    }
    return -1;
}

/*!
    Returns the snapshot shown in \a row; a default LpmWorkerStatus when \a row is
    out of range.
*/
LpmWorkerStatus LpmWorkerModel::status(int row) const
{
    Q_D(const LpmWorkerModel);
    return row >= 0 && row < d->rows.size() ? d->rows.at(row) : LpmWorkerStatus();
}

/*!
    Returns every role of \a row keyed by its name in roleNames(), or an empty map
    when \a row is out of range. Meant for QML, where
    \c {workers.get(0).pid} reads a row outside a delegate.
*/
QVariantMap LpmWorkerModel::get(int row) const
{
    QVariantMap result;
    if (row < 0 || row >= count())
        return result;
    const QModelIndex idx = index(row);
    const QHash<int, QByteArray> names = roleNames();
    for (auto it = names.cbegin(); it != names.cend(); ++it) {
        if (it.key() != StatusRole && it.key() != Qt::DisplayRole)
            result.insert(QString::fromLatin1(it.value()), data(idx, it.key()));
    }
    return result;
}

/*!
    Returns count() for the root; 0 for any valid \a parent, since the model is a
    flat list.
*/
int LpmWorkerModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

/*!
    Returns the value of \a role (an LpmWorkerModel::Role or Qt::DisplayRole) for
    the worker at \a index, or an invalid QVariant.
*/
QVariant LpmWorkerModel::data(const QModelIndex &index, int role) const
{
    Q_D(const LpmWorkerModel);
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LpmWorkerStatus &worker = d->rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1 (%2)").arg(worker.pid()).arg(stateName(worker.state()));
    case PidRole:
        return worker.pid();
    case StateRole:
        return stateName(worker.state());
    case RssRole:
        return worker.rss();
    case HeapUsedRole:
        return worker.heapUsed();
    case HeapTotalRole:
        return worker.heapTotal();
    case InFlightRole:
        return worker.inFlight();
    case HandledRole:
        return worker.handled();
    case SocketsRole:
        return worker.sockets();
    case RestartsRole:
        return worker.restarts();
    case SlotRole:
        return worker.slot();
    case CpuPercentRole:
        return worker.cpuPercent();
    case RunTimeRole:
        return QVariant::fromValue(worker.runTime());
    case StatusRole:
        return QVariant::fromValue(worker);
    default:
        return {};
    }
}

/*!
    Returns the names QML sees the roles by: \c display, \c pid, \c state, \c rss,
    \c heapUsed, \c heapTotal, \c inFlight, \c handled, \c sockets, \c restarts,
    \c slot, \c cpuPercent, \c runTime and \c status.
*/
QHash<int, QByteArray> LpmWorkerModel::roleNames() const
{
    return {
        { Qt::DisplayRole, "display" },
        { PidRole, "pid" },
        { StateRole, "state" },
        { RssRole, "rss" },
        { HeapUsedRole, "heapUsed" },
        { HeapTotalRole, "heapTotal" },
        { InFlightRole, "inFlight" },
        { HandledRole, "handled" },
        { SocketsRole, "sockets" },
        { RestartsRole, "restarts" },
        { SlotRole, "slot" },
        { CpuPercentRole, "cpuPercent" },
        { RunTimeRole, "runTime" },
        { StatusRole, "status" },
    };
}

/*!
    \fn void LpmWorkerModel::supervisorChanged()

    This signal is emitted when the model follows another supervisor, or none
    because the one it followed was destroyed.
*/

/*!
    \fn void LpmWorkerModel::countChanged()

    This signal is emitted when rows are inserted or removed, as workers spawn and
    exit.
*/

/*!
    Returns the name StateRole gives \a state: "starting", "ready", "busy" or
    "draining". These are identifiers, not translated text.
*/
QString LpmWorkerModel::stateName(LpmWorkerStatus::State state)
{
    switch (state) {
    case LpmWorkerStatus::State::Starting:
        return QStringLiteral("starting");
    case LpmWorkerStatus::State::Ready:
        return QStringLiteral("ready");
    case LpmWorkerStatus::State::Busy:
        return QStringLiteral("busy");
    case LpmWorkerStatus::State::Draining:
        return QStringLiteral("draining");
    }
    return {};
}
