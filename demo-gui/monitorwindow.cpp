#include "monitorwindow.h"

#include "loadgenerator.h"
#include "memorychart.h"
#include "workertablemodel.h"

#include <lpm/lpmerror.h>
#include <lpm/lpmworkermodel.h>

#include <QtCore/qdatetime.h>
#include <QtCore/qsortfilterproxymodel.h>
#include <QtWidgets/qboxlayout.h>
#include <QtWidgets/qformlayout.h>
#include <QtWidgets/qgroupbox.h>
#include <QtWidgets/qheaderview.h>
#include <QtWidgets/qlabel.h>
#include <QtWidgets/qplaintextedit.h>
#include <QtWidgets/qpushbutton.h>
#include <QtWidgets/qspinbox.h>
#include <QtWidgets/qsplitter.h>
#include <QtWidgets/qstatusbar.h>
#include <QtWidgets/qtableview.h>

namespace {

constexpr int SampleMs = 500;
constexpr int MaxWorkers = 16;
constexpr int LeakStepMiB = 4;
// A worker holding more than this is recycled: the leaking one, visibly.
constexpr qint64 MaxMemoryMiB = 160;

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
    }
    return {};
}

LpmSupervisorConfig configFor(const MonitorSettings &settings)
{
    LpmSupervisorConfig config;
    config.worker.program = settings.workerProgram;
    config.worker.count = settings.workers;
    // A monitor is for watching crashes: allow a good many before giving up.
    config.worker.restarts = 20;
    config.worker.maxRestartsInInterval = 60;
    config.worker.maxMemory = MaxMemoryMiB << 20;
    return config;
}

QPushButton *button(const QString &text, const char *objectName)
{
    auto *b = new QPushButton(text);
    b->setObjectName(QLatin1String(objectName));
    return b;
}

} // namespace

MonitorWindow::MonitorWindow(const MonitorSettings &settings, QWidget *parent)
    : QMainWindow(parent),
      m_supervisor(configFor(settings)),
      m_workerModel(new LpmWorkerModel(&m_supervisor, this)),
      m_load(new LoadGenerator(&m_supervisor, this)),
      m_rssChart(new MemoryChart(MemoryChart::Metric::Rss)),
      m_heapChart(new MemoryChart(MemoryChart::Metric::Heap)),
      m_table(new QTableView),
      m_log(new QPlainTextEdit),
      m_status(new QLabel),
      m_settings(settings)
{
    setWindowTitle(tr("LPM Monitor"));
    m_rssChart->setObjectName(QStringLiteral("rssChart"));
    m_rssChart->setLimit(double(MaxMemoryMiB), tr("maxMemory %1 MiB").arg(MaxMemoryMiB));
    m_heapChart->setObjectName(QStringLiteral("heapChart"));

    auto *sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(new WorkerTableModel(m_workerModel, this));
    sorted->setSortRole(WorkerTableModel::SortRole);
    m_table->setModel(sorted);
    m_table->setObjectName(QStringLiteral("workerTable"));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(WorkerTableModel::Pid, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    // Every column in view at once: they share the width rather than scroll.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setMinimumSectionSize(40);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);

    m_log->setObjectName(QStringLiteral("eventLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);

    auto *charts = new QSplitter(Qt::Horizontal);
    charts->addWidget(m_rssChart);
    charts->addWidget(m_heapChart);

    auto *tableBox = new QGroupBox(tr("Workers"));
    (new QVBoxLayout(tableBox))->addWidget(m_table);
    auto *logBox = new QGroupBox(tr("Event log"));
    (new QVBoxLayout(logBox))->addWidget(m_log);
    auto *bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(tableBox);
    bottom->addWidget(logBox);
    // The table has nine columns; the log reads fine narrower.
    bottom->setStretchFactor(0, 2);
    bottom->setStretchFactor(1, 1);

    auto *vertical = new QSplitter(Qt::Vertical);
    vertical->addWidget(charts);
    vertical->addWidget(bottom);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);

    auto *central = new QWidget;
    auto *layout = new QHBoxLayout(central);
    layout->addWidget(createControls());
    layout->addWidget(vertical, 1);
    setCentralWidget(central);
    statusBar()->addPermanentWidget(m_status, 1);

    m_load->setRate(settings.requestsPerSecond);
    connect(m_load, &LoadGenerator::requestFailed, this, [this](const LpmError &error) {
        // Crashes and kills are logged from the pool's own signals.
        if (error.code() == LpmError::Code::TimedOut)
            appendLog(tr("Request timed out: %1").arg(error.message()));
    });
    connectPool();

    m_clock.start();
    m_sampleTimer.setInterval(SampleMs);
    connect(&m_sampleTimer, &QTimer::timeout, this, &MonitorWindow::sample);
    m_sampleTimer.start();
    updateStatusBar();
    resize(1280, 800);
}

MonitorWindow::~MonitorWindow()
{
    // The supervisor is a member and goes before the children that follow it (the
    // model, the load generator): cut them loose first, so that the rejections and
    // exits of its shutdown reach nothing half-destroyed.
    m_sampleTimer.stop();
    disconnect(&m_supervisor, nullptr, this, nullptr);
    m_workerModel->setSupervisor(nullptr);
    delete m_load;
}

QWidget *MonitorWindow::createControls()
{
    auto *box = new QGroupBox(tr("Pool"));
    auto *form = new QFormLayout(box);

    auto *count = new QSpinBox;
    count->setObjectName(QStringLiteral("workerCount"));
    count->setRange(1, MaxWorkers);
    count->setValue(m_settings.workers);
    connect(count, &QSpinBox::valueChanged, &m_supervisor, &LpmSupervisor::resize);
    form->addRow(tr("Workers:"), count);

    auto *rate = new QSpinBox;
    rate->setObjectName(QStringLiteral("loadRate"));
    rate->setRange(0, LoadGenerator::MaxRate);
    rate->setSingleStep(10);
    rate->setSuffix(tr(" requests/s"));
    rate->setValue(m_settings.requestsPerSecond);
    connect(rate, &QSpinBox::valueChanged, m_load, &LoadGenerator::setRate);
    form->addRow(tr("Load:"), rate);

    QPushButton *crash = button(tr("Crash a worker"), "crashButton");
    connect(crash, &QPushButton::clicked, this, [this] {
        appendLog(tr("Asking a worker to crash"));
        m_supervisor.enqueue(QVariantMap{ { QStringLiteral("op"), QStringLiteral("crash") } });
    });
    QPushButton *leak = button(tr("Make a worker leak"), "leakButton");
    connect(leak, &QPushButton::clicked, this, [this] {
        m_supervisor.enqueue(QVariantMap{ { QStringLiteral("op"), QStringLiteral("leak") },
                                          { QStringLiteral("mib"), LeakStepMiB } })
                .then(this, [this](const LpmResponse &answer) {
                    appendLog(tr("Worker %1 now leaks %2 MiB every 250 ms")
                                      .arg(answer.data().toMap().value(QStringLiteral("pid")).toLongLong())
                                      .arg(LeakStepMiB));
                })
                .onFailed(this, [](const LpmError &) {});
    });
    QPushButton *softKill = button(tr("Soft kill"), "softKillButton");
    connect(softKill, &QPushButton::clicked, this, [this] {
        appendLog(tr("Soft kill: finishing accepted work, then stopping"));
        m_supervisor.softKill().then(this, [this] { appendLog(tr("Soft kill done")); });
    });
    QPushButton *hardKill = button(tr("Hard kill"), "hardKillButton");
    connect(hardKill, &QPushButton::clicked, this, [this] {
        appendLog(tr("Hard kill"));
        m_supervisor.hardKill();
    });
    QPushButton *start = button(tr("Start again"), "startButton");
    connect(start, &QPushButton::clicked, this, &MonitorWindow::startPool);
    for (QPushButton *b : { crash, leak, softKill, hardKill, start })
        form->addRow(b);
    box->setMaximumWidth(box->sizeHint().width() + 40);
    return box;
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
}

void MonitorWindow::sample()
{
    const double seconds = double(m_clock.elapsed()) / 1000.0;
    const QList<LpmWorkerStatus> workers = m_supervisor.workers();
    m_rssChart->addSamples(seconds, workers);
    m_heapChart->addSamples(seconds, workers);
    updateStatusBar();
}

void MonitorWindow::updateStatusBar()
{
    m_status->setText(tr("Throughput: %1 answers/s   Queue: %2   Pending: %3   Handled: %4   Restarts: %5"
                         "   Slots waiting to respawn: %6")
                              .arg(m_load->throughput())
                              .arg(m_supervisor.queueLength())
                              .arg(m_supervisor.pendingCount())
                              .arg(m_supervisor.handledCount())
                              .arg(m_supervisor.restartCount())
                              .arg(m_supervisor.respawnsPending()));
}
