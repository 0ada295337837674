#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmattachmenttable_p.h"
#include "lpmdispatcher_p.h"
#include "lpmfdchannel_p.h"
#include "lpmmessage_p.h"

#include <lpm/lpmworkerhealth.h>
#include <lpm/lpmworkerstatus.h>

#include <QtCore/qobject.h>
#include <QtCore/qprocess.h>
#include <QtCore/qset.h>
#include <QtCore/quuid.h>

class LpmChannel;
class LpmStream;

// The supervisor's view of one worker process: the process, its channel, its state,
// its load and health, and the ids of the requests it holds.
class LpmWorkerHandle : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Starting, // spawned; has not called ready() yet
        Ready,    // takes requests
        Busy,     // called busy(): takes none until ready() again
        Exited,   // the process is gone (or never started)
    };

    explicit LpmWorkerHandle(QObject *parent = nullptr);
    ~LpmWorkerHandle() override;

    bool start(const QString &program, const QStringList &arguments);
    // Closes the channel: a worker exits when its channel ends.
    void closeChannel();
    // Closes the channel (the worker exits on end-of-file) and kills the process if it
    // has not exited after graceMs. Blocks at most graceMs; for destruction.
    void stopBlocking(int graceMs);
    // Ends the worker now: SIGKILL. exited() follows.
    void kill();

    // Asks the worker to answer what it holds and exit (its softKillRequested()); it
    // gets no new request from now on and its exit is not a crash.
    void retire();
    // Asks the worker to exit now (its hardKillRequested()), and kills it if it is
    // still alive after graceMs.
    void hardKill(int graceMs);
    // Whether the supervisor asked this worker to stop (its exit is then expected).
    bool isStopping() const { return m_stopping; }
    // Tells the worker a request's future has ended (timed out) and forgets it.
    void cancel(const QUuid &id);

    // Events and broadcasts; payloads come CBOR-encoded.
    void sendEventReply(const QUuid &id, const QByteArray &encodedPayload);
    void sendEventReject(const QUuid &id, int errorCode, const QString &detail);
    void sendBroadcast(const QString &name, const QByteArray &encodedPayload);
    // Sends a listening socket (fd, which passes to this handle) with its event name and
    // payload, encoded together as body.
    void sendServer(const QByteArray &body, int fd);
    // Sends the descriptor that belongs to request id (fd passes to this handle).
    void sendDescriptor(LpmFdChannel::Kind kind, const QUuid &id, int fd);
    void sendStreamEnd(const QUuid &id, bool ok, const QString &error);
    // A connection handed to this worker, held until the worker reports it closed.
    void holdSocket(const QUuid &id);
    // The descriptor of the stream answering request id, once it has come (else -1).
    int takeStreamBack(const QUuid &id) { return m_attachments.takeDescriptor(id); }
    // A stream answering request id, now read by the supervisor's side.
    void addStreamBack(const QUuid &id, LpmStream *stream) { m_attachments.addStream(id, stream); }

    State state() const { return m_state; }
    qint64 pid() const { return m_health.pid; }
    bool hasBeenReady() const { return m_hasBeenReady; }
    const LpmWorkerLoad &load() const { return m_load; }
    const LpmWorkerHealth &health() const { return m_health; }

    // Sends a request this worker now holds. Returns false (nothing held) on failure.
    bool sendRequest(const LpmIpc::Message &request);
    // Forgets a held request (answered, or given up); returns whether it was held.
    bool release(const QUuid &id);
    // Counts an answered request.
    void noteAnswered() { ++m_handled; }
    // A snapshot for the public API.
    LpmWorkerStatus status() const;
    const QSet<QUuid> &inFlight() const { return m_inFlight; }
    // Forgets a held request whose future already ended: its late answer is expected
    // and will be dropped quietly rather than treated as a protocol error.
    void abandon(const QUuid &id);
    bool takeAbandoned(const QUuid &id) { return m_abandoned.remove(id); }

    // Reads the resident set size from /proc/<pid>/statm, so even a hung worker's
    // memory is known.
    void sampleRss();

    // How the process ended, for messages: "exit code 3", "killed by signal 9 (Killed)",
    // followed by the last lines it wrote to stderr, if any.
    QString exitDescription() const;
    int exitCode() const { return m_exitCode; }
    QProcess::ExitStatus exitStatus() const { return m_exitStatus; }

Q_SIGNALS:
    void started(qint64 pid);
    void stateChanged(LpmWorkerHandle::State state);
    // state() or isStopping() changed.
    void statusChanged();
    void answerReceived(const LpmIpc::Message &message);
    void eventReceived(const LpmIpc::Message &message);
    // The descriptor of the stream answering request id has come (takeStreamBack()).
    void streamBackArrived(const QUuid &id);
    // A handed-over connection closed: the worker may take another.
    void socketReleased();
    // The program could not be run at all; exited() follows.
    void failedToStart(const QString &reason);
    // The worker broke the protocol and is being killed; exited() follows.
    void protocolError(const QString &reason);
    void exited();

private:
    void onMessage(const LpmIpc::Message &message);
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void onProcessError(QProcess::ProcessError error);
    void onChannelLost();
    void setState(State state);
    void finish();
    void updateAccepting();
    void sendControl(LpmIpc::MessageType type);
    void forwardStandardError();

    QProcess m_process;
    LpmChannel *m_channel = nullptr;
    LpmFdChannel *m_descriptors = nullptr;
    State m_state = State::Starting;
    bool m_hasBeenReady = false;
    LpmWorkerLoad m_load;
    LpmWorkerHealth m_health;
    QSet<QUuid> m_inFlight;
    QSet<QUuid> m_abandoned;
    QSet<QUuid> m_sockets;
    LpmAttachmentTable m_attachments; // streams answering requests
    int m_statmFd = -1;
    int m_exitCode = 0;
    QProcess::ExitStatus m_exitStatus = QProcess::NormalExit;
    bool m_failedToStart = false;
    bool m_stopping = false;
    bool m_hardKilled = false;
    qint64 m_handled = 0;
    QByteArray m_stderrTail; // the last few KiB the worker wrote to stderr
};
