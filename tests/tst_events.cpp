#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qtemporarydir.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <csignal>
#include <thread>

using namespace LpmTest;

namespace {

QVariantMap eventOp(const QString &name, const QVariant &payload = {})
{
    return op(QStringLiteral("event"), { { QStringLiteral("name"), name }, { QStringLiteral("payload"), payload } });
}

QVariantMap answerOf(const QFuture<LpmResponse> &future)
{
    return future.result().data().toMap();
}

// Connects to port, returns the first line the peer wrote (a worker writes its pid)
// and checks that what was sent first comes back.
QByteArray greetingFrom(quint16 port, const QByteArray &sendFirst = {})
{
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, port);
    if (!client.waitForConnected(LongWaitMs))
        return {};
    if (!sendFirst.isEmpty())
        client.write(sendFirst);
    QByteArray received;
    while (!received.contains('\n') || received.size() < received.indexOf('\n') + 1 + sendFirst.size()) {
        if (!client.waitForReadyRead(LongWaitMs))
            return {};
        received += client.readAll();
    }
    const qsizetype end = received.indexOf('\n');
    if (received.mid(end + 1) != sendFirst)
        return {};
    return received.left(end);
}

} // namespace

class tst_Events : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void eventWithReply();
    void eventsFromSeveralWorkersAtOnce();
    void respondTwiceWarns();
    void respondFromAnotherThread();
    void droppedEventRejectsWorkerFuture();
    void unserializableAnswerRejectsWorkerFuture();
    void keptEventRejectedWhenWorkerExits();
    void broadcastReachesEveryWorker();
    void broadcastRefusesUnserializablePayload();
    void sharedServerServedByWorkers();
    void sharedServerSurvivesRespawn();
    void sharedServerRefusedWhenNotListening();

private:
    bool startAndWait(LpmSupervisor &supervisor) { return LpmTest::startAndWait(supervisor, &m_spawned); }

    QSet<qint64> m_spawned;
};

void tst_Events::init()
{
    m_spawned.clear();
}

void tst_Events::cleanup()
{
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(m_spawned), 10000);
}

void tst_Events::eventWithReply()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QList<LpmEvent> seen;
    connect(&supervisor, &LpmSupervisor::eventReceived, this,
            [&seen](const QString &name, const LpmEvent &event) {
                seen.append(event);
                if (name == QLatin1String("double"))
                    event.respond(event.data().toInt() * 2);
            });
    const qint64 before = monotonicNowNs();
    const auto f = supervisor.enqueue(eventOp(QStringLiteral("double"), 21));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QCOMPARE(answerOf(f).value(QStringLiteral("reply")).toInt(), 42);
    QCOMPARE(seen.size(), 1);
    const LpmEvent &event = seen.first();
    QCOMPARE(event.name(), QStringLiteral("double"));
    QCOMPARE(event.data().toInt(), 21);
    QCOMPARE(event.pid(), answeredBy(f));
    QVERIFY(m_spawned.contains(event.pid()));
    QCOMPARE(event.id().version(), QUuid::Random);
    QVERIFY(event.createdAt() >= before && event.createdAt() <= monotonicNowNs());
    QVERIFY(event.isAnswered());
}

void tst_Events::eventsFromSeveralWorkersAtOnce()
{
    LpmSupervisor supervisor(configFor(3));
    QVERIFY(startAndWait(supervisor));
    QSet<qint64> senders;
    connect(&supervisor, &LpmSupervisor::eventReceived, this,
            [&senders](const QString &, const LpmEvent &event) {
                senders.insert(event.pid());
                event.respond(event.data().toInt() + 1000);
            });
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 30; ++i)
        futures.append(supervisor.enqueue(eventOp(QStringLiteral("plus"), i)));
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(futures), LongWaitMs);
    for (int i = 0; i < futures.size(); ++i) {
        QVERIFY(endedOnce(futures.at(i)));
        QCOMPARE(answerOf(futures.at(i)).value(QStringLiteral("reply")).toInt(), i + 1000);
    }
    QCOMPARE(senders.size(), 3);
}

void tst_Events::respondTwiceWarns()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    bool second = true;
    connect(&supervisor, &LpmSupervisor::eventReceived, this,
            [&second](const QString &, const LpmEvent &event) {
                event.respond(1);
                second = event.respond(2);
            });
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("was already answered")));
    const auto f = supervisor.enqueue(eventOp(QStringLiteral("twice")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QCOMPARE(answerOf(f).value(QStringLiteral("reply")).toInt(), 1);
    QVERIFY(!second);
}

void tst_Events::respondFromAnotherThread()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    std::thread responder;
    connect(&supervisor, &LpmSupervisor::eventReceived, this,
            [&responder](const QString &, const LpmEvent &event) {
                responder = std::thread([event] { event.respond(QStringLiteral("from a thread")); });
            });
    const auto f = supervisor.enqueue(eventOp(QStringLiteral("threaded")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    responder.join();
    QCOMPARE(answerOf(f).value(QStringLiteral("reply")).toString(), QStringLiteral("from a thread"));
}

void tst_Events::droppedEventRejectsWorkerFuture()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    // Nothing connected: the event is dropped unanswered and the worker hears so.
    const auto f = supervisor.enqueue(eventOp(QStringLiteral("nobody")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QCOMPARE(answerOf(f).value(QStringLiteral("error")).toString(), QStringLiteral("NoAnswer"));
}

void tst_Events::unserializableAnswerRejectsWorkerFuture()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    connect(&supervisor, &LpmSupervisor::eventReceived, this, [](const QString &, const LpmEvent &event) {
        QVERIFY(!event.respond(QVariant::fromValue(QPoint(1, 2))));
    });
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot cross processes.*QPoint")));
    const auto f = supervisor.enqueue(eventOp(QStringLiteral("point")));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QCOMPARE(answerOf(f).value(QStringLiteral("error")).toString(), QStringLiteral("NotSerializable"));
}

void tst_Events::keptEventRejectedWhenWorkerExits()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("outcome"));
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QList<LpmEvent> kept; // kept and never answered
    connect(&supervisor, &LpmSupervisor::eventReceived, this,
            [&kept](const QString &, const LpmEvent &event) { kept.append(event); });
    const auto f = supervisor.enqueue(op(QStringLiteral("event-to-file"),
                                         { { QStringLiteral("name"), QStringLiteral("kept") },
                                           { QStringLiteral("file"), file } }));
    QTRY_COMPARE_WITH_TIMEOUT(kept.size(), 1, LongWaitMs);
    supervisor.hardKill();
    QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), LpmSupervisor::State::Stopped, LongWaitMs);
    QFile outcome(file);
    QVERIFY(outcome.open(QIODevice::ReadOnly));
    QCOMPARE(outcome.readAll(), QByteArray("ChannelClosed"));
    // Answering an event whose worker is gone is harmless.
    kept.first().respond(1);
}

void tst_Events::broadcastReachesEveryWorker()
{
    LpmSupervisor supervisor(configFor(3));
    QVERIFY(startAndWait(supervisor));
    QHash<qint64, QVariant> seenBy;
    connect(&supervisor, &LpmSupervisor::eventReceived, this,
            [&seenBy](const QString &name, const LpmEvent &event) {
                if (name == QLatin1String("broadcast-seen"))
                    seenBy.insert(event.pid(), event.data());
                event.respond();
            });
    const QVariantMap payload{ { QStringLiteral("threads"), 4 } };
    QVERIFY(supervisor.broadcast(QStringLiteral("config"), payload));
    QTRY_COMPARE_WITH_TIMEOUT(seenBy.size(), 3, LongWaitMs);
    for (const QVariant &seen : std::as_const(seenBy)) {
        QCOMPARE(seen.toMap().value(QStringLiteral("name")).toString(), QStringLiteral("config"));
        QCOMPARE(seen.toMap().value(QStringLiteral("payload")), QVariant(payload));
    }
}

void tst_Events::broadcastRefusesUnserializablePayload()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not broadcasting bad.*QPoint")));
    QVERIFY(!supervisor.broadcast(QStringLiteral("bad"), QVariant::fromValue(QPoint())));
}

void tst_Events::sharedServerServedByWorkers()
{
    LpmSupervisor supervisor(configFor(2, { QStringLiteral("listen") }));
    QVERIFY(startAndWait(supervisor));
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QSignalSpy ourConnections(&server, &QTcpServer::newConnection);
    QVERIFY(supervisor.broadcast(QStringLiteral("http"), QVariantMap{}, &server));
    QSet<QByteArray> servedBy;
    for (int i = 0; i < 50; ++i) {
        const QByteArray pid = greetingFrom(server.serverPort(), "ping " + QByteArray::number(i));
        QVERIFY2(!pid.isEmpty(), "a connection was not served");
        servedBy.insert(pid);
    }
    for (const QByteArray &pid : std::as_const(servedBy))
        QVERIFY2(m_spawned.contains(pid.toLongLong()), pid.constData()); // workers, not us
    QCOMPARE(ourConnections.count(), 0);
}

void tst_Events::sharedServerSurvivesRespawn()
{
    LpmSupervisor supervisor(configFor(2, { QStringLiteral("listen") }));
    QVERIFY(startAndWait(supervisor));
    quint16 port = 0;
    {
        QTcpServer server; // deleted right after sharing: the pool keeps the socket
        QVERIFY(server.listen(QHostAddress::LocalHost));
        port = server.serverPort();
        QVERIFY(supervisor.broadcast(QStringLiteral("http"), {}, &server));
    }
    const qint64 victim = supervisor.health().value(0).pid;
    QSignalSpy spawned(&supervisor, &LpmSupervisor::childSpawned);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 9")));
    ::kill(pid_t(victim), SIGKILL);
    QVERIFY(spawned.wait(LongWaitMs));
    const QByteArray newcomer = QByteArray::number(spawned.first().at(0).toLongLong());
    // The respawned worker serves the same socket: it shows up among the answers once it
    // has adopted it, which takes a while on a loaded machine.
    bool seenNewcomer = false;
    for (QDeadlineTimer deadline(LongWaitMs); !seenNewcomer && !deadline.hasExpired();) {
        const QByteArray pid = greetingFrom(port);
        QVERIFY2(!pid.isEmpty(), "a connection was not served");
        QVERIFY(pid != QByteArray::number(victim));
        seenNewcomer = pid == newcomer;
    }
    QVERIFY(seenNewcomer);
}

void tst_Events::sharedServerRefusedWhenNotListening()
{
    LpmSupervisor supervisor(configFor(1));
    QTcpServer server;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not listening")));
    QVERIFY(!supervisor.broadcast(QStringLiteral("http"), {}, &server));
}

QTEST_GUILESS_MAIN(tst_Events)
#include "tst_events.moc"
