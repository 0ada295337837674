#include "lpmdispatcher_p.h"

#include <QtTest/qtest.h>

#include <vector>

namespace {

using Loads = std::vector<LpmWorkerLoad>;

LpmWorkerLoad ready(int inFlight, qint64 rss, int sockets = 0)
{
    return LpmWorkerLoad{ true, inFlight, sockets, rss };
}

LpmWorkerLoad notAccepting(qint64 rss)
{
    return LpmWorkerLoad{ false, 0, 0, rss };
}

int pickRequest(const Loads &loads)
{
    const auto it = LpmDispatcher::pickForRequest(loads.begin(), loads.end(),
                                                  [](const LpmWorkerLoad &l) -> const LpmWorkerLoad & { return l; });
    return it == loads.end() ? -1 : int(it - loads.begin());
}

int pickSocket(const Loads &loads)
{
    const auto it = LpmDispatcher::pickForSocket(loads.begin(), loads.end(),
                                                 [](const LpmWorkerLoad &l) -> const LpmWorkerLoad & { return l; });
    return it == loads.end() ? -1 : int(it - loads.begin());
}

} // namespace

class tst_Dispatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void request_data();
    void request();
    void socket_data();
    void socket();
    void burstIsSpread();
    void fullWorkersExcluded();
    void retirement_data();
    void retirement();
};

void tst_Dispatcher::request_data()
{
    QTest::addColumn<Loads>("loads");
    QTest::addColumn<int>("expected");
    QTest::newRow("no workers") << Loads{} << -1;
    QTest::newRow("none accepting") << Loads{ notAccepting(1), notAccepting(2) } << -1;
    QTest::newRow("idle beats busier lighter") << Loads{ ready(1, 10), ready(0, 900) } << 1;
    QTest::newRow("idle: lowest rss") << Loads{ ready(0, 300), ready(0, 100), ready(0, 200) } << 1;
    QTest::newRow("none idle: fewest in flight") << Loads{ ready(3, 10), ready(1, 900), ready(2, 5) } << 1;
    QTest::newRow("none idle: rss breaks ties") << Loads{ ready(2, 500), ready(2, 100), ready(3, 1) } << 1;
    QTest::newRow("not-ready or busy excluded") << Loads{ notAccepting(1), ready(5, 900), notAccepting(0) } << 1;
    QTest::newRow("holding a socket is not idle") << Loads{ ready(0, 10, 1), ready(0, 900) } << 1;
    QTest::newRow("tie: earliest wins") << Loads{ ready(0, 100), ready(0, 100), ready(0, 100) } << 0;
    QTest::newRow("tie among busy: earliest wins") << Loads{ ready(2, 7), ready(2, 7) } << 0;
}

void tst_Dispatcher::request()
{
    QFETCH(Loads, loads);
    QFETCH(int, expected);
    QCOMPARE(pickRequest(loads), expected);
}

void tst_Dispatcher::socket_data()
{
    QTest::addColumn<Loads>("loads");
    QTest::addColumn<int>("expected");
    QTest::newRow("no workers") << Loads{} << -1;
    QTest::newRow("fewest sockets") << Loads{ ready(0, 1, 3), ready(9, 900, 1), ready(0, 5, 2) } << 1;
    QTest::newRow("rss breaks ties") << Loads{ ready(0, 500, 1), ready(0, 100, 1) } << 1;
    QTest::newRow("not accepting excluded") << Loads{ notAccepting(1), ready(0, 900, 4) } << 1;
    QTest::newRow("tie: earliest wins") << Loads{ ready(0, 100, 1), ready(0, 100, 1) } << 0;
}

void tst_Dispatcher::socket()
{
    QFETCH(Loads, loads);
    QFETCH(int, expected);
    QCOMPARE(pickSocket(loads), expected);
}

void tst_Dispatcher::burstIsSpread()
{
    // RSS figures lag behind a burst; counting in-flight requests spreads it evenly.
    Loads loads{ ready(0, 100), ready(0, 300), ready(0, 200) };
    for (int i = 0; i < 300; ++i)
        ++loads[size_t(pickRequest(loads))].inFlight;
    QCOMPARE(loads[0].inFlight, 100);
    QCOMPARE(loads[1].inFlight, 100);
    QCOMPARE(loads[2].inFlight, 100);
}

void tst_Dispatcher::fullWorkersExcluded()
{
    const Loads loads{ ready(2, 10), ready(3, 900), ready(1, 500) };
    auto pick = [&loads](int maxInFlight) {
        const auto it = LpmDispatcher::pickForRequest(loads.begin(), loads.end(),
                                                      [](const LpmWorkerLoad &l) -> const LpmWorkerLoad & { return l; },
                                                      maxInFlight);
        return it == loads.end() ? -1 : int(it - loads.begin());
    };
    QCOMPARE(pick(4), 2);  // room everywhere: fewest in flight
    QCOMPARE(pick(2), 2);  // only the one holding 1 has room
    QCOMPARE(pick(1), -1); // every worker is full: the request waits
}

void tst_Dispatcher::retirement_data()
{
    // A worker's load for retirement: in flight, sockets, ready once, stopping.
    const auto w = [](int inFlight, int sockets, bool hasBeenReady, bool stopping = false) {
        LpmWorkerLoad load{ hasBeenReady, inFlight, sockets, 0 };
        load.hasBeenReady = hasBeenReady;
        load.stopping = stopping;
        return load;
    };
    QTest::addColumn<Loads>("loads");
    QTest::addColumn<int>("expected");
    QTest::newRow("least work") << Loads{ w(3, 0, true), w(1, 0, true), w(2, 0, true) } << 1;
    QTest::newRow("sockets are work") << Loads{ w(0, 2, true), w(1, 0, true) } << 1;
    QTest::newRow("not up yet beats up, work equal") << Loads{ w(0, 0, true), w(0, 0, false) } << 1;
    QTest::newRow("work first, then readiness") << Loads{ w(1, 0, false), w(0, 0, true) } << 1;
    QTest::newRow("never one already stopping") << Loads{ w(0, 0, true, true), w(5, 0, true) } << 1;
    QTest::newRow("ties go to the earliest") << Loads{ w(1, 0, true), w(1, 0, true) } << 0;
    QTest::newRow("all stopping") << Loads{ w(0, 0, true, true) } << -1;
    QTest::newRow("none") << Loads{} << -1;
}

void tst_Dispatcher::retirement()
{
    QFETCH(Loads, loads);
    QFETCH(int, expected);
    const auto it = LpmDispatcher::pickForRetirement(loads.begin(), loads.end(),
                                                     [](const LpmWorkerLoad &l) -> const LpmWorkerLoad & { return l; });
    QCOMPARE(it == loads.end() ? -1 : int(it - loads.begin()), expected);
}

QTEST_GUILESS_MAIN(tst_Dispatcher)
#include "tst_dispatcher.moc"
