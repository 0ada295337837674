#pragma once

#include "monitorsettings.h"

#include <QtWidgets/qwidget.h>

class LoadGenerator;
class LpmSupervisor;
class QLabel;
class QSpinBox;

// The monitor's controls: the pool's size, autoscaling bounds and queue bound, the
// load (rate, priority mix, work per request, bursts) and the faults to provoke.
// Every control changes the pool through LpmSupervisor's public API at once, and
// follows the pool when it changes by itself (the autoscaler).
class ControlPanel : public QWidget
{
    Q_OBJECT
public:
    ControlPanel(LpmSupervisor *supervisor, LoadGenerator *load, const MonitorSettings &settings,
                 QWidget *parent = nullptr);

    // Updates the figures shown beside the controls; the monitor calls it per sample.
    void refresh();

Q_SIGNALS:
    // Something the user did, for the event log.
    void logLine(const QString &line);
    void startRequested();

private:
    QWidget *createPoolBox();
    QWidget *createAutoscalingBox(const MonitorSettings &settings);
    QWidget *createLoadBox(const MonitorSettings &settings);
    QWidget *createActionsBox();
    void resizePool(int count);
    void applyBounds(int minCount, int maxCount);
    // Shows the supervisor's bounds in the two boxes.
    void showBounds();
    // targetCountChanged(): by the user's hand (m_changingPool) or the autoscaler's.
    void followTargetCount(int count);

    LpmSupervisor *m_supervisor;
    LoadGenerator *m_load;
    QSpinBox *m_workers = nullptr;
    QSpinBox *m_minWorkers = nullptr;
    QSpinBox *m_maxWorkers = nullptr;
    QLabel *m_rejected = nullptr;
    QLabel *m_answerTimes = nullptr;
    bool m_changingPool = false;
};
