// LpmRequestTable and LpmDeadlineQueue on plain data: the queue's order, who holds
// what, deadlines in order whatever is added and removed, and a cancellation sweep
// whose cost per call stays bounded and which still finds every cancelled request,
// and the flat index under it against a reference map.

#include "lpmdeadlinequeue_p.h"
#include "lpmrequestindex_p.h"
#include "lpmrequesttable_p.h"
#include "lpmuuid_p.h"

#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <set>

namespace {

// Stand-ins for workers: the table only compares their addresses.
LpmWorkerHandle *worker(int n)
{
    return reinterpret_cast<LpmWorkerHandle *>(quintptr(0x1000 * (n + 1)));
}

std::unique_ptr<LpmPendingRequest> request(qint64 createdAt, int timeoutMs = -1, int priority = 0)
{
    return std::make_unique<LpmPendingRequest>(LpmUuid::createV4(), createdAt, timeoutMs, 0, priority);
}

} // namespace

class tst_RequestTable : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void queueIsFifoAndSkipsEndedRequests();
    void retriesGoToTheFront();
    void higherPrioritiesLeaveFirstFifoAmongEquals();
    void priorityQueueAgainstAReferenceOrder();
    void holdersKnowTheirRequests();
    void takeReleasesFromItsHolder();
    void takeAllKeepsHolders();
    void deadlinesComeOutInOrder_data();
    void deadlinesComeOutInOrder();
    void deadlinesInOrderNeverReachTheHeap();
    void aLaneWhoseLastLeftTakesWhatFollowsTheNewLast();
    void theLatestPossibleDeadlineIsStillFound();
    void expiredRequestsComeFirst();
    void sweepFindsEveryCanceledRequestWithinBudget();
    void unfinishedRequestRejectsWhenDestroyed();
    void indexAgreesWithAReferenceMap_data();
    void indexAgreesWithAReferenceMap();
    void indexGivesADrainedBurstsMemoryBack();
};

void tst_RequestTable::queueIsFifoAndSkipsEndedRequests()
{
    LpmRequestTable table;
    std::vector<QUuid> ids;
    for (int i = 0; i < 5; ++i) {
        LpmPendingRequest *r = table.insert(request(i));
        ids.push_back(r->id);
        table.enqueueBack(r);
    }
    QCOMPARE(table.queuedCount(), 5);
    table.take(ids[0]); // ends while queued
    table.take(ids[2]);
    QCOMPARE(table.queuedCount(), 3);
    std::vector<QUuid> order;
    while (LpmPendingRequest *r = table.frontQueued()) {
        order.push_back(r->id);
        table.popQueued();
    }
    QCOMPARE(order, (std::vector<QUuid>{ ids[1], ids[3], ids[4] }));
    QCOMPARE(table.queuedCount(), 0);
    QCOMPARE(table.size(), 3);
}

void tst_RequestTable::retriesGoToTheFront()
{
    LpmRequestTable table;
    LpmPendingRequest *a = table.insert(request(1));
    LpmPendingRequest *b = table.insert(request(2));
    table.enqueueBack(a);
    table.enqueueFront(b);
    QCOMPARE(table.frontQueued(), b);
    const auto queued = table.takeQueued();
    QCOMPARE(queued.size(), size_t(2));
    QCOMPARE(queued.at(0).get(), b);
    QCOMPARE(table.size(), 0);
}

void tst_RequestTable::higherPrioritiesLeaveFirstFifoAmongEquals()
{
    LpmRequestTable table;
    // createdAt tags each request: 1x priority 0, 2x priority 5, 3x priority -1.
    const std::vector<std::pair<qint64, int>> arrivals = {
        { 10, 0 }, { 30, -1 }, { 20, 5 }, { 11, 0 }, { 21, 5 }, { 31, -1 }, { 12, 0 },
    };
    std::vector<LpmPendingRequest *> added;
    for (const auto &[tag, priority] : arrivals) {
        added.push_back(table.insert(request(tag, -1, priority)));
        table.enqueueBack(added.back());
    }
    QCOMPARE(table.queuedCount(), 7);
    // One that ended while queued is skipped; a retry goes before its equals only.
    table.take(added[3]->id); // 11
    LpmPendingRequest *retry = table.insert(request(13, -1, 0));
    table.enqueueFront(retry);
    std::vector<qint64> order;
    while (LpmPendingRequest *front = table.frontQueued()) {
        order.push_back(front->createdAt);
        table.popQueued();
    }
    QCOMPARE(order, (std::vector<qint64>{ 20, 21, 13, 10, 12, 30, 31 }));
    QCOMPARE(table.queuedCount(), 0);
}

void tst_RequestTable::priorityQueueAgainstAReferenceOrder()
{
    // Random pushes (back and front), pops and early ends against a std::map keyed by
    // (-priority, sequence), where a push to the front takes a sequence before all.
    LpmRequestTable table;
    std::map<std::pair<int, qint64>, QUuid> reference;
    std::map<QUuid, std::pair<int, qint64>> where;
    qint64 backSequence = 0;
    qint64 frontSequence = 0;
    QRandomGenerator random(14);
    for (int step = 0; step < 20000; ++step) {
        const int action = int(random.bounded(10));
        if (action < 5) {
            const int priority = int(random.bounded(4)) - 1;
            LpmPendingRequest *r = table.insert(request(step, -1, priority));
            const bool front = action == 0;
            const qint64 sequence = front ? --frontSequence : ++backSequence;
            front ? table.enqueueFront(r) : table.enqueueBack(r);
            reference.emplace(std::make_pair(-priority, sequence), r->id);
            where.emplace(r->id, std::make_pair(-priority, sequence));
        } else if (action < 8) {
            LpmPendingRequest *front = table.frontQueued();
            QCOMPARE(front != nullptr, !reference.empty());
            if (!front)
                continue;
            QCOMPARE(front->id, reference.begin()->second);
            table.popQueued();
            where.erase(reference.begin()->second);
            reference.erase(reference.begin());
            table.take(front->id);
        } else if (!where.empty()) {
            auto it = where.begin();
            std::advance(it, random.bounded(int(qMin<size_t>(where.size(), 50))));
            table.take(it->first);
            reference.erase(it->second);
            where.erase(it);
        }
        QCOMPARE(table.queuedCount(), int(reference.size()));
    }
}

void tst_RequestTable::holdersKnowTheirRequests()
{
    LpmRequestTable table;
    std::vector<LpmPendingRequest *> held;
    for (int i = 0; i < 6; ++i) {
        LpmPendingRequest *r = table.insert(request(100 - i)); // newest first
        table.setHolder(r, worker(i % 2));
        held.push_back(r);
    }
    QCOMPARE(table.heldBy(worker(0)), 3);
    QCOMPARE(table.heldBy(worker(1)), 3);
    QCOMPARE(LpmRequestTable::holderOf(held[3]), worker(1));
    const auto released = table.releaseHeldBy(worker(0));
    QCOMPARE(released.size(), size_t(3));
    // Oldest first, whatever the order they were sent in.
    QCOMPARE(released.at(0), held[4]);
    QCOMPARE(released.at(1), held[2]);
    QCOMPARE(released.at(2), held[0]);
    for (LpmPendingRequest *r : released)
        QCOMPARE(LpmRequestTable::holderOf(r), nullptr);
    QCOMPARE(table.heldBy(worker(0)), 0);
    QCOMPARE(table.heldBy(worker(1)), 3);
    QCOMPARE(table.size(), 6); // still in the table: they are retried or rejected next
}

void tst_RequestTable::takeReleasesFromItsHolder()
{
    LpmRequestTable table;
    std::vector<QUuid> ids;
    for (int i = 0; i < 4; ++i) {
        LpmPendingRequest *r = table.insert(request(i));
        table.setHolder(r, worker(0));
        ids.push_back(r->id);
    }
    table.take(ids[1]); // from the middle of its list
    table.take(ids[3]); // its head
    QCOMPARE(table.heldBy(worker(0)), 2);
    const auto released = table.releaseHeldBy(worker(0));
    QCOMPARE(released.size(), size_t(2));
    QCOMPARE(released.at(0)->id, ids[0]);
    QCOMPARE(released.at(1)->id, ids[2]);
    // Moving a request to another worker leaves the first one's list.
    LpmPendingRequest *moved = table.find(ids[0]);
    table.setHolder(moved, worker(1));
    table.setHolder(moved, worker(2));
    QCOMPARE(table.heldBy(worker(1)), 0);
    QCOMPARE(table.heldBy(worker(2)), 1);
}

void tst_RequestTable::takeAllKeepsHolders()
{
    LpmRequestTable table;
    LpmPendingRequest *held = table.insert(request(1, 1000));
    table.setHolder(held, worker(3));
    table.setDeadline(held, 5);
    table.enqueueBack(table.insert(request(2)));
    const auto all = table.takeAll();
    QCOMPARE(all.size(), size_t(2));
    QCOMPARE(table.size(), 0);
    QCOMPARE(table.earliestDeadline(), std::numeric_limits<qint64>::max());
    const auto it = std::find_if(all.begin(), all.end(), [held](const auto &r) { return r.get() == held; });
    QVERIFY(it != all.end());
    QCOMPARE(LpmRequestTable::holderOf(it->get()), worker(3)); // so the caller can tell it
}

void tst_RequestTable::deadlinesComeOutInOrder_data()
{
    // How the deadlines come: made by requests of `timeouts` distinct timeouts, each
    // created up to `jitter` after the one before (a thread hop can reorder them), or
    // at random.
    QTest::addColumn<int>("timeouts");
    QTest::addColumn<int>("jitter");
    QTest::addColumn<bool>("random");
    QTest::newRow("at random") << 1 << 0 << true;
    QTest::newRow("one timeout, in order") << 1 << 0 << false;
    QTest::newRow("three timeouts, in order") << 3 << 0 << false;
    QTest::newRow("more timeouts than lanes") << LpmDeadlineQueue::LaneCount + 5 << 0 << false;
    QTest::newRow("three timeouts, reordered") << 3 << 40 << false;
}

void tst_RequestTable::deadlinesComeOutInOrder()
{
    // Adds and removes (of any request, as answers do) against a multiset.
    QFETCH(int, timeouts);
    QFETCH(int, jitter);
    QFETCH(bool, random);
    LpmDeadlineQueue queue;
    std::vector<std::unique_ptr<LpmPendingRequest>> requests;
    std::multimap<qint64, LpmPendingRequest *> expected;
    QRandomGenerator generator(42);
    qint64 now = 0;
    for (int round = 0; round < 20000; ++round) {
        if (expected.empty() || generator.bounded(3) != 0) {
            requests.push_back(request(round));
            now += 10;
            const qint64 deadline = random ? generator.bounded(1000)
                                           : now - generator.bounded(jitter + 1)
                                                   + 1000 * generator.bounded(timeouts);
            queue.add(requests.back().get(), deadline);
            expected.emplace(deadline, requests.back().get());
        } else {
            auto victim = expected.begin();
            // Half the time the oldest, as answers come; else any.
            if (generator.bounded(2) != 0)
                std::advance(victim, generator.bounded(int(expected.size())));
            queue.remove(victim->second);
            queue.remove(victim->second); // twice is harmless
            expected.erase(victim);
        }
        QCOMPARE(queue.size(), qsizetype(expected.size()));
        if (!expected.empty()) {
            QCOMPARE(queue.earliestDeadline(), expected.begin()->first);
            const auto [first, end] = expected.equal_range(expected.begin()->first);
            QVERIFY(std::any_of(first, end, [&](const auto &e) { return e.second == queue.earliest(); }));
        }
    }
    qint64 last = -1;
    while (LpmPendingRequest *earliest = queue.earliest()) {
        QVERIFY(queue.earliestDeadline() >= last);
        last = queue.earliestDeadline();
        queue.remove(earliest);
    }
    QVERIFY(queue.isEmpty());
    QCOMPARE(queue.heapSize(), qsizetype(0));
    QCOMPARE(queue.earliestDeadline(), std::numeric_limits<qint64>::max());

    // clear() lets go of every request: each may be added again, and then all of
    // them come out, in order.
    for (auto &r : requests)
        queue.add(r.get(), generator.bounded(1000));
    queue.clear();
    QVERIFY(queue.isEmpty());
    QCOMPARE(queue.earliest(), nullptr);
    for (auto &r : requests)
        queue.remove(r.get()); // no longer queued: a no-op
    QVERIFY(queue.isEmpty());
    for (auto &r : requests)
        queue.add(r.get(), r->createdAt);
    qsizetype drained = 0;
    last = -1;
    while (LpmPendingRequest *earliest = queue.earliest()) {
        QCOMPARE(earliest->createdAt, queue.earliestDeadline()); // the one it names
        QVERIFY(queue.earliestDeadline() >= last);
        last = queue.earliestDeadline();
        queue.remove(earliest);
        ++drained;
    }
    QCOMPARE(drained, qsizetype(requests.size()));
}

void tst_RequestTable::deadlinesInOrderNeverReachTheHeap()
{
    // A few timeouts, each in creation order, as a pool under load has them: every
    // request waits in a lane, where adding and removing are O(1).
    LpmRequestTable table;
    std::vector<std::pair<QUuid, qint64>> live; // id, deadline
    QRandomGenerator generator(7);
    const int timeoutsMs[] = { 100, 5000, 600000 };
    for (qint64 createdAt = 0; createdAt < 30000; ++createdAt) {
        const int timeoutMs = timeoutsMs[generator.bounded(3)];
        LpmPendingRequest *r = table.insert(request(createdAt, timeoutMs));
        table.setDeadline(r, createdAt + timeoutMs);
        live.emplace_back(r->id, createdAt + timeoutMs);
        if (generator.bounded(4) == 0) { // an answer, to any of them
            const size_t victim = generator.bounded(quint32(live.size()));
            table.take(live[victim].first);
            live[victim] = live.back();
            live.pop_back();
        }
    }
    QCOMPARE(table.deadlineQueueForTests().heapSize(), qsizetype(0));
    QCOMPARE(table.deadlineQueueForTests().size(), qsizetype(live.size()));
    const auto earliest = std::min_element(live.begin(), live.end(),
                                           [](const auto &a, const auto &b) { return a.second < b.second; });
    QCOMPARE(table.earliestDeadline(), earliest->second);
    QCOMPARE(table.expiredAt(earliest->second - 1), nullptr);
    QVERIFY(table.expiredAt(earliest->second) != nullptr);
}

void tst_RequestTable::aLaneWhoseLastLeftTakesWhatFollowsTheNewLast()
{
    // Falling deadlines open a lane each, until every lane is taken.
    LpmDeadlineQueue queue;
    std::vector<std::unique_ptr<LpmPendingRequest>> requests;
    const auto add = [&](qint64 deadline) {
        requests.push_back(request(deadline));
        queue.add(requests.back().get(), deadline);
        return requests.back().get();
    };
    for (int lane = 0; lane < LpmDeadlineQueue::LaneCount; ++lane)
        add(1000 - 100 * lane);
    QCOMPARE(queue.heapSize(), qsizetype(0));
    const qint64 lowestTail = 1000 - 100 * (LpmDeadlineQueue::LaneCount - 1);
    // Behind the lowest lane's last, then gone again (answered): that lane's last is
    // the one before once more, so a deadline between the two still fits there.
    LpmPendingRequest *behind = add(lowestTail + 50);
    queue.remove(behind);
    add(lowestTail + 20);
    QCOMPARE(queue.heapSize(), qsizetype(0));
    // Earlier than every lane's last: only the heap takes it.
    add(lowestTail - 1);
    QCOMPARE(queue.heapSize(), qsizetype(1));
    QCOMPARE(queue.earliestDeadline(), lowestTail - 1);
    queue.clear();
}

void tst_RequestTable::theLatestPossibleDeadlineIsStillFound()
{
    // An empty lane's head deadline is the largest qint64 too: a request whose deadline
    // is that value must still be found, alone in its lane and with the heap empty.
    LpmDeadlineQueue queue;
    const auto last = request(std::numeric_limits<qint64>::max());
    queue.add(last.get(), std::numeric_limits<qint64>::max());
    QCOMPARE(queue.earliest(), last.get());
    queue.remove(last.get());
    QCOMPARE(queue.earliest(), nullptr);
}

void tst_RequestTable::expiredRequestsComeFirst()
{
    LpmRequestTable table;
    LpmPendingRequest *late = table.insert(request(1, 100));
    LpmPendingRequest *early = table.insert(request(2, 100));
    table.setDeadline(late, 300);
    table.setDeadline(early, 200);
    QCOMPARE(table.expiredAt(199), nullptr);
    QCOMPARE(table.expiredAt(250), early);
    table.take(early->id); // answered, or timed out: its deadline goes with it
    QCOMPARE(table.expiredAt(250), nullptr);
    QCOMPARE(table.expiredAt(300), late);
}

void tst_RequestTable::sweepFindsEveryCanceledRequestWithinBudget()
{
    LpmRequestTable table;
    constexpr int Count = 100000;
    constexpr int Budget = 4096;
    std::set<QUuid> canceled;
    std::vector<QFuture<LpmResponse>> futures;
    for (int i = 0; i < Count; ++i) {
        LpmPendingRequest *r = table.insert(request(i));
        table.enqueueBack(r);
        if (i % 97 == 0) {
            QFuture<LpmResponse> future = r->future();
            future.cancel();
            canceled.insert(r->id);
        }
    }
    std::set<QUuid> found;
    int calls = 0;
    while (found.size() < canceled.size() && calls < 10 * Count / Budget) {
        const auto ids = table.canceledIds(Budget);
        QVERIFY(int(ids.size()) <= Budget);
        found.insert(ids.begin(), ids.end());
        ++calls;
    }
    QCOMPARE(found, canceled);
    // About one lap of the table, in slices of the budget.
    QVERIFY2(calls <= 2 * (Count / Budget + 1), qPrintable(QString::number(calls)));
}

void tst_RequestTable::unfinishedRequestRejectsWhenDestroyed()
{
    QFuture<LpmResponse> future;
    {
        LpmRequestTable table;
        future = table.insert(request(1))->future();
    }
    QVERIFY(future.isFinished());
    try {
        future.waitForFinished();
        QFAIL("no exception");
    } catch (const LpmError &e) {
        QCOMPARE(e.code(), LpmError::Code::ShuttingDown);
    }
}

void tst_RequestTable::indexAgreesWithAReferenceMap_data()
{
    QTest::addColumn<bool>("randomIds");
    QTest::newRow("random v4 ids") << true;
    // Ids a worker might make up: nearly all bits equal, so only the mixing spreads them.
    QTest::newRow("sequential ids") << false;
}

void tst_RequestTable::indexAgreesWithAReferenceMap()
{
    QFETCH(bool, randomIds);
    LpmRequestIndex index;
    std::map<QUuid, LpmPendingRequest *> reference;
    std::vector<QUuid> known; // present and taken ones, to look up both
    QRandomGenerator random(20261202);
    uint next = 0;
    const auto makeId = [&] {
        return randomIds ? LpmUuid::createV4() : QUuid(next++, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    };
    for (int step = 0; step < 60000; ++step) {
        // Grow for a while, then drain, then grow again: every path of growth,
        // shifting back and shrinking is walked.
        const bool growing = (step / 15000) % 2 == 0;
        const bool insert = reference.empty() || random.bounded(100) < (growing ? 70 : 30);
        if (insert) {
            auto r = std::make_unique<LpmPendingRequest>(makeId(), step, -1, 0);
            const QUuid id = r->id;
            LpmPendingRequest *raw = index.insert(std::move(r));
            reference.emplace(id, raw);
            known.push_back(id);
        } else {
            auto it = reference.begin();
            std::advance(it, random.bounded(int(qMin<size_t>(reference.size(), 64))));
            std::unique_ptr<LpmPendingRequest> taken = index.take(it->first);
            QVERIFY(taken);
            QCOMPARE(taken.get(), it->second);
            reference.erase(it);
        }
        QCOMPARE(index.size(), qsizetype(reference.size()));
        const QUuid &probe = known[random.bounded(int(known.size()))];
        const auto expected = reference.find(probe);
        QCOMPARE(index.find(probe), expected == reference.end() ? nullptr : expected->second);
    }
    for (const auto &[id, request] : reference)
        QCOMPARE(index.find(id), request);
    QCOMPARE(index.take(QUuid::createUuid()), nullptr);
    QCOMPARE(qsizetype(index.takeAll().size()), qsizetype(reference.size()));
    QVERIFY(index.isEmpty());
    QCOMPARE(index.find(known.front()), nullptr);
}

void tst_RequestTable::indexGivesADrainedBurstsMemoryBack()
{
    LpmRequestIndex index;
    std::vector<QUuid> ids;
    for (int i = 0; i < 100000; ++i)
        ids.push_back(index.insert(request(i))->id);
    QVERIFY(index.slotCount() >= 100000 * 4 / 3);
    for (const QUuid &id : ids)
        QVERIFY(index.take(id));
    QVERIFY2(index.slotCount() <= 64, qPrintable(QString::number(index.slotCount())));
}

QTEST_GUILESS_MAIN(tst_RequestTable)
#include "tst_requesttable.moc"
