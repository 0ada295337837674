#pragma once

#include <lpm/lpmsupervisor.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qtimer.h>
#include <QtWidgets/qmainwindow.h>

class LoadGenerator;
class LpmWorkerModel;
class MemoryChart;
class QLabel;
class QPlainTextEdit;
class QTableView;

// What the monitor runs: the worker program, how many, and the initial load.
struct MonitorSettings
{
    QString workerProgram;
    int workers = 2;
    int requestsPerSecond = 20;
};

// The monitor's main window: charts of every worker's memory, a table of the
// workers, controls for the pool and the load, an event log and a status bar.
// It reads the pool only through LpmSupervisor's public API.
class MonitorWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MonitorWindow(const MonitorSettings &settings, QWidget *parent = nullptr);
    ~MonitorWindow() override;

    void startPool();

    LpmSupervisor *supervisor() { return &m_supervisor; }
    LpmWorkerModel *workerModel() const { return m_workerModel; }
    MemoryChart *rssChart() const { return m_rssChart; }
    MemoryChart *heapChart() const { return m_heapChart; }
    QTableView *workerTable() const { return m_table; }
    QStringList logLines() const;

private:
    QWidget *createControls();
    void connectPool();
    void appendLog(const QString &line);
    void sample();
    void updateStatusBar();

    LpmSupervisor m_supervisor;
    LpmWorkerModel *m_workerModel;
    LoadGenerator *m_load;
    MemoryChart *m_rssChart;
    MemoryChart *m_heapChart;
    QTableView *m_table;
    QPlainTextEdit *m_log;
    QLabel *m_status;
    QTimer m_sampleTimer;
    QElapsedTimer m_clock;
    MonitorSettings m_settings;
};
