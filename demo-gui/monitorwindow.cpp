#include "monitorwindow.h"

#include "controlpanel.h"
#include "loadgenerator.h"
#include "poolchart.h"
#include "workerchart.h"
#include "workertablemodel.h"

#include <lpm/lpmerror.h>
#include <lpm/lpmworkermodel.h>

#include <QtCore/qdatetime.h>
#include <QtCore/qsortfilterproxymodel.h>
#include <QtWidgets/qboxlayout.h>
#include <QtWidgets/qgridlayout.h>
#include <QtWidgets/qgroupbox.h>
#include <QtWidgets/qheaderview.h>
#include <QtWidgets/qlabel.h>
#include <QtWidgets/qplaintextedit.h>
#include <QtWidgets/qscrollarea.h>
#include <QtWidgets/qscrollbar.h>
#include <QtWidgets/qsplitter.h>
#include <QtWidgets/qstatusbar.h>
#include <QtWidgets/qtableview.h>

namespace {

// A worker holding more than this is recycled: the leaking one, visibly.
constexpr qint64 MaxMemoryMiB = 160;
// Refusals and timeouts come by the hundred under overload: the log sums them up.
constexpr qint64 FailureLogMs = 2000;

QString exitReasonText(LpmWorkerExit::Reason reason)
{
    switch (reason) {
    case LpmWorkerExit::Reason::Requested: return MonitorWindow::tr("stopped as asked");
    case LpmWorkerExit::Reason::Recycled: return MonitorWindow::tr("recycled");
    case LpmWorkerExit::Reason::Crashed: return MonitorWindow::tr("crashed");
    case LpmWorkerExit::Reason::Killed: return MonitorWindow::tr("killed from outside");
    case LpmWorkerExit::Reason::Hung: return MonitorWindow::tr("hung");
    case LpmWorkerExit::Reason::StartTimedOut: return MonitorWindow::tr("did not start in time");
    case LpmWorkerExit::Reason::FailedToStart: return MonitorWindow::tr("could not start");
    case LpmWorkerExit::Reason::ProtocolError: return MonitorWindow::tr("broke the protocol");
    case LpmWorkerExit::Reason::ConnectionLost: return MonitorWindow::tr("lost its connection");
    }
    return {};
}

LpmSupervisorConfig configFor(const MonitorSettings &settings)
{
    LpmSupervisorConfig config;
    config.worker.program = settings.workerProgram;
    config.worker.count = settings.workers;
    config.worker.minCount = settings.minWorkers;
    config.worker.maxCount = settings.maxWorkers;
    config.worker.idleTimeout = settings.idleTimeoutMs;
    // Tiles are CPU-bound: one at a time per worker, the rest wait in the pool's
    // queue, where priorities order them and the bound and the autoscaler see them.
    config.worker.maxInFlight = 1;
    // A monitor is for watching crashes: allow a good many before giving up.
    config.worker.restarts = 20;
    config.worker.maxRestartsInInterval = 60;
    config.worker.maxMemory = MaxMemoryMiB << 20;
    config.request.maxQueued = settings.maxQueued;
    return config;
}

QGroupBox *boxAround(QWidget *widget, const QString &title)
{
    auto *box = new QGroupBox(title);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(widget);
    return box;
}

} // namespace

MonitorWindow::MonitorWindow(const MonitorSettings &settings, QWidget *parent)
    : QMainWindow(parent),
      m_supervisor(configFor(settings)),
      m_workerModel(new LpmWorkerModel(&m_supervisor, this)),
      m_load(new LoadGenerator(&m_supervisor, this)),
      m_controls(new ControlPanel(&m_supervisor, m_load, settings)),
      m_rssChart(new WorkerChart(WorkerChart::Metric::Rss)),
      m_heapChart(new WorkerChart(WorkerChart::Metric::Heap)),
      m_cpuChart(new WorkerChart(WorkerChart::Metric::Cpu)),
      m_throughputChart(new PoolChart(PoolChart::Kind::Throughput)),
      m_queueChart(new PoolChart(PoolChart::Kind::Queue)),
      m_latencyChart(new PoolChart(PoolChart::Kind::Latency)),
      m_table(new QTableView),
      m_log(new QPlainTextEdit),
      m_status(new QLabel),
      m_settings(settings)
{
    setWindowTitle(tr("LPM Monitor"));
    m_rssChart->setLimit(double(MaxMemoryMiB), tr("maxMemory %1 MiB").arg(MaxMemoryMiB));

    auto *vertical = new QSplitter(Qt::Vertical);
    vertical->addWidget(createCharts());
    vertical->addWidget(createTableAndLog());
    vertical->setStretchFactor(0, 1);
    vertical->setStretchFactor(1, 0);
    // Room for the table's header and eight workers; the charts take the rest.
    vertical->setSizes({ 620, 210 });

    // The controls scroll on a small screen rather than squeeze the charts.
    auto *controls = new QScrollArea;
    controls->setWidget(m_controls);
    controls->setWidgetResizable(true);
    controls->setFrameShape(QFrame::NoFrame);
    controls->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    controls->setFixedWidth(m_controls->sizeHint().width() + 4);

    auto *central = new QWidget;
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->addWidget(controls);
    layout->addWidget(vertical, 1);
    setCentralWidget(central);
    statusBar()->addPermanentWidget(m_status, 1);

    connect(m_controls, &ControlPanel::logLine, this, &MonitorWindow::appendLog);
    connect(m_controls, &ControlPanel::startRequested, this, &MonitorWindow::startPool);
    connect(m_load, &LoadGenerator::requestFailed, this, &MonitorWindow::noteFailure);
    connectPool();

    m_clock.start();
    m_sampleTimer.setInterval(SampleMs);
    connect(&m_sampleTimer, &QTimer::timeout, this, &MonitorWindow::sample);
    m_sampleTimer.start();
    updateStatusBar(m_supervisor.metrics());
    resize(1300, 850);
}

MonitorWindow::~MonitorWindow()
{
    // The supervisor is a member and goes before the children that follow it (the
    // model, the load generator): cut them loose first, so that the rejections and
    // exits of its shutdown reach nothing half-destroyed.
    m_sampleTimer.stop();
    disconnect(&m_supervisor, nullptr, this, nullptr);
    disconnect(&m_supervisor, nullptr, m_controls, nullptr);
    disconnect(m_controls, nullptr, this, nullptr);
    m_workerModel->setSupervisor(nullptr);
    // Everything pending ends now, while the load generator and the controls whose
    // continuations wait for it are still here (their replies are then dropped).
    m_supervisor.hardKill();
    delete m_load;
}

QWidget *MonitorWindow::createCharts()
{
    m_throughputChart->setObjectName(QStringLiteral("throughputChart"));
    m_queueChart->setObjectName(QStringLiteral("queueChart"));
    m_latencyChart->setObjectName(QStringLiteral("latencyChart"));
    m_cpuChart->setObjectName(QStringLiteral("cpuChart"));
    m_rssChart->setObjectName(QStringLiteral("rssChart"));
    m_heapChart->setObjectName(QStringLiteral("heapChart"));

    // The pool above, its workers below; the time axes line up column by column.
    auto *charts = new QWidget;
    auto *grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    grid->addWidget(m_throughputChart, 0, 0);
    grid->addWidget(m_queueChart, 0, 1);
    grid->addWidget(m_latencyChart, 0, 2);
    grid->addWidget(m_cpuChart, 1, 0);
    grid->addWidget(m_rssChart, 1, 1);
    grid->addWidget(m_heapChart, 1, 2);
    return charts;
}

QWidget *MonitorWindow::createTableAndLog()
{
    auto *sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(new WorkerTableModel(m_workerModel, this));
    sorted->setSortRole(WorkerTableModel::SortRole);
    m_table->setModel(sorted);
    m_table->setObjectName(QStringLiteral("workerTable"));
    m_table->setSortingEnabled(true);
    // By slot: a replacement takes the row of the worker it replaces.
    m_table->sortByColumn(WorkerTableModel::Slot, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    // Every column in view at once: they share the width rather than scroll.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    // ... but for the two with pairs of figures, which must not be cut.
    m_table->horizontalHeader()->setSectionResizeMode(WorkerTableModel::RunTime, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(WorkerTableModel::Heap, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setMinimumSectionSize(36);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);

    m_log->setObjectName(QStringLiteral("eventLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    // The log follows new lines until the user scrolls up, and again once they scroll
    // back down. QPlainTextEdit's own following stops for good once a narrower log
    // wraps lines and leaves its last one below the view.
    connect(m_log->verticalScrollBar(), &QScrollBar::valueChanged, this,
            [this](int value) { m_followLog = value >= m_log->verticalScrollBar()->maximum(); });

    auto *bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(boxAround(m_table, tr("Workers")));
    bottom->addWidget(boxAround(m_log, tr("Event log")));
    // The table has ten columns; the log reads fine narrower.
    bottom->setStretchFactor(0, 2);
    bottom->setStretchFactor(1, 1);
    bottom->setSizes({ 720, 300 });
    return bottom;
}

void MonitorWindow::connectPool()
{
    connect(&m_supervisor, &LpmSupervisor::childSpawned, this,
            [this](qint64 pid) { appendLog(tr("Worker %1 spawned").arg(pid)); });
    connect(&m_supervisor, &LpmSupervisor::workerExited, this, [this](const LpmWorkerExit &exit) {
        appendLog(tr("Worker %1 (slot %2) ended: %3 - %4")
                          .arg(exit.pid())
                          .arg(exit.slot())
                          .arg(exitReasonText(exit.reason()), exit.description()));
    });
    connect(&m_supervisor, &LpmSupervisor::respawnScheduled, this, [this](int slot, int delayMs) {
        appendLog(tr("Slot %1 respawns in %2 ms").arg(slot).arg(delayMs));
    });
    connect(&m_supervisor, &LpmSupervisor::restartLimitReached, this, [this] {
        appendLog(tr("Restart limit reached: a dead worker was not replaced"));
    });
    connect(&m_supervisor, &LpmSupervisor::online, this,
            [this] { appendLog(tr("Pool online with %1 workers").arg(m_supervisor.targetCount())); });
    connect(&m_supervisor, &LpmSupervisor::stateChanged, this, [this](LpmSupervisor::State state) {
        if (state == LpmSupervisor::State::Stopped)
            appendLog(tr("Pool stopped"));
    });
    connect(&m_supervisor, &LpmSupervisor::errorOccurred, this, [this](LpmSupervisor::Error error) {
        // Crashes and the restart limit have their own lines above.
        if (error == LpmSupervisor::Error::WorkerFailedToStart
            || error == LpmSupervisor::Error::ProtocolError)
            appendLog(tr("Error: %1").arg(m_supervisor.errorString()));
    });
    // Sampled twice a second, the queue would hide a burst drained in between.
    connect(&m_supervisor, &LpmSupervisor::queueLengthChanged, this,
            [this](int length) { m_queuePeak = qMax(m_queuePeak, length); });
}

void MonitorWindow::startPool()
{
    if (m_supervisor.state() != LpmSupervisor::State::Stopped) {
        appendLog(tr("The pool is already running"));
        return;
    }
    appendLog(tr("Starting %1 workers of %2").arg(m_supervisor.targetCount()).arg(m_settings.workerProgram));
    m_supervisor.start();
}

QStringList MonitorWindow::logLines() const
{
    return m_log->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

void MonitorWindow::appendLog(const QString &line)
{
    m_log->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
    if (m_followLog)
        m_log->verticalScrollBar()->setValue(m_log->verticalScrollBar()->maximum());
}

void MonitorWindow::noteFailure(const LpmError &error)
{
    // Crashes and kills are logged from the pool's own signals.
    if (error.code() == LpmError::Code::TimedOut)
        ++m_timedOut;
    else if (error.code() == LpmError::Code::QueueFull)
        ++m_refused;
}

void MonitorWindow::logFailures()
{
    if (m_clock.elapsed() - m_failuresLoggedAt < FailureLogMs)
        return;
    if (m_refused > 0)
        appendLog(tr("Queue full (bound %1): refused %2 requests")
                          .arg(m_supervisor.config().request.maxQueued)
                          .arg(m_refused));
    if (m_timedOut > 0)
        appendLog(tr("Timed out after %1 s: %2 requests").arg(LoadGenerator::TimeoutMs / 1000).arg(m_timedOut));
    if (m_refused > 0 || m_timedOut > 0)
        m_failuresLoggedAt = m_clock.elapsed();
    m_refused = m_timedOut = 0;
}

void MonitorWindow::sample()
{
    const double seconds = double(m_clock.elapsed()) / 1000.0;
    const QList<LpmWorkerStatus> workers = m_supervisor.workers();
    for (WorkerChart *chart : { m_cpuChart, m_rssChart, m_heapChart })
        chart->addSamples(seconds, workers);

    PoolSample pool;
    pool.metrics = m_supervisor.metrics();
    pool.queuePeak = qMax(m_queuePeak, m_supervisor.queueLength());
    pool.maxQueued = m_supervisor.config().request.maxQueued;
    pool.workers = m_supervisor.targetCount();
    pool.highAnswers = m_load->throughput(LoadGenerator::Priority::High);
    pool.normalAnswers = m_load->throughput(LoadGenerator::Priority::Normal);
    pool.rejected = m_load->rejectedPerSecond();
    for (PoolChart *chart : { m_throughputChart, m_queueChart, m_latencyChart })
        chart->addSample(seconds, pool);
    m_queuePeak = 0;

    logFailures();
    m_controls->refresh();
    updateStatusBar(pool.metrics);
}

void MonitorWindow::updateStatusBar(const LpmPoolMetrics &metrics)
{
    m_status->setText(tr("Throughput: %1 answers/s   Queue: %2   Pending: %3   Handled: %4   Failed (1 min): %5"
                         "   Utilization (1 min): %6 %   Restarts: %7   Slots waiting to respawn: %8")
                              .arg(m_load->throughput())
                              .arg(m_supervisor.queueLength())
                              .arg(m_supervisor.pendingCount())
                              .arg(m_supervisor.handledCount())
                              .arg(metrics.failed())
                              .arg(qRound(metrics.utilization() * 100))
                              .arg(m_supervisor.restartCount())
                              .arg(m_supervisor.respawnsPending()));
}
