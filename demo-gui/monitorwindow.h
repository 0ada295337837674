#pragma once

#include "monitorsettings.h"

#include <lpm/lpmsupervisor.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qtimer.h>
#include <QtWidgets/qmainwindow.h>

class ControlPanel;
class LoadGenerator;
class LpmWorkerModel;
class PoolChart;
class QLabel;
class QPlainTextEdit;
class QTableView;
class WorkerChart;

// The monitor's main window: charts of the pool (throughput, queue and workers,
// latency) and of every worker (CPU, memory) in its slot's colour, a table of the
// workers, the controls, an event log and a status bar. It reads the pool only
// through LpmSupervisor's public API.
class MonitorWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MonitorWindow(const MonitorSettings &settings, QWidget *parent = nullptr);
    ~MonitorWindow() override;

    void startPool();

    LpmSupervisor *supervisor() { return &m_supervisor; }
    LpmWorkerModel *workerModel() const { return m_workerModel; }
    LoadGenerator *loadGenerator() const { return m_load; }
    WorkerChart *rssChart() const { return m_rssChart; }
    WorkerChart *heapChart() const { return m_heapChart; }
    WorkerChart *cpuChart() const { return m_cpuChart; }
    PoolChart *throughputChart() const { return m_throughputChart; }
    PoolChart *queueChart() const { return m_queueChart; }
    PoolChart *latencyChart() const { return m_latencyChart; }
    QTableView *workerTable() const { return m_table; }
    QStringList logLines() const;

    static constexpr int SampleMs = 500;

private:
    QWidget *createCharts();
    QWidget *createTableAndLog();
    void connectPool();
    void appendLog(const QString &line);
    void noteFailure(const LpmError &error);
    void logFailures();
    void sample();
    void updateStatusBar(const LpmPoolMetrics &metrics);

    LpmSupervisor m_supervisor;
    LpmWorkerModel *m_workerModel;
    LoadGenerator *m_load;
    ControlPanel *m_controls;
    WorkerChart *m_rssChart;
    WorkerChart *m_heapChart;
    WorkerChart *m_cpuChart;
    PoolChart *m_throughputChart;
    PoolChart *m_queueChart;
    PoolChart *m_latencyChart;
    QTableView *m_table;
    QPlainTextEdit *m_log;
    QLabel *m_status;
    QTimer m_sampleTimer;
    QElapsedTimer m_clock;
    MonitorSettings m_settings;
    int m_queuePeak = 0;      // since the last sample
    int m_timedOut = 0;       // since last logged
    int m_refused = 0;        // since last logged
    qint64 m_failuresLoggedAt = 0;
    bool m_followLog = true;  // the log shows its newest line
};
