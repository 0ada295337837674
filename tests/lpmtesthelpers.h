#pragma once

// Shared by the tests that run real worker processes.

#include <lpm/lpm.h>

#include <QtCore/qfuture.h>
#include <QtCore/qfuturewatcher.h>
#include <QtCore/qset.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <optional>

namespace LpmTest {

constexpr int LongWaitMs = 60000; // generous: a loaded 2-core machine is slow

// Warnings a test provokes in numbers it cannot know (how many replacements time out
// before a kill, how many workers a chaos run kills), swallowed and counted while
// this lives; every other message goes on to the handler before it, QTest's.
class CountedWarnings
{
public:
    explicit CountedWarnings(const QStringList &patterns)
    {
        s_patterns = patterns;
        s_count = 0;
        s_previous = qInstallMessageHandler(handle);
    }
    ~CountedWarnings() { qInstallMessageHandler(s_previous); }
    Q_DISABLE_COPY_MOVE(CountedWarnings)
    int count() const { return s_count; }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (type == QtWarningMsg
            && std::any_of(s_patterns.cbegin(), s_patterns.cend(), [&](const QString &p) { return message.contains(p); })) {
            ++s_count;
            return;
        }
        if (s_previous)
            s_previous(type, context, message);
    }
    static inline QStringList s_patterns;
    static inline std::atomic<int> s_count { 0 };
    static inline QtMessageHandler s_previous = nullptr;
};

inline LpmSupervisorConfig configFor(int workers, const QStringList &arguments = {})
{
    LpmSupervisorConfig config;
    config.worker.program = QStringLiteral(LPM_TESTWORKER);
    config.worker.arguments = arguments;
    config.worker.count = workers;
    return config;
}

inline bool isAlive(qint64 pid)
{
    return ::kill(pid_t(pid), 0) == 0 || errno != ESRCH;
}

inline qint64 monotonicNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

// The LpmError a finished future was rejected with, or nullopt if it resolved (or was
// cancelled by its caller). waitForFinished() rethrows a stored exception without
// touching results, which a cancelled future does not have.
inline std::optional<LpmError> rejection(QFuture<LpmResponse> future)
{
    try {
        future.waitForFinished();
    } catch (const LpmError &e) {
        return e;
    }
    return std::nullopt;
}

// A finished future ended exactly once: one result and no error, or an LpmError and
// no result. Never both, never neither (a bare cancellation).
inline bool endedOnce(QFuture<LpmResponse> future)
{
    if (!future.isFinished())
        return false;
    try {
        future.waitForFinished(); // rethrows a stored exception
    } catch (const LpmError &) {
        return future.resultCount() == 0;
    } catch (...) {
        return false;
    }
    return !future.isCanceled() && future.resultCount() == 1;
}

// The message of the LpmError a future was rejected with, or "" (for QVERIFY2, which
// evaluates its message whether or not the check fails).
inline QString failureOf(const QFuture<LpmResponse> &future)
{
    const auto error = rejection(future);
    return error ? error->message() : QString();
}

inline std::optional<LpmError::Code> rejectionCode(const QFuture<LpmResponse> &future)
{
    const auto error = rejection(future);
    return error ? std::optional<LpmError::Code>(error->code()) : std::nullopt;
}

inline QVariantMap op(const QString &name, const QVariantMap &more = {})
{
    QVariantMap payload = more;
    payload.insert(QStringLiteral("op"), name);
    return payload;
}

inline QVariantMap sleepFor(int ms)
{
    return op(QStringLiteral("sleep"), { { QStringLiteral("ms"), ms } });
}

inline qint64 answeredBy(const QFuture<LpmResponse> &future)
{
    return future.result().data().toMap().value(QStringLiteral("pid")).toLongLong();
}

template <typename Predicate>
bool anyWorker(const LpmSupervisor &supervisor, Predicate predicate)
{
    const QList<LpmWorkerHealth> health = supervisor.health();
    return std::any_of(health.cbegin(), health.cend(), predicate);
}

template <typename Predicate>
bool allWorkers(const LpmSupervisor &supervisor, Predicate predicate)
{
    const QList<LpmWorkerHealth> health = supervisor.health();
    return std::all_of(health.cbegin(), health.cend(), predicate);
}

// Starts supervisor, records every pid it spawns in spawned, and waits for online().
inline bool startAndWait(LpmSupervisor &supervisor, QSet<qint64> *spawned)
{
    QObject::connect(&supervisor, &LpmSupervisor::childSpawned, &supervisor,
                     [spawned](qint64 pid) { spawned->insert(pid); });
    QSignalSpy online(&supervisor, &LpmSupervisor::online);
    supervisor.start();
    return online.count() == 1 || online.wait(LongWaitMs);
}

// Every pid in spawned has exited (and been reaped).
inline bool noneAlive(const QSet<qint64> &spawned)
{
    return std::none_of(spawned.cbegin(), spawned.cend(), [](qint64 pid) { return isAlive(pid); });
}

// Waits for future on its finished signal (QTRY_* polls in 50 ms steps, too coarse for
// loops of many short requests).
template <typename T>
bool waitFor(const QFuture<T> &future, int timeoutMs = LongWaitMs)
{
    if (future.isFinished())
        return true;
    QFutureWatcher<T> watcher;
    QSignalSpy finished(&watcher, &QFutureWatcherBase::finished);
    watcher.setFuture(future);
    return future.isFinished() || finished.wait(timeoutMs);
}

template <typename Future>
bool allFinished(const QList<Future> &futures)
{
    return std::all_of(futures.cbegin(), futures.cend(), [](const auto &f) { return f.isFinished(); });
}

} // namespace LpmTest
