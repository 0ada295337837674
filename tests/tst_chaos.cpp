// Chaos: workers are SIGKILLed at random while plain, stream, stream-back, socket and
// event requests run, with unlimited retries. Every future ends exactly once, every
// answer is right, and once the pool is gone no descriptor or process is left.

#include "lpmipctesthelpers.h"
#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtCore/qbuffer.h>
#include <QtCore/qcryptographichash.h>
#include <QtCore/qrandom.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>
#include <QtTest/qtest.h>

#include <csignal>
#include <memory>
#include <vector>

using namespace LpmTest;
using LpmIpcTest::openDescriptors;

namespace {

constexpr int ChaosMs = 4000;
constexpr int KillEveryMs = 120;

// The test worker's stream pattern: byte i is (i * 7 + i / 4096) mod 256.
QByteArray pattern(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = char((i * 7 + i / 4096) & 0xff);
    return bytes;
}

struct Expectation
{
    enum Kind { Plain, Stream, StreamBack, Socket, Event } kind;
    QFuture<LpmResponse> future;
    QVariant expected; // what the answer must hold
};

} // namespace

class tst_Chaos : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void randomKillsLoseNothing();
};

void tst_Chaos::initTestCase()
{
    LpmSupervisor warm(configFor(1)); // what lives for the process (the SIGINT pipe)
}

void tst_Chaos::randomKillsLoseNothing()
{
    const int descriptorsBefore = openDescriptors();
    QSet<qint64> spawned;
    std::vector<Expectation> expectations;
    std::vector<std::unique_ptr<QBuffer>> sources;
    QByteArray streamed = pattern(256 * 1024);
    const QByteArray streamedHash = QCryptographicHash::hash(streamed, QCryptographicHash::Sha256).toHex();
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    std::vector<std::unique_ptr<QTcpSocket>> clients;
    int kills = 0;
    {
        LpmSupervisorConfig config = configFor(3);
        config.worker.restarts = 100000;
        config.request.retries = -1; // every request that can be retried is
        LpmSupervisor supervisor(config);
        connect(&supervisor, &LpmSupervisor::eventReceived, this, [](const QString &name, const LpmEvent &event) {
            event.respond(QVariantMap{ { QStringLiteral("seen"), name } });
        });
        QVERIFY(startAndWait(supervisor, &spawned));
        QRandomGenerator random(20261201);
        int n = 0;
        QTimer load;
        connect(&load, &QTimer::timeout, this, [&] {
            for (int i = 0; i < 8; ++i, ++n) {
                switch (n % 5) {
                case 0:
                    expectations.push_back({ Expectation::Plain, supervisor.enqueue(QVariantMap{ { QStringLiteral("n"), n } }),
                                             QVariantMap{ { QStringLiteral("n"), n } } });
                    break;
                case 1: {
                    sources.push_back(std::make_unique<QBuffer>(&streamed));
                    sources.back()->open(QIODevice::ReadOnly);
                    expectations.push_back({ Expectation::Stream,
                                             supervisor.enqueue(op(QStringLiteral("hash-stream")), sources.back().get()),
                                             streamedHash });
                    break;
                }
                case 2:
                    expectations.push_back({ Expectation::StreamBack,
                                             supervisor.enqueue(op(QStringLiteral("stream-back"), { { QStringLiteral("bytes"), 64 * 1024 } })),
                                             64 * 1024 });
                    break;
                case 3: {
                    clients.push_back(std::make_unique<QTcpSocket>());
                    clients.back()->connectToHost(server.serverAddress(), server.serverPort());
                    if (!server.waitForNewConnection(LongWaitMs))
                        return;
                    QTcpSocket *accepted = server.nextPendingConnection();
                    expectations.push_back({ Expectation::Socket,
                                             supervisor.enqueue(op(QStringLiteral("echo-socket")), accepted), true });
                    accepted->deleteLater();
                    break;
                }
                case 4:
                    expectations.push_back({ Expectation::Event,
                                             supervisor.enqueue(op(QStringLiteral("event"), { { QStringLiteral("name"), QStringLiteral("e%1").arg(n) } })),
                                             QStringLiteral("e%1").arg(n) });
                    break;
                }
            }
        });
        QTimer killer;
        connect(&killer, &QTimer::timeout, this, [&] {
            const QList<LpmWorkerHealth> live = supervisor.health();
            if (live.isEmpty())
                return;
            ::kill(pid_t(live.at(int(random.bounded(int(live.size())))).pid), SIGKILL);
            ++kills;
        });
        std::optional<CountedWarnings> killWarnings(std::in_place, QStringList{ QStringLiteral("exited: killed by signal 9") });
        load.start(20);
        killer.start(KillEveryMs);
        QTest::qWait(ChaosMs); // the chaos itself: both timers run meanwhile
        killer.stop();
        load.stop();
        std::vector<QFuture<LpmResponse>> futures;
        for (const Expectation &e : expectations)
            futures.push_back(e.future);
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(futures.cbegin(), futures.cend(), [](const auto &f) { return f.isFinished(); }),
                                 LongWaitMs);
        killWarnings.reset();
        int socketsLost = 0;
        for (const Expectation &e : expectations) {
            QVERIFY(endedOnce(e.future));
            if (e.kind == Expectation::Socket && rejectionCode(e.future) == LpmError::Code::WorkerCrashed) {
                ++socketsLost; // a connection dies with its worker: never retried
                continue;
            }
            QVERIFY2(!rejection(e.future), qPrintable(failureOf(e.future)));
            const QVariantMap answer = e.future.result().data().toMap();
            switch (e.kind) {
            case Expectation::Plain:
                QCOMPARE(answer.value(QStringLiteral("echo")), e.expected);
                break;
            case Expectation::Stream:
                QCOMPARE(answer.value(QStringLiteral("sha256")).toByteArray(), e.expected.toByteArray());
                break;
            case Expectation::StreamBack: {
                QCOMPARE(answer.value(QStringLiteral("bytes")), e.expected);
                // The stream is whole, or says it is not: never silently short.
                auto *stream = qobject_cast<LpmStream *>(e.future.result().stream());
                QVERIFY(stream);
                QByteArray bytes;
                QVERIFY(QTest::qWaitFor([&] {
                    bytes += stream->readAll();
                    return stream->isFinished() || stream->hasError();
                }, LongWaitMs));
                bytes += stream->readAll();
                if (stream->isFinished())
                    QCOMPARE(bytes, pattern(64 * 1024));
                break;
            }
            case Expectation::Socket:
                QCOMPARE(answer.value(QStringLiteral("socket")), e.expected);
                break;
            case Expectation::Event:
                QCOMPARE(answer.value(QStringLiteral("reply")).toMap().value(QStringLiteral("seen")), e.expected);
                break;
            }
        }
        qInfo("%d requests, %d kills, %d handed-over connections lost with their worker",
              int(expectations.size()), kills, socketsLost);
        QVERIFY(kills > 10);
        expectations.clear(); // their response streams go with them
    }
    clients.clear();
    sources.clear();
    server.close();
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(spawned), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(), descriptorsBefore, LongWaitMs);
}

QTEST_GUILESS_MAIN(tst_Chaos)
#include "tst_chaos.moc"
