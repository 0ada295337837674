#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <lpm/lpmpoolmetrics.h>
#include <lpm/lpmsupervisor.h>
#include <lpm/lpmsupervisorconfig.h>
#include <lpm/lpmworkermodel.h>

#include <QtCore/qobject.h>
#include <QtCore/qstringlist.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqmlregistration.h>

#include <memory>

// The QML face of LpmSupervisor. LpmSupervisor takes its configuration in its
// constructor while QML sets properties one by one after construction, so this
// object owns one and builds it on start() (again after a stop, when the
// configuration changed meanwhile).
class LpmQmlEvent;
class LpmQmlRequests;

QT_BEGIN_NAMESPACE
class QTimer;
QT_END_NAMESPACE

class LpmQmlSupervisor : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(Supervisor)
    Q_PROPERTY(QString program READ program WRITE setProgram NOTIFY programChanged)
    Q_PROPERTY(QStringList arguments READ arguments WRITE setArguments NOTIFY argumentsChanged)
    Q_PROPERTY(int count READ count WRITE setCount NOTIFY countChanged)
    Q_PROPERTY(int restarts READ restarts WRITE setRestarts NOTIFY restartsChanged)
    Q_PROPERTY(int maxRestartsInInterval READ maxRestartsInInterval WRITE setMaxRestartsInInterval
                       NOTIFY maxRestartsInIntervalChanged)
    Q_PROPERTY(int timeout READ timeout WRITE setTimeout NOTIFY timeoutChanged)
    Q_PROPERTY(int retries READ retries WRITE setRetries NOTIFY retriesChanged)
    // The queue bound and the autoscaling bounds (-1: count); they apply at once.
    Q_PROPERTY(int maxQueued READ maxQueued WRITE setMaxQueued NOTIFY maxQueuedChanged)
    Q_PROPERTY(int minCount READ minCount WRITE setMinCount NOTIFY minCountChanged)
    Q_PROPERTY(int maxCount READ maxCount WRITE setMaxCount NOTIFY maxCountChanged)
    Q_PROPERTY(int idleTimeout READ idleTimeout WRITE setIdleTimeout NOTIFY idleTimeoutChanged)
    // Requests one worker holds at once at most, 0: no limit (1 suits long CPU-bound
    // jobs), and the worker lifecycle policies (LpmWorkerConfig); they apply from the
    // next start().
    Q_PROPERTY(int maxInFlight READ maxInFlight WRITE setMaxInFlight NOTIFY policiesChanged)
    Q_PROPERTY(int startTimeout READ startTimeout WRITE setStartTimeout NOTIFY policiesChanged)
    Q_PROPERTY(int maxRequests READ maxRequests WRITE setMaxRequests NOTIFY policiesChanged)
    Q_PROPERTY(int maxRequestsJitter READ maxRequestsJitter WRITE setMaxRequestsJitter NOTIFY policiesChanged)
    Q_PROPERTY(qint64 maxMemory READ maxMemory WRITE setMaxMemory NOTIFY policiesChanged)
    Q_PROPERTY(int maxAge READ maxAge WRITE setMaxAge NOTIFY policiesChanged)
    Q_PROPERTY(int hangTimeout READ hangTimeout WRITE setHangTimeout NOTIFY policiesChanged)
    Q_PROPERTY(int backoffInitial READ backoffInitial WRITE setBackoffInitial NOTIFY policiesChanged)
    Q_PROPERTY(int backoffMax READ backoffMax WRITE setBackoffMax NOTIFY policiesChanged)
    Q_PROPERTY(bool online READ isOnline NOTIFY onlineChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(int queueLength READ queueLength NOTIFY queueLengthChanged)
    Q_PROPERTY(int targetCount READ targetCount NOTIFY targetCountChanged)
    // Refreshed every second while the pool runs.
    Q_PROPERTY(LpmPoolMetrics metrics READ metrics NOTIFY metricsChanged)
    Q_PROPERTY(LpmWorkerModel *workers READ workers CONSTANT)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorOccurred)
public:
    // LpmSupervisor::State, value for value.
    enum class State {
        Stopped,  // no worker runs
        Starting, // workers are starting
        Online,   // every worker is ready
        Draining, // softKill(): finishing accepted work
        Stopping, // hardKill(): waiting for the workers to exit
    };
    Q_ENUM(State)

    explicit LpmQmlSupervisor(QObject *parent = nullptr);
    ~LpmQmlSupervisor() override;

    QString program() const { return m_config.worker.program; }
    void setProgram(const QString &program);
    QStringList arguments() const { return m_config.worker.arguments; }
    void setArguments(const QStringList &arguments);
    int count() const { return m_config.worker.count; }
    void setCount(int count);
    int restarts() const { return m_config.worker.restarts; }
    void setRestarts(int restarts);
    int maxRestartsInInterval() const { return m_config.worker.maxRestartsInInterval; }
    void setMaxRestartsInInterval(int seconds);
    int timeout() const { return m_config.request.timeout; }
    void setTimeout(int ms);
    int retries() const { return m_config.request.retries; }
    void setRetries(int retries);
    int maxQueued() const { return m_config.request.maxQueued; }
    void setMaxQueued(int maxQueued);
    int minCount() const { return m_config.worker.minCount; }
    void setMinCount(int count);
    int maxCount() const { return m_config.worker.maxCount; }
    void setMaxCount(int count);
    int idleTimeout() const { return m_config.worker.idleTimeout; }
    void setIdleTimeout(int ms);
    int maxInFlight() const { return m_config.worker.maxInFlight; }
    void setMaxInFlight(int requests) { setPolicy(m_config.worker.maxInFlight, requests); }
    int startTimeout() const { return m_config.worker.startTimeout; }
    void setStartTimeout(int ms) { setPolicy(m_config.worker.startTimeout, ms); }
    int maxRequests() const { return m_config.worker.maxRequests; }
    void setMaxRequests(int requests) { setPolicy(m_config.worker.maxRequests, requests); }
    int maxRequestsJitter() const { return m_config.worker.maxRequestsJitter; }
    void setMaxRequestsJitter(int requests) { setPolicy(m_config.worker.maxRequestsJitter, requests); }
    qint64 maxMemory() const { return m_config.worker.maxMemory; }
    void setMaxMemory(qint64 bytes) { setPolicy(m_config.worker.maxMemory, bytes); }
    int maxAge() const { return m_config.worker.maxAge; }
    void setMaxAge(int ms) { setPolicy(m_config.worker.maxAge, ms); }
    int hangTimeout() const { return m_config.worker.hangTimeout; }
    void setHangTimeout(int ms) { setPolicy(m_config.worker.hangTimeout, ms); }
    int backoffInitial() const { return m_config.worker.backoffInitial; }
    void setBackoffInitial(int ms) { setPolicy(m_config.worker.backoffInitial, ms); }
    int backoffMax() const { return m_config.worker.backoffMax; }
    void setBackoffMax(int ms) { setPolicy(m_config.worker.backoffMax, ms); }

    bool isOnline() const;
    State state() const;
    int queueLength() const;
    int targetCount() const { return m_targetCount; }
    LpmPoolMetrics metrics() const { return m_metrics; }
    LpmWorkerModel *workers() const { return m_workers; }
    QString errorString() const { return m_errorString; }

    Q_INVOKABLE void start();
    // Sends payload to a worker, with options {priority, timeout, retries} if given.
    // With a callback, callback(answer, error) runs once with either the answer and
    // null, or undefined and an error object {code, message}; without one, it returns a
    // Promise that resolves with the answer or rejects with that error object.
    Q_INVOKABLE QJSValue enqueue(const QJSValue &payload,
                                 const QJSValue &optionsOrCallback = QJSValue(),
                                 const QJSValue &callback = QJSValue());
    // Sends an event to every live worker; false (with a warning) if the payload
    // cannot cross processes.
    Q_INVOKABLE bool broadcast(const QString &name, const QJSValue &payload = QJSValue());
    Q_INVOKABLE void softKill();
    Q_INVOKABLE void hardKill();
    Q_INVOKABLE void resize(int count);
    Q_INVOKABLE void resetMetrics();

Q_SIGNALS:
    void programChanged();
    void argumentsChanged();
    void countChanged();
    void restartsChanged();
    void maxRestartsInIntervalChanged();
    void timeoutChanged();
    void retriesChanged();
    void maxQueuedChanged();
    void minCountChanged();
    void maxCountChanged();
    void idleTimeoutChanged();
    void policiesChanged();
    void onlineChanged();
    void stateChanged();
    void queueLengthChanged();
    void targetCountChanged();
    void metricsChanged();
    void errorOccurred(const QString &message);
    void online();
    void childSpawned(qint64 pid);
    // reason: the LpmWorkerExit::Reason's name ("Crashed", "Recycled", "Hung", ...).
    void workerExited(qint64 pid, int exitCode, bool crashed, const QString &reason);
    void restartLimitReached();
    // A worker sent a custom event; event is an Event owned by JavaScript.
    void eventReceived(const QString &name, LpmQmlEvent *event);

private:
    template <typename T>
    void setPolicy(T &field, T value)
    {
        if (field == value)
            return;
        field = value;
        configChanged();
        Q_EMIT policiesChanged();
    }
    LpmSupervisor *ensureSupervisor();
    void configChanged();
    void applyWorkerBounds();
    void updateState();
    void updateQueueLength();
    void updateTargetCount();
    void refreshMetrics();

    LpmSupervisorConfig m_config;
    bool m_configChanged = false; // since m_supervisor was built
    bool m_destroying = false;    // in the destructor: nothing new is taken
    std::unique_ptr<LpmSupervisor> m_supervisor;
    LpmWorkerModel *m_workers;
    LpmQmlRequests *m_requests;
    QTimer *m_metricsTimer;
    State m_state = State::Stopped;
    int m_queueLength = 0;
    int m_targetCount; // count until a supervisor tells
    LpmPoolMetrics m_metrics;
    QString m_errorString;
};
