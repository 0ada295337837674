// The supervisor in a thread of its own, moved there or created there: every timer,
// socket and notifier follows it (cancellation, health sampling, a soft kill's grace),
// and requests come from any number of threads. Also run under ThreadSanitizer.

#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtCore/qatomic.h>
#include <QtCore/qthread.h>
#include <QtTest/qtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

using namespace LpmTest;

namespace {

// Runs f in object's thread and waits for it. Not a BlockingQueuedConnection: Qt
// waits for that on a semaphore ThreadSanitizer cannot see; an atomic it can.
template <typename F>
void blockingIn(QObject *object, F f)
{
    std::atomic<bool> done{ false };
    QMetaObject::invokeMethod(object, [&] {
        f();
        done.store(true, std::memory_order_release);
    }, Qt::QueuedConnection);
    while (!done.load(std::memory_order_acquire))
        QThread::yieldCurrentThread();
}

// Runs f in object's thread and waits for it: reading a supervisor's state belongs there.
template <typename F>
auto inThreadOf(QObject *object, F f) -> decltype(f())
{
    decltype(f()) result{};
    blockingIn(object, [&] { result = f(); });
    return result;
}

// A supervisor living in a thread of its own, with counters its signals bump there.
struct Threaded
{
    explicit Threaded(const LpmSupervisorConfig &config, bool createThere)
    {
        thread.start();
        if (createThere) {
            blockingIn(&anchor(), [&] { supervisor = new LpmSupervisor(config); });
        } else {
            supervisor = new LpmSupervisor(config);
            supervisor->moveToThread(&thread);
        }
        QObject::connect(supervisor, &LpmSupervisor::online, supervisor, [this] { ++online; });
        QObject::connect(supervisor, &LpmSupervisor::healthUpdated, supervisor, [this] { ++health; });
        QObject::connect(supervisor, &LpmSupervisor::childSpawned, supervisor,
                         [this](qint64 pid) { spawned.push_back(pid); });
        QObject::connect(supervisor, &LpmSupervisor::stateChanged, supervisor,
                         [this](LpmSupervisor::State s) { state = int(s); });
    }
    ~Threaded()
    {
        blockingIn(supervisor, [this] { delete supervisor; });
        thread.quit();
        thread.wait();
    }
    QObject &anchor()
    {
        if (!m_anchor) {
            m_anchor = std::make_unique<QObject>();
            m_anchor->moveToThread(&thread);
        }
        return *m_anchor;
    }
    void call(std::function<void(LpmSupervisor *)> f)
    {
        blockingIn(supervisor, [this, f] { f(supervisor); });
    }
    QSet<qint64> pids() const
    {
        return QSet<qint64>(spawned.cbegin(), spawned.cend());
    }

    QThread thread;
    LpmSupervisor *supervisor = nullptr;
    std::atomic<int> online{ 0 };
    std::atomic<int> health{ 0 };
    std::atomic<int> state{ -1 };
    std::vector<qint64> spawned; // written in the supervisor's thread, read after it stopped

private:
    std::unique_ptr<QObject> m_anchor;
};

} // namespace

class tst_Threads : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void everythingFollowsTheSupervisor_data();
    void everythingFollowsTheSupervisor();
    void softKillGraceEscalatesInItsThread();
    void requestsFromEightThreads();
};

void tst_Threads::init()
{
    // A timer or notifier left behind in the old thread says so with these warnings.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("Timers cannot|another thread|QSocketNotifier")));
}

void tst_Threads::everythingFollowsTheSupervisor_data()
{
    QTest::addColumn<bool>("createThere");
    QTest::newRow("moved with moveToThread()") << false;
    QTest::newRow("created in its thread") << true;
}

void tst_Threads::everythingFollowsTheSupervisor()
{
    QFETCH(bool, createThere);
    QSet<qint64> pids;
    {
        Threaded pool(configFor(2), createThere);
        pool.call([](LpmSupervisor *s) { s->start(); });
        QTRY_COMPARE_WITH_TIMEOUT(pool.online.load(), 1, LongWaitMs);
        // Health is sampled by a timer of the pool's.
        const int seen = pool.health.load();
        QTRY_VERIFY_WITH_TIMEOUT(pool.health.load() > seen + 1, LongWaitMs);
        // enqueue() from this thread, answered there.
        const auto answered = pool.supervisor->enqueue(op(QStringLiteral("echo")));
        QVERIFY(!rejection(answered)); // waits: this is not the supervisor's thread
        // Cancellation is a timer's work too: the worker hears of it.
        auto running = pool.supervisor->enqueue(op(QStringLiteral("cancelable"), { { QStringLiteral("ms"), 60000 } }));
        QTRY_COMPARE_WITH_TIMEOUT(inThreadOf(pool.supervisor, [&] { return pool.supervisor->workers().value(0).inFlight()
                                                                          + pool.supervisor->workers().value(1).inFlight(); }),
                                  1, LongWaitMs);
        running.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(inThreadOf(pool.supervisor, [&] { return pool.supervisor->pendingCount(); }), 0, LongWaitMs);
        QVERIFY(running.isCanceled());
        // And a timeout.
        LpmRequestOptions quick;
        quick.timeout = 100;
        const auto slow = pool.supervisor->enqueue(sleepFor(60000), quick);
        QCOMPARE(rejectionCode(slow), LpmError::Code::TimedOut);
        pids = pool.pids();
    }
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(pids), 10000);
}

void tst_Threads::softKillGraceEscalatesInItsThread()
{
    QSet<qint64> pids;
    {
        Threaded pool(configFor(1), false);
        pool.call([](LpmSupervisor *s) { s->start(); });
        QTRY_COMPARE_WITH_TIMEOUT(pool.online.load(), 1, LongWaitMs);
        const auto hung = pool.supervisor->enqueue(op(QStringLiteral("hang")));
        QTRY_COMPARE_WITH_TIMEOUT(inThreadOf(pool.supervisor, [&] { return pool.supervisor->workers().value(0).inFlight(); }),
                                  1, LongWaitMs);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("grace period over")));
        pool.call([](LpmSupervisor *s) { s->softKill(200); });
        QTRY_COMPARE_WITH_TIMEOUT(pool.state.load(), int(LpmSupervisor::State::Stopped), LongWaitMs);
        QCOMPARE(rejectionCode(hung), LpmError::Code::ShuttingDown);
        pids = pool.pids();
    }
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(pids), 10000);
}

void tst_Threads::requestsFromEightThreads()
{
    QSet<qint64> pids;
    {
        Threaded pool(configFor(2), false);
        pool.call([](LpmSupervisor *s) { s->start(); });
        constexpr int Producers = 8;
        constexpr int Each = 500;
        std::atomic<int> wrong{ 0 };
        std::vector<std::thread> producers;
        for (int t = 0; t < Producers; ++t) {
            producers.emplace_back([&, t] {
                QList<QFuture<LpmResponse>> futures;
                for (int i = 0; i < Each; ++i)
                    futures.append(pool.supervisor->enqueue(QVariantMap{ { QStringLiteral("n"), t * Each + i } }));
                for (int i = 0; i < Each; ++i) {
                    // Waited on here: any thread but the supervisor's may block.
                    const QVariant echoed = futures.at(i).result().data().toMap().value(QStringLiteral("echo"));
                    if (echoed.toMap().value(QStringLiteral("n")).toInt() != t * Each + i)
                        ++wrong;
                }
            });
        }
        for (std::thread &producer : producers)
            producer.join();
        QCOMPARE(wrong.load(), 0);
        QCOMPARE(inThreadOf(pool.supervisor, [&] { return int(pool.supervisor->handledCount()); }), Producers * Each);
        pids = pool.pids();
    }
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(pids), 10000);
}

QTEST_GUILESS_MAIN(tst_Threads)
#include "tst_threads.moc"
