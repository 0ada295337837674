#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtTest/qabstractitemmodeltester.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

using namespace LpmTest;

namespace {

QSet<qint64> modelPids(const LpmWorkerModel &model)
{
    QSet<qint64> pids;
    for (int row = 0; row < model.rowCount(); ++row)
        pids.insert(model.data(model.index(row), LpmWorkerModel::PidRole).toLongLong());
    return pids;
}

QSet<qint64> livePids(const LpmSupervisor &supervisor)
{
    QSet<qint64> pids;
    for (const LpmWorkerStatus &worker : supervisor.workers())
        pids.insert(worker.pid());
    return pids;
}

bool allRowsHaveMemory(const LpmWorkerModel &model)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        if (index.data(LpmWorkerModel::RssRole).toLongLong() <= 0
            || index.data(LpmWorkerModel::HeapUsedRole).toLongLong() <= 0
            || index.data(LpmWorkerModel::HeapTotalRole).toLongLong() <= 0)
            return false;
    }
    return model.rowCount() > 0;
}

} // namespace

class tst_WorkerModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void rowsFollowSpawnedWorkers();
    void roleNamesForQml();
    void figuresRefreshWithoutReset();
    void resizeAddsAndRemovesRows();
    void crashReplacesRow();
    void setSupervisorLateAndDestroyed();

private:
    QSet<qint64> m_spawned;
};

void tst_WorkerModel::init()
{
    m_spawned.clear();
}

void tst_WorkerModel::cleanup()
{
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(m_spawned), 10000);
}

void tst_WorkerModel::rowsFollowSpawnedWorkers()
{
    LpmSupervisor supervisor(configFor(2));
    LpmWorkerModel model(&supervisor);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, LongWaitMs);
    QCOMPARE(modelPids(model), m_spawned);
    for (qint64 pid : modelPids(model))
        QVERIFY(isAlive(pid));
    QTRY_VERIFY_WITH_TIMEOUT(allRowsHaveMemory(model), LongWaitMs);
    for (int row = 0; row < model.rowCount(); ++row) {
        QCOMPARE(model.index(row).data(LpmWorkerModel::StateRole).toString(), QStringLiteral("ready"));
        QCOMPARE(model.status(row).state(), LpmWorkerStatus::State::Ready);
        QCOMPARE(model.index(row).data(LpmWorkerModel::RestartsRole).toInt(), 0);
    }
    QCOMPARE(model.rowOfPid(0), -1);
}

void tst_WorkerModel::roleNamesForQml()
{
    LpmSupervisor supervisor(configFor(1));
    LpmWorkerModel model(&supervisor);
    const QList<QByteArray> names = model.roleNames().values();
    for (const char *name : { "pid", "state", "rss", "heapUsed", "heapTotal", "inFlight",
                              "handled", "sockets", "restarts" })
        QVERIFY2(names.contains(name), name);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, LongWaitMs);
    const QVariantMap row = model.get(0);
    QCOMPARE(row.value(QStringLiteral("pid")).toLongLong(), *m_spawned.cbegin());
    QCOMPARE(row.value(QStringLiteral("state")).toString(), QStringLiteral("ready"));
    QVERIFY(model.get(1).isEmpty());
    QVERIFY(model.get(-1).isEmpty());
}

void tst_WorkerModel::figuresRefreshWithoutReset()
{
    LpmSupervisor supervisor(configFor(1));
    LpmWorkerModel model(&supervisor);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QTRY_VERIFY_WITH_TIMEOUT(allRowsHaveMemory(model), LongWaitMs);
    const qint64 rssBefore = model.index(0).data(LpmWorkerModel::RssRole).toLongLong();

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    const auto f = supervisor.enqueue(op(QStringLiteral("alloc"), { { QStringLiteral("mib"), 32 } }));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(!rejection(f));
    // 32 MiB filled pages: the reported RSS must grow by most of that.
    QTRY_VERIFY_WITH_TIMEOUT(model.index(0).data(LpmWorkerModel::RssRole).toLongLong()
                                     > rssBefore + 24 * 1024 * 1024,
                             LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(model.index(0).data(LpmWorkerModel::HandledRole).toLongLong() >= 1,
                             LongWaitMs);
    bool sawRssRole = false;
    for (const QList<QVariant> &change : std::as_const(changes)) {
        QCOMPARE(change.at(0).toModelIndex().row(), 0);
        const auto roles = change.at(2).value<QList<int>>();
        QVERIFY(!roles.isEmpty());
        sawRssRole = sawRssRole || roles.contains(LpmWorkerModel::RssRole);
    }
    QVERIFY(sawRssRole);
    QCOMPARE(resets.count(), 0);
}

void tst_WorkerModel::resizeAddsAndRemovesRows()
{
    LpmSupervisor supervisor(configFor(2));
    LpmWorkerModel model(&supervisor);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, LongWaitMs);

    supervisor.resize(3);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3, LongWaitMs);
    QCOMPARE(m_spawned.size(), 3);
    QCOMPARE(modelPids(model), m_spawned);

    supervisor.resize(1);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, LongWaitMs);
    const qint64 survivor = *modelPids(model).cbegin();
    QVERIFY(isAlive(survivor));
    QCOMPARE(modelPids(model), livePids(supervisor));
}

void tst_WorkerModel::crashReplacesRow()
{
    LpmSupervisor supervisor(configFor(1));
    LpmWorkerModel model(&supervisor);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(startAndWait(supervisor, &m_spawned));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, LongWaitMs);
    const qint64 first = model.index(0).data(LpmWorkerModel::PidRole).toLongLong();

    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    const auto f = supervisor.enqueue(op(QStringLiteral("crash")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_spawned.size(), 2, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, LongWaitMs);
    const qint64 second = model.index(0).data(LpmWorkerModel::PidRole).toLongLong();
    QVERIFY(second != first);
    QVERIFY(m_spawned.contains(second));
    QVERIFY(isAlive(second));
    QCOMPARE(removed.count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(model.index(0).data(LpmWorkerModel::RestartsRole).toInt(), 1,
                              LongWaitMs);
}

void tst_WorkerModel::setSupervisorLateAndDestroyed()
{
    LpmWorkerModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy supervisorChanged(&model, &LpmWorkerModel::supervisorChanged);
    {
        LpmSupervisor supervisor(configFor(2));
        QVERIFY(startAndWait(supervisor, &m_spawned));
        QCOMPARE(model.rowCount(), 0);
        model.setSupervisor(&supervisor);
        QCOMPARE(model.supervisor(), &supervisor);
        QCOMPARE(supervisorChanged.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(modelPids(model), m_spawned);
    }
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.supervisor(), nullptr);
    QCOMPARE(supervisorChanged.count(), 2);
}

QTEST_GUILESS_MAIN(tst_WorkerModel)
#include "tst_workermodel.moc"
