// The lpm-monitor window with real demo workers, offscreen.

#include "lpmtesthelpers.h"

#include "loadgenerator.h"
#include "monitortranslations.h"
#include "monitorwindow.h"
#include "poolchart.h"
#include "slotpalette.h"
#include "workerchart.h"
#include "workertablemodel.h"

#include <lpm/lpm.h>

#include <QtCharts/qchartview.h>
#include <QtCharts/qvalueaxis.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtGui/qimage.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>
#include <QtWidgets/qlabel.h>
#include <QtWidgets/qpushbutton.h>
#include <QtWidgets/qspinbox.h>
#include <QtWidgets/qtableview.h>

#include <algorithm>
#include <cmath>

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

bool chartShows(const WorkerChart *chart, int workers)
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
        pids.insert(model->index(row, WorkerTableModel::Pid).data().toLongLong());
    return pids;
}

int rowOf(const QAbstractItemModel *model, qint64 pid)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, WorkerTableModel::Pid).data().toLongLong() == pid)
            return row;
    }
    return -1;
}

int restartsOf(const QAbstractItemModel *model, qint64 pid)
{
    const int row = rowOf(model, pid);
    return row < 0 ? -1 : model->index(row, WorkerTableModel::Restarts).data().toInt();
}

int slotOf(const QAbstractItemModel *model, qint64 pid)
{
    const int row = rowOf(model, pid);
    return row < 0 ? -1 : model->index(row, WorkerTableModel::Slot).data().toInt();
}

// The swatch the table shows beside the slot of pid's row.
QColor swatchOf(const QAbstractItemModel *model, qint64 pid)
{
    const int row = rowOf(model, pid);
    return row < 0 ? QColor() : model->index(row, WorkerTableModel::Slot).data(Qt::DecorationRole).value<QColor>();
}

template<typename T>
T *control(const QWidget &window, const char *name)
{
    return window.findChild<T *>(QLatin1String(name));
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
    void slotColoursAreDistinctAndStable();
    void boundControlsChangeTheConfig();
    void poolChartsFillWhileThePoolRuns();
    void burstFillsTheQueueScalesAndIsRefusedBeyondTheBound();
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

    // The replacement took over the dead worker's slot and, with it, its colour: in
    // every per-worker chart and in the table. The live workers' colours all differ.
    const qint64 replacement = *fresh.cbegin();
    const QColor slotColour = SlotPalette::color(slotOf(model, replacement));
    QTRY_VERIFY_WITH_TIMEOUT(window.cpuChart()->livePids().contains(replacement)
                                     && window.heapChart()->livePids().contains(replacement),
                             LongWaitMs);
    for (const WorkerChart *chart : { window.rssChart(), window.heapChart(), window.cpuChart() }) {
        QCOMPARE(chart->lineColor(replacement), slotColour);
        if (chart->pids().contains(*dead.cbegin()))
            QCOMPARE(chart->lineColor(*dead.cbegin()), slotColour);
    }
    QCOMPARE(swatchOf(model, replacement), slotColour);
    QSet<QRgb> colours;
    for (qint64 pid : after) {
        QCOMPARE(swatchOf(model, pid), window.rssChart()->lineColor(pid));
        colours.insert(window.rssChart()->lineColor(pid).rgb());
    }
    QCOMPARE(colours.size(), 3);
}

void tst_Monitor::slotColoursAreDistinctAndStable()
{
    QVERIFY(SlotPalette::size() >= MonitorSettings::MaxWorkers);
    QSet<QRgb> colours;
    for (int slot = 0; slot < MonitorSettings::MaxWorkers; ++slot) {
        const QColor colour = SlotPalette::color(slot);
        QVERIFY(colour.isValid());
        QCOMPARE(SlotPalette::color(slot), colour); // the same every time it is asked
        colours.insert(colour.rgb());
    }
    QCOMPARE(colours.size(), MonitorSettings::MaxWorkers);
    // Told apart, not merely different: no two closer than Tableau 10's closest pair
    // (about 56 in RGB), and readable on white: none near-white.
    const QList<QRgb> list(colours.cbegin(), colours.cend());
    for (int i = 0; i < list.size(); ++i) {
        const QColor a(list.at(i));
        QVERIFY2(a.lightness() < 230, qPrintable(a.name()));
        for (int j = i + 1; j < list.size(); ++j) {
            const QColor b(list.at(j));
            const double distance = std::hypot(a.red() - b.red(), a.green() - b.green(), a.blue() - b.blue());
            QVERIFY2(distance >= 50, qPrintable(a.name() + QLatin1Char(' ') + b.name()));
        }
    }
    // Beyond the palette the colours come round again, for any slot number.
    QCOMPARE(SlotPalette::color(SlotPalette::size()), SlotPalette::color(0));
}

void tst_Monitor::boundControlsChangeTheConfig()
{
    MonitorSettings settings = demoSettings(2);
    settings.requestsPerSecond = 0;
    MonitorWindow window(settings);
    connect(window.supervisor(), &LpmSupervisor::childSpawned, this,
            [this](qint64 pid) { m_spawned.insert(pid); });
    window.startPool();
    auto *bound = control<QSpinBox>(window, "queueBound");
    auto *minWorkers = control<QSpinBox>(window, "minWorkers");
    auto *maxWorkers = control<QSpinBox>(window, "maxWorkers");
    auto *idle = control<QSpinBox>(window, "idleTimeout");
    auto *count = control<QSpinBox>(window, "workerCount");
    QVERIFY(bound && minWorkers && maxWorkers && idle && count);
    // The controls start from the supervisor's config.
    QCOMPARE(bound->value(), 0);
    QCOMPARE(minWorkers->value(), 2);
    QCOMPARE(maxWorkers->value(), 2);

    bound->setValue(200);
    QCOMPARE(window.supervisor()->config().request.maxQueued, 200);
    bound->setValue(0);
    QCOMPARE(window.supervisor()->config().request.maxQueued, 0);
    QCOMPARE(bound->text(), QStringLiteral("unbounded"));

    // A fixed-size pool stays fixed when resized: its bounds follow the count.
    count->setValue(3);
    QCOMPARE(window.supervisor()->targetCount(), 3);
    QCOMPARE(window.supervisor()->config().worker.minCount, 3);
    QCOMPARE(window.supervisor()->config().worker.maxCount, 3);
    QCOMPARE(minWorkers->value(), 3);
    QCOMPARE(maxWorkers->value(), 3);
    count->setValue(2);
    QCOMPARE(minWorkers->value(), 2);
    QCOMPARE(maxWorkers->value(), 2);

    maxWorkers->setValue(5);
    QCOMPARE(window.supervisor()->config().worker.maxCount, 5);
    QCOMPARE(window.supervisor()->config().worker.minCount, 2);
    minWorkers->setValue(3); // above the count: the pool grows to the new minimum
    QCOMPARE(window.supervisor()->config().worker.minCount, 3);
    QCOMPARE(window.supervisor()->targetCount(), 3);
    QCOMPARE(count->value(), 3); // the count follows
    // min <= max always: neither box can pass the other.
    QCOMPARE(minWorkers->maximum(), 5);
    QCOMPARE(maxWorkers->minimum(), 3);
    // In an autoscaling pool, a count beyond the bounds widens them.
    count->setValue(6);
    QCOMPARE(window.supervisor()->config().worker.maxCount, 6);
    QCOMPARE(window.supervisor()->config().worker.minCount, 3);
    QCOMPARE(maxWorkers->value(), 6);
    QCOMPARE(window.supervisor()->targetCount(), 6);
    count->setValue(3);
    QCOMPARE(window.supervisor()->targetCount(), 3);
    QVERIFY(logHas(window, QStringLiteral("The pool now keeps 3 workers")));
    QVERIFY(!logHas(window, QStringLiteral("Autoscaling:"))); // the user's doing, not the autoscaler's

    idle->setValue(7);
    QCOMPARE(window.supervisor()->config().worker.idleTimeout, 7000);
    QTRY_COMPARE_WITH_TIMEOUT(window.workerTable()->model()->rowCount(), 3, LongWaitMs);
}

void tst_Monitor::poolChartsFillWhileThePoolRuns()
{
    MonitorWindow window(demoSettings(2));
    connect(window.supervisor(), &LpmSupervisor::childSpawned, this,
            [this](qint64 pid) { m_spawned.insert(pid); });
    window.show();
    window.startPool();
    const PoolChart *throughput = window.throughputChart();
    const PoolChart *queue = window.queueChart();
    const PoolChart *latency = window.latencyChart();
    QCOMPARE(throughput->kind(), PoolChart::Kind::Throughput);
    QCOMPARE(queue->kind(), PoolChart::Kind::Queue);
    QCOMPARE(latency->kind(), PoolChart::Kind::Latency);
    // Every line of the pool charts gets points once answers come; latency lines
    // (run time and queue wait, p50/p90/p99) only once there is something to measure.
    QCOMPARE(latency->lineCount(), 6);
    QTRY_VERIFY_WITH_TIMEOUT(latency->pointCount(0) >= 2 && latency->pointCount(3) >= 2, LongWaitMs);
    for (const PoolChart *chart : { throughput, queue, latency }) {
        for (int line = 0; line < chart->lineCount(); ++line)
            QTRY_VERIFY2_WITH_TIMEOUT(chart->pointCount(line) >= 2, qPrintable(chart->lineName(line)), LongWaitMs);
    }
    QTRY_VERIFY_WITH_TIMEOUT(window.supervisor()->metrics().throughput() > 0, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(window.loadGenerator()->throughput() > 0, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(chartShows(window.cpuChart(), 2), LongWaitMs);
    // All six charts slide on one clock: the same window of time under each.
    const QList<QChartView *> views = window.findChildren<QChartView *>();
    QCOMPARE(views.size(), 6);
    const auto timeAxis = [](const QChartView *view) {
        return qobject_cast<QValueAxis *>(view->chart()->axes(Qt::Horizontal).value(0));
    };
    for (const QChartView *view : views) {
        QVERIFY(timeAxis(view));
        QCOMPARE(timeAxis(view)->min(), timeAxis(views.first())->min());
        QCOMPARE(timeAxis(view)->max(), timeAxis(views.first())->max());
    }
}

void tst_Monitor::burstFillsTheQueueScalesAndIsRefusedBeyondTheBound()
{
    MonitorSettings settings = demoSettings(1);
    settings.maxWorkers = 3;
    settings.requestsPerSecond = 0;
    settings.tileSize = LoadGenerator::MaxTileSize; // a few ms each: the burst has to wait
    settings.maxQueued = 40;
    settings.idleTimeoutMs = 600000; // no shrinking until the test says so
    MonitorWindow window(settings);
    connect(window.supervisor(), &LpmSupervisor::childSpawned, this,
            [this](qint64 pid) { m_spawned.insert(pid); });
    window.show();
    window.startPool();
    QSignalSpy online(window.supervisor(), &LpmSupervisor::online);
    QVERIFY(online.wait(LongWaitMs));
    QSignalSpy grown(window.supervisor(), &LpmSupervisor::targetCountChanged);

    auto *burstSize = control<QSpinBox>(window, "burstSize");
    auto *burst = control<QPushButton>(window, "burstButton");
    auto *refused = control<QLabel>(window, "rejectedCount");
    auto *count = control<QSpinBox>(window, "workerCount");
    QVERIFY(burstSize && burst && refused && count);
    burstSize->setValue(200);
    burst->click();
    // At most 40 wait; the rest of the burst is refused at once, counted and shown.
    QVERIFY(window.supervisor()->queueLength() <= 40);
    QTRY_VERIFY_WITH_TIMEOUT(window.loadGenerator()->rejectedCount() >= 100, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(refused->text(), QString::number(window.loadGenerator()->rejectedCount()),
                              LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(logHas(window, QStringLiteral("Queue full (bound 40): refused")), LongWaitMs);
    // The queue is seen on its chart and the refusals on the throughput chart.
    QTRY_VERIFY_WITH_TIMEOUT(window.queueChart()->pointCount(0) > 0, LongWaitMs);
    // Requests waited while the only worker was busy: the autoscaler grew the pool,
    // and the worker count control followed it.
    QVERIFY(grown.count() > 0 || grown.wait(LongWaitMs));
    QTRY_VERIFY_WITH_TIMEOUT(count->value() > 1, LongWaitMs);
    QCOMPARE(count->value(), window.supervisor()->targetCount());
    QVERIFY(window.supervisor()->targetCount() <= 3);
    QTRY_VERIFY_WITH_TIMEOUT(logHas(window, QStringLiteral("the pool grows to")), LongWaitMs);

    // Idle again, with a short idle timeout: back down to the minimum.
    QTRY_COMPARE_WITH_TIMEOUT(window.supervisor()->pendingCount(), 0, LongWaitMs);
    control<QSpinBox>(window, "idleTimeout")->setValue(1);
    QTRY_COMPARE_WITH_TIMEOUT(window.supervisor()->targetCount(), 1, LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(count->value(), 1, LongWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(logHas(window, QStringLiteral("the pool shrinks to 1")), LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(window.workerTable()->model()->rowCount(), 1, LongWaitMs);
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
    QCOMPARE(image.size(), QSize(1300, 850));
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
