#include "controlpanel.h"

#include "loadgenerator.h"

#include <lpm/lpmerror.h>
#include <lpm/lpmsupervisor.h>

#include <QtCore/qlocale.h>
#include <QtCore/qscopedvaluerollback.h>
#include <QtWidgets/qboxlayout.h>
#include <QtWidgets/qformlayout.h>
#include <QtWidgets/qgroupbox.h>
#include <QtWidgets/qlabel.h>
#include <QtWidgets/qpushbutton.h>
#include <QtWidgets/qspinbox.h>

namespace {

constexpr int LeakStepMiB = 4;
constexpr int MaxQueueBound = 100000;
constexpr int MaxIdleSeconds = 600;
constexpr int MaxBurst = 2000;
constexpr int DefaultBurst = 500;
// Crash and leak go before the load's requests, however many wait, so that a click
// acts now; the queue bound knows no priorities, though, and a full queue refuses them.
constexpr int ControlPriority = LoadGenerator::HighPriority + 1;

QPushButton *button(const QString &text, const char *objectName)
{
    auto *b = new QPushButton(text);
    b->setObjectName(QLatin1String(objectName));
    return b;
}

QSpinBox *spinBox(const char *objectName, int min, int max, int value, const QString &suffix = {})
{
    auto *box = new QSpinBox;
    box->setObjectName(QLatin1String(objectName));
    box->setRange(min, max);
    box->setValue(value);
    box->setSuffix(suffix);
    // Typing 400 sets 400, not 4, then 40, then 400: each would act on the pool.
    box->setKeyboardTracking(false);
    return box;
}

// A form whose labels take no more room than they need, so the fields line up.
QFormLayout *formIn(QGroupBox *box)
{
    auto *form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setContentsMargins(6, 6, 6, 6);
    return form;
}

} // namespace

ControlPanel::ControlPanel(LpmSupervisor *supervisor, LoadGenerator *load, const MonitorSettings &settings,
                           QWidget *parent)
    : QWidget(parent), m_supervisor(supervisor), m_load(load)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(createPoolBox());
    layout->addWidget(createAutoscalingBox(settings));
    layout->addWidget(createLoadBox(settings));
    layout->addWidget(createActionsBox());
    layout->addStretch(1);

    connect(supervisor, &LpmSupervisor::targetCountChanged, this, &ControlPanel::followTargetCount);
    connect(load, &LoadGenerator::rejectedCountChanged, this, [this](qint64 count) {
        m_rejected->setText(QString::number(count));
    });
    refresh();
}

QWidget *ControlPanel::createPoolBox()
{
    const LpmSupervisorConfig config = m_supervisor->config();
    auto *box = new QGroupBox(tr("Pool"));
    QFormLayout *form = formIn(box);

    m_workers = spinBox("workerCount", 1, MonitorSettings::MaxWorkers, config.worker.count);
    m_workers->setToolTip(tr("Resizes the pool now. A fixed-size pool stays fixed, at the new size; "
                             "an autoscaling one widens its bounds to take a count outside them."));
    connect(m_workers, &QSpinBox::valueChanged, this, &ControlPanel::resizePool);
    form->addRow(tr("Workers:"), m_workers);

    auto *bound = spinBox("queueBound", 0, MaxQueueBound, config.request.maxQueued);
    bound->setSingleStep(50);
    bound->setSpecialValueText(tr("unbounded"));
    bound->setToolTip(tr("Requests waiting for a worker at most (request.maxQueued); "
                         "beyond it a request is refused at once (QueueFull)."));
    connect(bound, &QSpinBox::valueChanged, m_supervisor, &LpmSupervisor::setMaxQueued);
    form->addRow(tr("Queue bound:"), bound);

    m_rejected = new QLabel(QString::number(m_load->rejectedCount()));
    m_rejected->setObjectName(QStringLiteral("rejectedCount"));
    form->addRow(tr("Refused, queue full:"), m_rejected);
    return box;
}

QWidget *ControlPanel::createAutoscalingBox(const MonitorSettings &settings)
{
    const LpmSupervisorConfig config = m_supervisor->config();
    auto *box = new QGroupBox(tr("Autoscaling"));
    box->setToolTip(tr("The pool grows while requests wait and every worker is busy, and retires "
                       "idle workers down to the minimum."));
    QFormLayout *form = formIn(box);

    m_minWorkers = spinBox("minWorkers", 1, config.worker.maxCount, config.worker.minCount);
    m_maxWorkers = spinBox("maxWorkers", config.worker.minCount, MonitorSettings::MaxWorkers,
                           config.worker.maxCount);
    connect(m_minWorkers, &QSpinBox::valueChanged, this,
            [this](int min) { applyBounds(min, m_maxWorkers->value()); });
    connect(m_maxWorkers, &QSpinBox::valueChanged, this,
            [this](int max) { applyBounds(m_minWorkers->value(), max); });
    form->addRow(tr("Minimum:"), m_minWorkers);
    form->addRow(tr("Maximum:"), m_maxWorkers);

    auto *idle = spinBox("idleTimeout", 1, MaxIdleSeconds, qMax(1, settings.idleTimeoutMs / 1000), tr(" s"));
    idle->setToolTip(tr("A worker idle this long is retired while more than the minimum remain."));
    connect(idle, &QSpinBox::valueChanged, this, [this](int seconds) { m_supervisor->setIdleTimeout(seconds * 1000); });
    form->addRow(tr("Retire idle after:"), idle);
    return box;
}

QWidget *ControlPanel::createLoadBox(const MonitorSettings &settings)
{
    auto *box = new QGroupBox(tr("Load"));
    QFormLayout *form = formIn(box);

    auto *rate = spinBox("loadRate", 0, LoadGenerator::MaxRate, settings.requestsPerSecond, tr(" /s"));
    rate->setSingleStep(10);
    rate->setToolTip(tr("Requests sent per second, spread evenly."));
    connect(rate, &QSpinBox::valueChanged, m_load, &LoadGenerator::setRate);
    form->addRow(tr("Rate:"), rate);

    auto *share = spinBox("highPriorityShare", 0, 100, settings.highPriorityShare, tr(" %"));
    share->setSingleStep(5);
    share->setToolTip(tr("Share of the requests sent with a higher priority: they go before every "
                         "normal request that waits."));
    connect(share, &QSpinBox::valueChanged, m_load, &LoadGenerator::setHighPriorityShare);
    form->addRow(tr("High priority:"), share);

    auto *tile = spinBox("tileSize", LoadGenerator::MinTileSize, LoadGenerator::MaxTileSize, settings.tileSize,
                         tr(" px"));
    tile->setSingleStep(16);
    tile->setToolTip(tr("The work per request: each renders a Mandelbrot tile this wide and high."));
    connect(tile, &QSpinBox::valueChanged, m_load, &LoadGenerator::setTileSize);
    form->addRow(tr("Tile size:"), tile);

    auto *burstSize = spinBox("burstSize", 1, MaxBurst, DefaultBurst);
    QPushButton *burst = button(tr("Send"), "burstButton");
    burst->setToolTip(tr("Sends this many requests at once."));
    connect(burst, &QPushButton::clicked, this, [this, burstSize] {
        Q_EMIT logLine(tr("Sending a burst of %1 requests").arg(burstSize->value()));
        m_load->sendBurst(burstSize->value());
    });
    auto *burstRow = new QHBoxLayout;
    burstRow->addWidget(burstSize, 1);
    burstRow->addWidget(burst);
    form->addRow(tr("Burst:"), burstRow);

    m_answerTimes = new QLabel;
    m_answerTimes->setObjectName(QStringLiteral("answerTimes"));
    m_answerTimes->setWordWrap(true);
    form->addRow(m_answerTimes);

    m_load->setRate(settings.requestsPerSecond);
    m_load->setHighPriorityShare(settings.highPriorityShare);
    m_load->setTileSize(settings.tileSize);
    return box;
}

QWidget *ControlPanel::createActionsBox()
{
    auto *box = new QGroupBox(tr("Faults and kills"));
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(6, 6, 6, 6);

    QPushButton *crash = button(tr("Crash a worker"), "crashButton");
    connect(crash, &QPushButton::clicked, this, [this] {
        Q_EMIT logLine(tr("Asking a worker to crash"));
        LpmRequestOptions options;
        options.priority = ControlPriority;
        m_supervisor->enqueue(QVariantMap{ { QStringLiteral("op"), QStringLiteral("crash") } }, options)
                .onFailed(this, [this](const LpmError &error) {
                    // Its worker crashing is the point; anything else (a full queue) is news.
                    if (error.code() != LpmError::Code::WorkerCrashed)
                        Q_EMIT logLine(tr("No worker was asked to crash: %1").arg(error.message()));
                    return LpmResponse();
                });
    });
    QPushButton *leak = button(tr("Make a worker leak"), "leakButton");
    connect(leak, &QPushButton::clicked, this, [this] {
        LpmRequestOptions options;
        options.priority = ControlPriority;
        m_supervisor->enqueue(QVariantMap{ { QStringLiteral("op"), QStringLiteral("leak") },
                                           { QStringLiteral("mib"), LeakStepMiB } },
                              options)
                .then(this, [this](const LpmResponse &answer) {
                    Q_EMIT logLine(tr("Worker %1 now leaks %2 MiB every 250 ms")
                                           .arg(answer.data().toMap().value(QStringLiteral("pid")).toLongLong())
                                           .arg(LeakStepMiB));
                })
                .onFailed(this, [this](const LpmError &error) {
                    Q_EMIT logLine(tr("No worker was asked to leak: %1").arg(error.message()));
                });
    });
    QPushButton *softKill = button(tr("Soft kill"), "softKillButton");
    connect(softKill, &QPushButton::clicked, this, [this] {
        Q_EMIT logLine(tr("Soft kill: finishing accepted work, then stopping"));
        m_supervisor->softKill().then(this, [this] { Q_EMIT logLine(tr("Soft kill done")); });
    });
    QPushButton *hardKill = button(tr("Hard kill"), "hardKillButton");
    connect(hardKill, &QPushButton::clicked, this, [this] {
        Q_EMIT logLine(tr("Hard kill"));
        m_supervisor->hardKill();
    });
    QPushButton *start = button(tr("Start again"), "startButton");
    connect(start, &QPushButton::clicked, this, &ControlPanel::startRequested);
    for (QPushButton *b : { crash, leak, softKill, hardKill, start })
        column->addWidget(b);
    return box;
}

void ControlPanel::resizePool(int count)
{
    const LpmWorkerConfig config = m_supervisor->config().worker;
    // A fixed-size pool stays fixed, at the new size (the supervisor moves its bounds).
    // An autoscaling one goes on from the new size; a count outside its bounds widens
    // them rather than being pulled back in.
    if (config.minCount < config.maxCount && (count < config.minCount || count > config.maxCount))
        applyBounds(qMin(count, config.minCount), qMax(count, config.maxCount));
    const QScopedValueRollback<bool> byUser(m_changingPool, true);
    m_supervisor->resize(count);
    showBounds();
}

void ControlPanel::applyBounds(int minCount, int maxCount)
{
    bool applied;
    {
        const QScopedValueRollback<bool> byUser(m_changingPool, true);
        applied = m_supervisor->setWorkerBounds(minCount, maxCount);
    }
    showBounds();
    if (applied)
        Q_EMIT logLine(tr("Pool bounds: %1 to %2 workers").arg(minCount).arg(maxCount));
}

void ControlPanel::showBounds()
{
    const LpmWorkerConfig config = m_supervisor->config().worker;
    // Each box's range keeps min <= max, so the pair the user sets is always valid.
    const QSignalBlocker blockMin(m_minWorkers);
    const QSignalBlocker blockMax(m_maxWorkers);
    m_minWorkers->setMaximum(config.maxCount);
    m_maxWorkers->setMinimum(config.minCount);
    m_minWorkers->setValue(config.minCount);
    m_maxWorkers->setValue(config.maxCount);
}

void ControlPanel::followTargetCount(int count)
{
    // The spin box follows the pool without resizing it again.
    const int before = m_workers->value();
    {
        const QSignalBlocker blocker(m_workers);
        m_workers->setValue(count);
    }
    if (m_changingPool)
        Q_EMIT logLine(tr("The pool now keeps %1 workers").arg(count));
    else if (count > before)
        Q_EMIT logLine(tr("Autoscaling: requests wait, the pool grows to %1 workers").arg(count));
    else if (count < before)
        Q_EMIT logLine(tr("Autoscaling: the pool shrinks to %1 workers").arg(count));
}

void ControlPanel::refresh()
{
    const auto answerTime = [this](LoadGenerator::Priority priority) {
        if (m_load->throughput(priority) == 0)
            return tr("none");
        return tr("%1 ms").arg(QLocale().toString(m_load->meanAnswerMs(priority), 'f', 1));
    };
    m_answerTimes->setText(tr("Answer time, last second: high priority %1, normal %2")
                                   .arg(answerTime(LoadGenerator::Priority::High),
                                        answerTime(LoadGenerator::Priority::Normal)));
}
