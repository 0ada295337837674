// The lpm-monitor window with real demo workers, offscreen.

#include "lpmtesthelpers.h"

#include "memorychart.h"
#include "monitortranslations.h"
#include "monitorwindow.h"
#include "workertablemodel.h"

#include <lpm/lpm.h>

#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtGui/qimage.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>
#include <QtWidgets/qpushbutton.h>
#include <QtWidgets/qspinbox.h>
#include <QtWidgets/qtableview.h>

#include <algorithm>

using namespace LpmTest;

namespace {

MonitorSettings demoSettings(int workers)
{
    MonitorSettings settings;
    settings.workerProgram = QStringLiteral(LPM_DEMOWORKER);
    settings.workers = workers;
    settings.requestsPerSecond = 50;
    return settings;
}

bool chartShows(const MemoryChart *chart, int workers)
{
    const QList<qint64> pids = chart->livePids();
    return pids.size() == workers
            && std::all_of(pids.cbegin(), pids.cend(), [chart](qint64 pid) { return chart->pointCount(pid) >= 2; });
}

QSet<qint64> tablePids(const QTableView *table)
{
    QSet<qint64> pids;
    const QAbstractItemModel *model = table->model();
    for (int row = 0; row < model->rowCount(); ++row)
        pids.insert(model->index(row, 0).data().toLongLong());
    return pids;
}

int restartsOf(const QAbstractItemModel *model, qint64 pid)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, WorkerTableModel::Pid).data().toLongLong() == pid)
            return model->index(row, WorkerTableModel::Restarts).data().toInt();
    }
    return -1;
}

bool logHas(const MonitorWindow &window, const QString &text)
{
    const QStringList lines = window.logLines();
    return std::any_of(lines.cbegin(), lines.cend(), [&](const QString &line) { return line.contains(text); });
}

} // namespace

class tst_Monitor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void chartsTableResizeAndCrash();
    void leakingWorkerIsRecycledAtItsLimit();
    void germanWindow();
    void unknownLanguageIsRefused();
    void screenshotModeWritesPng();
    void withoutDisplayExplainsHeadlessMode();

private:
    QSet<qint64> m_spawned;
};

void tst_Monitor::init()
{
    m_spawned.clear();
}

void tst_Monitor::cleanup()
{
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(m_spawned), 10000);
}

void tst_Monitor::chartsTableResizeAndCrash()
{
    MonitorWindow window(demoSettings(2));
    connect(window.supervisor(), &LpmSupervisor::childSpawned, this,
            [this](qint64 pid) { m_spawned.insert(pid); });
    window.show();
    window.startPool();

    QTRY_VERIFY_WITH_TIMEOUT(chartShows(window.rssChart(), 2), LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(chartShows(window.heapChart(), 2), LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(window.workerTable()->model()->rowCount(), 2, LongWaitMs);
    QCOMPARE(tablePids(window.workerTable()), m_spawned);

    auto *count = window.findChild<QSpinBox *>(QStringLiteral("workerCount"));
    QVERIFY(count);
    count->setValue(3);
    QTRY_VERIFY_WITH_TIMEOUT(chartShows(window.rssChart(), 3), LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(chartShows(window.heapChart(), 3), LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(window.workerTable()->model()->rowCount(), 3, LongWaitMs);
    QCOMPARE(m_spawned.size(), 3);

    const QSet<qint64> before = tablePids(window.workerTable());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    auto *crash = window.findChild<QPushButton *>(QStringLiteral("crashButton"));
    QVERIFY(crash);
    crash->click();
    QTRY_VERIFY_WITH_TIMEOUT(logHas(window, QStringLiteral("ended: crashed - killed by signal 6")), LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_spawned.size(), 4, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(tablePids(window.workerTable()).size() == 3
                                     && tablePids(window.workerTable()) != before,
                             LongWaitMs);
    const QSet<qint64> after = tablePids(window.workerTable());
    const QSet<qint64> fresh = after - before;
    QCOMPARE(fresh.size(), 1);
    QVERIFY(logHas(window, QStringLiteral("Worker %1 spawned").arg(*fresh.cbegin())));
    // The new pid gets its own line; the dead one is kept, marked as exited.
    QTRY_VERIFY_WITH_TIMEOUT(window.rssChart()->livePids().contains(*fresh.cbegin()), LongWaitMs);
    const QSet<qint64> dead = before - after;
    QCOMPARE(dead.size(), 1);
    QVERIFY(window.rssChart()->pids().contains(*dead.cbegin()));
    QVERIFY(!window.rssChart()->livePids().contains(*dead.cbegin()));
    // Restarts count per slot: the replacement's row says 1, the others 0.
    const QAbstractItemModel *model = window.workerTable()->model();
    QTRY_VERIFY_WITH_TIMEOUT(restartsOf(model, *fresh.cbegin()) == 1, LongWaitMs);
    for (qint64 pid : after - fresh)
        QCOMPARE(restartsOf(model, pid), 0);
}

void tst_Monitor::leakingWorkerIsRecycledAtItsLimit()
{
    MonitorWindow window(demoSettings(1));
    connect(window.supervisor(), &LpmSupervisor::childSpawned, this,
            [this](qint64 pid) { m_spawned.insert(pid); });
    window.show();
    window.startPool();
    QVERIFY(window.rssChart()->limit() > 0); // the line the leak will cross
    QCOMPARE(qint64(window.rssChart()->limit()) << 20, window.supervisor()->config().worker.maxMemory);
    QTRY_COMPARE_WITH_TIMEOUT(m_spawned.size(), 1, LongWaitMs);
    const qint64 leaking = *m_spawned.cbegin();
    QSignalSpy exits(window.supervisor(), &LpmSupervisor::workerExited);
    auto *leak = window.findChild<QPushButton *>(QStringLiteral("leakButton"));
    QVERIFY(leak);
    QTRY_COMPARE_WITH_TIMEOUT(window.workerTable()->model()->rowCount(), 1, LongWaitMs);
    leak->click(); // the only worker takes it
    QTRY_VERIFY_WITH_TIMEOUT(logHas(window, QStringLiteral("Worker %1 now leaks").arg(leaking)), LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!exits.isEmpty(), 2 * LongWaitMs);
    const auto exit = exits.first().at(0).value<LpmWorkerExit>();
    QCOMPARE(exit.pid(), leaking);
    QCOMPARE(exit.reason(), LpmWorkerExit::Reason::Recycled);
    QVERIFY(logHas(window, QStringLiteral("Worker %1 (slot 0) ended: recycled").arg(leaking)));
    // A recycle is no restart, and the slot was never empty.
    QTRY_COMPARE_WITH_TIMEOUT(window.workerTable()->model()->rowCount(), 1, LongWaitMs);
    QCOMPARE(window.supervisor()->restartCount(), 0);
    QCOMPARE(m_spawned.size(), 2);
}

void tst_Monitor::germanWindow()
{
#ifdef LPM_NO_TRANSLATIONS
    QSKIP("built without translations (LPM_BUILD_TRANSLATIONS=OFF)");
#endif
    MonitorTranslations translations;
    QVERIFY(translations.install(QLocale(QLocale::German, QLocale::Germany)));
    MonitorWindow window(demoSettings(1));
    QCOMPARE(window.windowTitle(), QStringLiteral("LPM-Monitor"));
    auto *crash = window.findChild<QPushButton *>(QStringLiteral("crashButton"));
    QVERIFY(crash);
    QCOMPARE(crash->text(), QStringLiteral("Worker abstürzen lassen"));
    // The library's catalog came along: its error messages are German too.
    QCOMPARE(LpmError(LpmError::Code::TimedOut).message(),
             QStringLiteral("Die Anfrage hat das Zeitlimit überschritten."));
}

void tst_Monitor::unknownLanguageIsRefused()
{
    QLocale locale(QLocale::French);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("--lang xx-nonsense is not a language")));
    QVERIFY(!MonitorTranslations::parseLanguage(QStringLiteral("xx-nonsense"), &locale));
    QCOMPARE(locale.language(), QLocale::French); // untouched
    QVERIFY(MonitorTranslations::parseLanguage(QStringLiteral("fr"), &locale));
    QCOMPARE(locale.language(), QLocale::French);
}

void tst_Monitor::screenshotModeWritesPng()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("monitor.png"));
    QProcess monitor;
    monitor.setProcessChannelMode(QProcess::ForwardedChannels);
    QSignalSpy finished(&monitor, &QProcess::finished);
    monitor.start(QStringLiteral(LPM_MONITOR),
                  { QStringLiteral("--offscreen"), QStringLiteral("--screenshot"), file,
                    QStringLiteral("--seconds"), QStringLiteral("3"), QStringLiteral("--workers"),
                    QStringLiteral("2"), QStringLiteral("--lang"), QStringLiteral("en") });
    QVERIFY(finished.wait(LongWaitMs * 2));
    QCOMPARE(monitor.exitStatus(), QProcess::NormalExit);
    QCOMPARE(monitor.exitCode(), 0);
    const QImage image(file);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1280, 800));
    // Something was drawn: a blank window has a handful of colours, charts have many.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
}

void tst_Monitor::withoutDisplayExplainsHeadlessMode()
{
    QProcess monitor;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : { "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM" })
        env.remove(QLatin1String(name));
    monitor.setProcessEnvironment(env);
    QSignalSpy finished(&monitor, &QProcess::finished);
    monitor.start(QStringLiteral(LPM_MONITOR), { QStringLiteral("--lang"), QStringLiteral("en") });
    QVERIFY(finished.wait(LongWaitMs));
    QCOMPARE(monitor.exitCode(), 2);
    const QString error = QString::fromLocal8Bit(monitor.readAllStandardError());
    QVERIFY2(error.contains(QLatin1String("No display found")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("--offscreen --screenshot FILE --seconds N")), qPrintable(error));
}

QTEST_MAIN(tst_Monitor)
#include "tst_monitor.moc"
