#pragma once

#include <lpm/lpmglobal.h>
#include <lpm/lpmlatency.h>
#include <lpm/lpmworkerhealth.h>

#include <QtCore/qmetatype.h>
#include <QtCore/qobjectdefs.h>
#include <QtCore/qshareddata.h>

class LpmWorkerStatusData;

// A snapshot of one live worker as the supervisor sees it: its state, its load and
// its latest health figures. An implicitly shared value type.
class LPM_EXPORT LpmWorkerStatus
{
    Q_GADGET
    Q_PROPERTY(qint64 pid READ pid)
    Q_PROPERTY(State state READ state)
    Q_PROPERTY(int inFlight READ inFlight)
    Q_PROPERTY(qint64 handled READ handled)
    Q_PROPERTY(int sockets READ sockets)
    Q_PROPERTY(int slot READ slot)
    Q_PROPERTY(int restarts READ restarts)
    Q_PROPERTY(qint64 rss READ rss)
    Q_PROPERTY(qint64 heapTotal READ heapTotal)
    Q_PROPERTY(qint64 heapUsed READ heapUsed)
    Q_PROPERTY(double cpuPercent READ cpuPercent)
    Q_PROPERTY(LpmLatency runTime READ runTime)
public:
    enum class State {
        Starting, // spawned; has not called ready() yet
        Ready,    // takes requests
        Busy,     // called busy(): takes none until ready() again
        Draining, // asked to stop (soft kill, resize): finishing what it holds
    };
    Q_ENUM(State)

    LpmWorkerStatus();
    LpmWorkerStatus(const LpmWorkerStatus &other);
    LpmWorkerStatus(LpmWorkerStatus &&other) noexcept;
    LpmWorkerStatus &operator=(const LpmWorkerStatus &other);
    QT_MOVE_ASSIGNMENT_OPERATOR_IMPL_VIA_PURE_SWAP(LpmWorkerStatus)
    ~LpmWorkerStatus();
    void swap(LpmWorkerStatus &other) noexcept { d.swap(other.d); }

    qint64 pid() const;
    State state() const;
    int inFlight() const;   // requests sent to it and not yet answered
    qint64 handled() const; // requests it answered since it started
    int sockets() const;    // handed-over connections it still holds
    int slot() const;       // its place in the pool (LPM_WORKER_INDEX), taken over by a replacement
    int restarts() const;   // respawns of its slot after a crash, itself included
    LpmWorkerHealth health() const;
    qint64 rss() const;
    qint64 heapTotal() const;
    qint64 heapUsed() const;
    // CPU time it used between the last two samples (every 500 ms), in percent of one
    // core: 100 is one core kept busy.
    double cpuPercent() const;
    // How long its answered requests took, from being sent to it, over the last minute.
    LpmLatency runTime() const;

    // For the supervisor, which builds snapshots.
    void setPid(qint64 pid);
    void setState(State state);
    void setInFlight(int inFlight);
    void setHandled(qint64 handled);
    void setSockets(int sockets);
    void setSlot(int slot);
    void setRestarts(int restarts);
    void setHealth(const LpmWorkerHealth &health);
    void setCpuPercent(double percent);
    void setRunTime(const LpmLatency &runTime);

private:
    QSharedDataPointer<LpmWorkerStatusData> d;
};

Q_DECLARE_SHARED(LpmWorkerStatus)
Q_DECLARE_METATYPE(LpmWorkerStatus)
