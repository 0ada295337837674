#include "lpmtesthelpers.h"

#include <lpm/lpm.h>

#include <QtCore/qbuffer.h>
#include <QtCore/qcryptographichash.h>
#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qtemporarydir.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <csignal>

using namespace LpmTest;

namespace {

// The test worker's pattern: byte i is (i * 7 + i / 4096) mod 256.
QByteArray pattern(qint64 offset, qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = char(((offset + i) * 7 + (offset + i) / 4096) & 0xff);
    return bytes;
}

// A sequential source that makes the pattern as it is read, without holding it, and
// can fail part-way like a broken disk or pipe.
class PatternDevice : public QIODevice
{
public:
    PatternDevice(qint64 size, qint64 failAt = -1) : m_size(size), m_failAt(failAt)
    {
        open(QIODevice::ReadOnly);
    }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_size - m_pos + QIODevice::bytesAvailable(); }
    QByteArray sha256() const
    {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        for (qint64 at = 0; at < m_size; at += 1 << 20)
            hash.addData(pattern(at, qMin<qint64>(1 << 20, m_size - at)));
        return hash.result().toHex();
    }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        if (m_failAt >= 0 && m_pos >= m_failAt) {
            setErrorString(QStringLiteral("the disk is on fire"));
            return -1;
        }
        qint64 n = qMin(maxSize, m_size - m_pos);
        if (m_failAt >= 0)
            n = qMin(n, m_failAt - m_pos);
        if (n <= 0)
            return -1;
        const QByteArray bytes = pattern(m_pos, n);
        memcpy(data, bytes.constData(), size_t(n));
        m_pos += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    qint64 m_size;
    qint64 m_failAt;
    qint64 m_pos = 0;
};

int openDescriptors(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::Files | QDir::System).size());
}

QVariantMap answerOf(const QFuture<LpmResponse> &future)
{
    return future.result().data().toMap();
}

// A connected pair: the client's end, and ours from the test's server.
struct Connection
{
    std::unique_ptr<QTcpSocket> client;
    QTcpSocket *accepted = nullptr;
};

Connection connectTo(QTcpServer &server)
{
    Connection c;
    c.client = std::make_unique<QTcpSocket>();
    c.client->connectToHost(QHostAddress::LocalHost, server.serverPort());
    if (c.client->waitForConnected(LongWaitMs) && server.waitForNewConnection(LongWaitMs))
        c.accepted = server.nextPendingConnection();
    return c;
}

} // namespace

class tst_Streams : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void streamToWorker_data();
    void streamToWorker();
    void fileSource();
    void sourceErrorReachesWorker();
    void streamBackByteForByte();
    void workerKilledMidStream();
    void seekableStreamReplayedOnRetry();
    void invalidStreamsRefused();
    void socketsSpreadOverWorkers();
    void bytesReadBeforeHandoffAreKept();
    void noDescriptorLeaks();

private:
    bool startAndWait(LpmSupervisor &supervisor) { return LpmTest::startAndWait(supervisor, &m_spawned); }

    QSet<qint64> m_spawned;
};

void tst_Streams::init()
{
    m_spawned.clear();
}

void tst_Streams::cleanup()
{
    QTRY_VERIFY_WITH_TIMEOUT(noneAlive(m_spawned), 10000);
}

void tst_Streams::streamToWorker_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<bool>("sequential");
    QTest::newRow("32 MiB from a QBuffer") << qint64(32) * 1024 * 1024 << false;
    QTest::newRow("256 MiB from a generator") << qint64(256) * 1024 * 1024 << true;
    QTest::newRow("empty") << qint64(0) << false;
}

void tst_Streams::streamToWorker()
{
    QFETCH(qint64, size);
    QFETCH(bool, sequential);
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    std::unique_ptr<QIODevice> source;
    QByteArray expected;
    if (sequential) {
        auto *generator = new PatternDevice(size);
        expected = generator->sha256();
        source.reset(generator);
    } else {
        auto *buffer = new QBuffer;
        buffer->setData(pattern(0, size));
        buffer->open(QIODevice::ReadOnly);
        expected = QCryptographicHash::hash(buffer->data(), QCryptographicHash::Sha256).toHex();
        source.reset(buffer);
    }
    const auto f = supervisor.enqueue(op(QStringLiteral("hash-stream")), source.get());
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 5 * LongWaitMs);
    QVERIFY(endedOnce(f));
    const QVariantMap answer = answerOf(f);
    QVERIFY2(!answer.contains(QStringLiteral("error")), qPrintable(answer.value(QStringLiteral("error")).toString()));
    QCOMPARE(answer.value(QStringLiteral("bytes")).toLongLong(), size);
    QCOMPARE(answer.value(QStringLiteral("sha256")).toByteArray(), expected);
}

void tst_Streams::fileSource()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(QStringLiteral("source.bin")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    const QByteArray content = pattern(0, 5 * 1024 * 1024 + 17);
    QCOMPARE(file.write(content), content.size());
    file.close();
    QVERIFY(file.open(QIODevice::ReadOnly));
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const auto f = supervisor.enqueue(op(QStringLiteral("hash-stream")), &file);
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QCOMPARE(answerOf(f).value(QStringLiteral("sha256")).toByteArray(),
             QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
}

void tst_Streams::sourceErrorReachesWorker()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    PatternDevice failing(64 * 1024 * 1024, 3 * 1024 * 1024);
    const auto f = supervisor.enqueue(op(QStringLiteral("hash-stream")), &failing);
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    const QVariantMap answer = answerOf(f);
    // An error, not a silently short stream.
    QVERIFY2(answer.value(QStringLiteral("error")).toString().contains(QLatin1String("the disk is on fire")),
             qPrintable(QVariant(answer).toString()));
    QVERIFY(answer.value(QStringLiteral("bytes")).toLongLong() <= 3 * 1024 * 1024);
}

void tst_Streams::streamBackByteForByte()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    const qint64 size = 8 * 1024 * 1024 + 3;
    const auto f = supervisor.enqueue(op(QStringLiteral("stream-back"), { { QStringLiteral("bytes"), size } }));
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(endedOnce(f));
    const LpmResponse response = f.result();
    QVERIFY(response.hasStream());
    QCOMPARE(response.data().toMap().value(QStringLiteral("bytes")).toLongLong(), size);
    auto *stream = qobject_cast<LpmStream *>(response.stream());
    QVERIFY(stream);
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += stream->readAll(), stream->isFinished() || stream->hasError()), LongWaitMs);
    received += stream->readAll();
    QVERIFY2(!stream->hasError(), qPrintable(stream->errorString()));
    QVERIFY(stream->atEnd());
    QCOMPARE(received.size(), size);
    QVERIFY(received == pattern(0, size));
}

void tst_Streams::workerKilledMidStream()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    PatternDevice endless(qint64(1) << 40); // far more than will ever be read
    LpmRequestOptions oneRetry;
    oneRetry.retries = 1; // a sequential source cannot be replayed: rejected all the same
    const auto f = supervisor.enqueue(op(QStringLiteral("stall-stream")), &endless, oneRetry);
    const qint64 pid = supervisor.health().value(0).pid;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 9")));
    QTRY_VERIFY_WITH_TIMEOUT(supervisor.workers().value(0).inFlight() == 1, LongWaitMs);
    ::kill(pid_t(pid), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(endedOnce(f));
    const auto error = rejection(f);
    QVERIFY(error);
    QCOMPARE(error->code(), LpmError::Code::WorkerCrashed);
    QVERIFY2(error->message().contains(QLatin1String("cannot be replayed")), qPrintable(error->message()));
}

void tst_Streams::seekableStreamReplayedOnRetry()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    LpmSupervisor supervisor(configFor(1, { QStringLiteral("crash-once:") + dir.filePath(QStringLiteral("m")) }));
    QVERIFY(startAndWait(supervisor));
    QBuffer buffer;
    buffer.setData(pattern(0, 4 * 1024 * 1024));
    buffer.open(QIODevice::ReadOnly);
    LpmRequestOptions oneRetry;
    oneRetry.retries = 1;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("exited: killed by signal 6")));
    const auto f = supervisor.enqueue(op(QStringLiteral("hash-stream")), &buffer, oneRetry);
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    QVERIFY(endedOnce(f));
    QCOMPARE(answerOf(f).value(QStringLiteral("sha256")).toByteArray(),
             QCryptographicHash::hash(buffer.data(), QCryptographicHash::Sha256).toHex());
}

void tst_Streams::invalidStreamsRefused()
{
    LpmSupervisor supervisor(configFor(1));
    QBuffer closed;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refusing a stream")));
    const auto a = supervisor.enqueue(op(QStringLiteral("hash-stream")), &closed);
    QCOMPARE(rejectionCode(a), LpmError::Code::InvalidStream);
    QTcpSocket unconnected;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refusing a socket")));
    const auto b = supervisor.enqueue(op(QStringLiteral("echo-socket")), &unconnected);
    QCOMPARE(rejectionCode(b), LpmError::Code::InvalidStream);
}

void tst_Streams::socketsSpreadOverWorkers()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    std::vector<Connection> connections;
    QList<QFuture<LpmResponse>> futures;
    for (int i = 0; i < 4; ++i) {
        connections.push_back(connectTo(server));
        QVERIFY(connections.back().accepted);
        futures.append(supervisor.enqueue(op(QStringLiteral("echo-socket")), connections.back().accepted));
        QCOMPARE(connections.back().accepted->state(), QAbstractSocket::UnconnectedState); // ours is released
    }
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(futures), LongWaitMs);
    QHash<qint64, int> perWorker;
    for (const auto &f : std::as_const(futures)) {
        QVERIFY(endedOnce(f));
        QVERIFY(answerOf(f).value(QStringLiteral("socket")).toBool());
        ++perWorker[answeredBy(f)];
    }
    QCOMPARE(perWorker.size(), 2);
    for (int count : std::as_const(perWorker))
        QCOMPARE(count, 2);
    QCOMPARE(supervisor.workers().value(0).sockets() + supervisor.workers().value(1).sockets(), 4);
    // Every connection is served by its worker: what a client sends comes back.
    for (Connection &c : connections) {
        c.client->write("ping");
        QByteArray echoed;
        QTRY_VERIFY_WITH_TIMEOUT((echoed += c.client->readAll()) == "ping", LongWaitMs);
        c.client->disconnectFromHost();
    }
    // Closed connections are reported, so the counts drop back.
    QTRY_VERIFY_WITH_TIMEOUT(allWorkers(supervisor, [](const LpmWorkerHealth &) { return true; })
                                     && supervisor.workers().value(0).sockets() == 0
                                     && supervisor.workers().value(1).sockets() == 0,
                             LongWaitMs);
}

void tst_Streams::bytesReadBeforeHandoffAreKept()
{
    LpmSupervisor supervisor(configFor(1));
    QVERIFY(startAndWait(supervisor));
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    Connection c = connectTo(server);
    QVERIFY(c.accepted);
    c.client->write("sent before the handoff;");
    QVERIFY(c.client->waitForBytesWritten(LongWaitMs));
    QTRY_VERIFY_WITH_TIMEOUT(c.accepted->bytesAvailable() == 24 || (c.accepted->waitForReadyRead(100), false), LongWaitMs);
    const auto f = supervisor.enqueue(op(QStringLiteral("echo-socket")), c.accepted);
    QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
    c.client->write("and after");
    QByteArray echoed;
    QTRY_VERIFY_WITH_TIMEOUT((echoed += c.client->readAll()).size() >= 33, LongWaitMs);
    QCOMPARE(echoed, QByteArray("sent before the handoff;and after"));
}

void tst_Streams::noDescriptorLeaks()
{
    LpmSupervisor supervisor(configFor(2));
    QVERIFY(startAndWait(supervisor));
    const qint64 self = QCoreApplication::applicationPid();
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    // Warm up once, so lazily opened descriptors are there before counting.
    {
        Connection c = connectTo(server);
        const auto f = supervisor.enqueue(op(QStringLiteral("echo-socket")), c.accepted);
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), LongWaitMs);
        c.client->disconnectFromHost();
        QBuffer b;
        b.setData("warm");
        b.open(QIODevice::ReadOnly);
        const auto s = supervisor.enqueue(op(QStringLiteral("hash-stream")), &b);
        QTRY_VERIFY_WITH_TIMEOUT(s.isFinished(), LongWaitMs);
    }
    QTRY_VERIFY_WITH_TIMEOUT(supervisor.workers().value(0).sockets() + supervisor.workers().value(1).sockets() == 0,
                             LongWaitMs);
    const int ours = openDescriptors(self);
    QHash<qint64, int> theirs;
    for (const LpmWorkerStatus &w : supervisor.workers())
        theirs.insert(w.pid(), openDescriptors(w.pid()));

    for (int i = 0; i < 1000; ++i) {
        Connection c = connectTo(server);
        QVERIFY(c.accepted);
        const auto f = supervisor.enqueue(op(QStringLiteral("echo-socket")), c.accepted);
        QVERIFY(waitFor(f));
        QVERIFY(!rejection(f));
        c.client->disconnectFromHost();
        delete c.accepted;
    }
    QList<QFuture<LpmResponse>> streams;
    std::vector<std::unique_ptr<QBuffer>> buffers;
    for (int i = 0; i < 200; ++i) {
        buffers.push_back(std::make_unique<QBuffer>());
        buffers.back()->setData(pattern(i, 1000 + i));
        buffers.back()->open(QIODevice::ReadOnly);
        streams.append(supervisor.enqueue(op(QStringLiteral("hash-stream")), buffers.back().get()));
    }
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(streams), LongWaitMs);
    for (const auto &f : std::as_const(streams))
        QVERIFY(!rejection(f) && answerOf(f).contains(QStringLiteral("sha256")));
    QTRY_VERIFY_WITH_TIMEOUT(supervisor.workers().value(0).sockets() + supervisor.workers().value(1).sockets() == 0,
                             LongWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(self), ours, LongWaitMs);
    for (auto it = theirs.cbegin(); it != theirs.cend(); ++it)
        QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(it.key()), it.value(), LongWaitMs);
}

QTEST_GUILESS_MAIN(tst_Streams)
#include "tst_streams.moc"
