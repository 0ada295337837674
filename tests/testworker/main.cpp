// The worker every test uses. Its role at startup comes from its first argument;
// what it does with a request comes from the request's "op" field.
//
// Roles: echo (default); noready (never calls ready()); exit-at-start (exits 3);
//   exit-at-start-if:FILE (exits 3 while FILE exists); ready-after:MS (calls ready() late);
//   soft-handler (handles softKillRequested: exits 42 half a second later);
//   hard-handler (handles hardKillRequested: exits 43);
//   crash-once:FILE (the first worker to see FILE missing creates it and crashes
//   on its first request); listen (serves shared servers: writes its pid to every
//   connection, and echoes what the client sent first); startup-mark:FILE (appends its
//   pid to FILE during start-up, before ready()); thread-at-start (keeps a second
//   thread running from start-up on); exit-without-index (exits 3 at start-up when
//   LPM_WORKER_INDEX is not set, as in a fork server's template).
// Broadcasts are acknowledged with an event "broadcast-seen" carrying their payload.
// Ops: echo (default), sleep {ms}, spin {ms, file} (keeps a core busy that long or
//   until file exists), wait-file {file} (answers once file exists), cancelable {ms}, alloc {mib}, crash,
//   crash-with-message, exit {code}, hang, busy {ms}, ack, unserializable, twice,
//   garbage, unknown-id, stats (canceled requests seen), requests (ongoing count),
//   event {name, payload} (answers with the supervisor's reply or the error code),
//   event-to-file {name, file} (answers at once; writes the event's error code to
//   file when it fails), hash-stream (SHA-256 of the request's stream, or its
//   error), stall-stream (never reads its stream), stream-back {bytes} (answers with
//   a stream of the test pattern), echo-socket (echoes the handed-over connection),
//   crash-later {ms} (aborts that much later, holding the request), respond-then-quit, stream-back-then-quit {bytes}, event-then-quit {name}: answer
//   (or send an event) and quit the event loop at once, the natural way to recycle;
//   block-then-stream {ms, bytes}: blocks the event loop, then answers with a stream
//   (so the answer is written before any Cancel is read); endless-stream-back
//   (answers with a stream that never ends); spawn-grandchild (starts `sleep` in the
//   worker's process group and answers with its pid); busy-loop (never returns);
//   env (answers with LPM_WORKER_INDEX, LPM_WORKER_COUNT, LPM_TEST_MARK and its
//   oom_score_adj); block {ms} (blocks its event loop, then answers); block-heartbeat
//   {ms} (the same, calling LpmWorker::heartbeat() every 50 ms); lineage (answers with
//   its pid and its parent's); eventfds (answers with the kernel ids of its eventfd
//   descriptors, from /proc/self/fdinfo); thread-echo (answers from another thread's
//   queued call, which takes a wake-up of the event loop).

#include <lpm/lpm.h>

#include <QtCore/qbuffer.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qcryptographichash.h>
#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qpoint.h>
#include <QtCore/qpointer.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qthread.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include <unistd.h>

namespace {

// The "eventfd-id" of every eventfd this process holds.
QVariantList eventFdIds()
{
    QVariantList ids;
    const QDir fds(QStringLiteral("/proc/self/fdinfo"));
    for (const QString &name : fds.entryList(QDir::Files)) {
        QFile info(fds.filePath(name));
        if (!info.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &line : info.readAll().split('\n')) {
            if (line.startsWith("eventfd-id:"))
                ids.append(line.mid(int(std::strlen("eventfd-id:"))).trimmed().toLongLong());
        }
    }
    return ids;
}

std::vector<std::vector<char>> g_hoard; // memory kept alive by "alloc"
int g_channelFd = -1;                    // for ops that break the protocol on purpose
int g_canceled = 0;                      // requests the supervisor gave up on
bool g_crashOnFirstRequest = false;

QVariantMap withPid(QVariantMap answer)
{
    answer.insert(QStringLiteral("pid"), QCoreApplication::applicationPid());
    return answer;
}

// The bytes of the test pattern: byte i is (i * 7 + i / 4096) mod 256.
QByteArray pattern(qint64 offset, qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = char(((offset + i) * 7 + (offset + i) / 4096) & 0xff);
    return bytes;
}

// A sequential source that never ends: it always has bytes.
class EndlessDevice : public QIODevice
{
public:
    EndlessDevice() { open(QIODevice::ReadOnly); }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return (1 << 20) + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        std::memset(data, 'e', size_t(maxSize));
        return maxSize;
    }
    qint64 writeData(const char *, qint64) override { return -1; }
};

QBuffer *patternBuffer(qint64 bytes)
{
    auto *buffer = new QBuffer;
    buffer->setData(pattern(0, bytes));
    buffer->open(QIODevice::ReadOnly);
    return buffer;
}

void hashStream(LpmRequest *req)
{
    auto *stream = qobject_cast<LpmStream *>(req->stream());
    auto hash = std::make_shared<QCryptographicHash>(QCryptographicHash::Sha256);
    auto bytes = std::make_shared<qint64>(0);
    auto drain = [stream, hash, bytes] {
        const QByteArray chunk = stream->readAll();
        hash->addData(chunk);
        *bytes += chunk.size();
    };
    QObject::connect(stream, &QIODevice::readyRead, req, drain);
    QObject::connect(stream, &LpmStream::finished, req, [req, drain, hash, bytes] {
        drain();
        req->respond(withPid({ { QStringLiteral("sha256"), hash->result().toHex() },
                               { QStringLiteral("bytes"), *bytes } }));
    });
    QObject::connect(stream, &LpmStream::errorOccurred, req, [req, bytes](const QString &error) {
        req->respond(withPid({ { QStringLiteral("error"), error }, { QStringLiteral("bytes"), *bytes } }));
    });
    drain();
}

QString errorName(const LpmError &e)
{
    return QString::fromLatin1(QMetaEnum::fromType<LpmError::Code>().valueToKey(int(e.code())));
}

void serve(QTcpServer *server)
{
    QObject::connect(server, &QTcpServer::newConnection, server, [server] {
        while (QTcpSocket *client = server->nextPendingConnection()) {
            client->write(QByteArray::number(QCoreApplication::applicationPid()) + '\n');
            QObject::connect(client, &QTcpSocket::readyRead, client, [client] {
                client->write(client->readAll());
            });
            QObject::connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
        }
    });
}


void handle(LpmRequest *req)
{
    const QVariantMap data = req->data().toMap();
    const QString op = data.value(QStringLiteral("op")).toString();
    if (g_crashOnFirstRequest)
        std::abort();
    if (op == QLatin1String("hash-stream")) {
        hashStream(req);
        return;
    }
    if (op == QLatin1String("stall-stream"))
        return; // holds the request and never reads
    if (op == QLatin1String("stream-back")) {
        QBuffer *buffer = patternBuffer(data.value(QStringLiteral("bytes")).toLongLong());
        req->respond(withPid({ { QStringLiteral("bytes"), buffer->size() } }), buffer);
        return;
    }
    if (op == QLatin1String("respond-then-quit")) {
        req->respond(withPid({ { QStringLiteral("last"), true } }));
        QCoreApplication::quit();
        return;
    }
    if (op == QLatin1String("stream-back-then-quit")) {
        QBuffer *buffer = patternBuffer(data.value(QStringLiteral("bytes")).toLongLong());
        req->respond(withPid({ { QStringLiteral("bytes"), buffer->size() } }), buffer);
        QCoreApplication::quit();
        return;
    }
    if (op == QLatin1String("event-then-quit")) {
        LpmWorker::instance()->sendEvent(data.value(QStringLiteral("name")).toString(),
                                         QVariantMap{ { QStringLiteral("pid"), QCoreApplication::applicationPid() } });
        QCoreApplication::quit();
        return;
    }
    if (op == QLatin1String("block-then-stream")) {
        QThread::msleep(data.value(QStringLiteral("ms")).toULongLong());
        QBuffer *buffer = patternBuffer(data.value(QStringLiteral("bytes")).toLongLong());
        req->respond(withPid({ { QStringLiteral("bytes"), buffer->size() } }), buffer);
        return;
    }
    if (op == QLatin1String("endless-stream-back")) {
        req->respond(withPid({}), new EndlessDevice);
        return;
    }
    if (op == QLatin1String("spawn-grandchild")) {
        const pid_t child = ::fork();
        if (child == 0) {
            ::execlp("sleep", "sleep", "1000", static_cast<char *>(nullptr));
            ::_exit(127);
        }
        req->respond(withPid({ { QStringLiteral("grandchild"), qint64(child) } }));
        return;
    }
    if (op == QLatin1String("print-stdout")) { // a remote worker's stdout is not its channel
        std::printf("%s\n", qPrintable(data.value(QStringLiteral("text")).toString()));
        std::fflush(stdout);
        req->respond(withPid({}));
        return;
    }
    if (op == QLatin1String("lineage")) {
        req->respond(withPid({ { QStringLiteral("ppid"), qint64(::getppid()) } }));
        return;
    }
    if (op == QLatin1String("eventfds")) {
        req->respond(withPid({ { QStringLiteral("ids"), eventFdIds() } }));
        return;
    }
    if (op == QLatin1String("thread-echo")) {
        QPointer<LpmRequest> guarded(req);
        std::thread([guarded, data] {
            QMetaObject::invokeMethod(LpmWorker::instance(), [guarded, data] {
                if (guarded)
                    guarded->respond(withPid({ { QStringLiteral("echo"), data } }));
            }, Qt::QueuedConnection);
        }).detach();
        return;
    }
    if (op == QLatin1String("env")) {
        QFile oom(QStringLiteral("/proc/self/oom_score_adj"));
        oom.open(QIODevice::ReadOnly);
        req->respond(withPid({ { QStringLiteral("index"), qEnvironmentVariable("LPM_WORKER_INDEX") },
                               { QStringLiteral("count"), qEnvironmentVariable("LPM_WORKER_COUNT") },
                               { QStringLiteral("mark"), qEnvironmentVariable("LPM_TEST_MARK") },
                               { QStringLiteral("oom"), QString::fromLatin1(oom.readAll().trimmed()) } }));
        return;
    }
    if (op == QLatin1String("block") || op == QLatin1String("block-heartbeat")) {
        const bool beat = op == QLatin1String("block-heartbeat");
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < data.value(QStringLiteral("ms")).toInt()) {
            QThread::msleep(50);
            if (beat)
                LpmWorker::instance()->heartbeat();
        }
        req->respond(withPid({ { QStringLiteral("blocked"), clock.elapsed() } }));
        return;
    }
    if (op == QLatin1String("spin")) { // keeps a core busy for ms (or until file exists)
        const QString gate = data.value(QStringLiteral("file")).toString();
        const int ms = data.value(QStringLiteral("ms"), 60000).toInt();
        QElapsedTimer clock;
        clock.start();
        for (volatile qint64 turns = 0; clock.elapsed() < ms; ++turns) {
            if (!gate.isEmpty() && turns % 100000 == 0 && QFile::exists(gate))
                break;
        }
        req->respond(withPid({ { QStringLiteral("spun"), clock.elapsed() } }));
        return;
    }
    if (op == QLatin1String("wait-file")) { // answers once file exists (at most 60 s)
        const QString gate = data.value(QStringLiteral("file")).toString();
        auto *poll = new QTimer(req);
        const auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        QObject::connect(poll, &QTimer::timeout, req, [req, poll, gate, clock] {
            if (!QFile::exists(gate) && clock->elapsed() < 60000)
                return;
            poll->stop();
            req->respond(withPid({ { QStringLiteral("waited"), clock->elapsed() } }));
        });
        poll->start(10);
        return;
    }
    if (op == QLatin1String("busy-loop")) {
        for (volatile bool spinning = true; spinning;) {
        }
    }
    if (op == QLatin1String("echo-socket")) {
        QTcpSocket *socket = req->socket();
        QObject::connect(socket, &QIODevice::readyRead, socket, [socket] { socket->write(socket->readAll()); });
        req->respond(withPid({ { QStringLiteral("socket"), socket->state() == QAbstractSocket::ConnectedState } }));
        return;
    }
    if (op == QLatin1String("sleep")) {
        QTimer::singleShot(data.value(QStringLiteral("ms")).toInt(), req, [req] {
            req->respond(withPid({ { QStringLiteral("slept"), true } }));
        });
    } else if (op == QLatin1String("alloc")) {
        const qsizetype bytes = data.value(QStringLiteral("mib")).toLongLong() * 1024 * 1024;
        g_hoard.emplace_back(bytes, 'x'); // filled, so the pages are resident
        req->respond(withPid({ { QStringLiteral("allocated"), bytes } }));
    } else if (op == QLatin1String("cancelable")) {
        QObject::connect(req, &LpmRequest::canceled, [] { ++g_canceled; });
        QTimer::singleShot(data.value(QStringLiteral("ms")).toInt(), req,
                           [req] { req->respond(QStringLiteral("too late")); });
    } else if (op == QLatin1String("crash")) {
        std::abort();
    } else if (op == QLatin1String("crash-later")) {
        QTimer::singleShot(data.value(QStringLiteral("ms")).toInt(), [] { std::abort(); });
    } else if (op == QLatin1String("crash-with-message")) {
        std::fprintf(stderr, "fatal: the flux capacitor broke\n");
        std::fflush(stderr);
        std::abort();
    } else if (op == QLatin1String("hang")) {
        for (;;) // never returns to the event loop, so never hears a kill message
            ::pause();
    } else if (op == QLatin1String("busy")) {
        LpmWorker::instance()->busy();
        req->respond(withPid({}));
        QTimer::singleShot(data.value(QStringLiteral("ms")).toInt(), LpmWorker::instance(),
                           [] { LpmWorker::instance()->ready(); });
    } else if (op == QLatin1String("event")) {
        LpmWorker::instance()
                ->sendEvent(data.value(QStringLiteral("name")).toString(), data.value(QStringLiteral("payload")))
                .then(req, [req](const QVariant &reply) { req->respond(withPid({ { QStringLiteral("reply"), reply } })); })
                .onFailed(req, [req](const LpmError &e) {
                    req->respond(withPid({ { QStringLiteral("error"), errorName(e) } }));
                });
    } else if (op == QLatin1String("event-to-file")) {
        const QString path = data.value(QStringLiteral("file")).toString();
        // No context: runs as soon as the event fails, even while the worker exits.
        LpmWorker::instance()->sendEvent(data.value(QStringLiteral("name")).toString()).onFailed([path](const LpmError &e) {
            QFile file(path);
            if (file.open(QIODevice::WriteOnly))
                file.write(errorName(e).toUtf8());
            return QVariant();
        });
        req->ack();
    } else if (op == QLatin1String("stats")) {
        req->respond(withPid({ { QStringLiteral("canceled"), g_canceled } }));
    } else if (op == QLatin1String("requests")) {
        req->respond(withPid({ { QStringLiteral("ongoing"), LpmWorker::instance()->requests().size() } }));
    } else if (op == QLatin1String("exit")) {
        std::_Exit(data.value(QStringLiteral("code")).toInt());
    } else if (op == QLatin1String("ack")) {
        req->ack();
    } else if (op == QLatin1String("unserializable")) {
        req->respond(QVariant::fromValue(QPoint(1, 2)));
    } else if (op == QLatin1String("twice")) {
        req->respond(withPid({ { QStringLiteral("answer"), 1 } }));
        req->respond(withPid({ { QStringLiteral("answer"), 2 } }));
    } else if (op == QLatin1String("garbage")) {
        // A frame announcing 4 GiB: the supervisor must drop this worker.
        const char bad[] = "\xff\xff\xff\xff\x05";
        (void)!::write(g_channelFd, bad, sizeof(bad) - 1);
    } else if (op == QLatin1String("unknown-id")) {
        // Answer a request that was never sent: a protocol error.
        const char frame[] = "\x16\x00\x00\x00\x05\x84\x50"
                             "0123456789abcdef\x00\x80\xf6";
        (void)!::write(g_channelFd, frame, sizeof(frame) - 1);
    } else {
        req->respond(withPid({ { QStringLiteral("echo"), req->data() } }));
    }
}

} // namespace

int main(int argc, char **argv)
{
    g_channelFd = qEnvironmentVariableIntValue("LPM_IPC_FD");
    QCoreApplication app(argc, argv);
    const QString role = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("echo");
    if (role == QLatin1String("exit-at-start"))
        return 3;
    if (role.startsWith(QLatin1String("exit-at-start-if:"))
        && QFile::exists(role.mid(int(std::strlen("exit-at-start-if:")))))
        return 3;

    if (role == QLatin1String("exit-without-index") && !qEnvironmentVariableIsSet("LPM_WORKER_INDEX"))
        return 3;
    if (role.startsWith(QLatin1String("startup-mark:"))) {
        QFile marker(role.mid(int(std::strlen("startup-mark:"))));
        if (marker.open(QIODevice::Append | QIODevice::WriteOnly))
            marker.write(QByteArray::number(qint64(::getpid())) + '\n');
    }
    QThread *extraThread = nullptr;
    if (role == QLatin1String("thread-at-start")) {
        extraThread = new QThread;
        extraThread->start();
    }
    if (role.startsWith(QLatin1String("crash-once:"))) {
        QFile marker(role.mid(int(std::strlen("crash-once:"))));
        g_crashOnFirstRequest = marker.open(QIODevice::NewOnly | QIODevice::WriteOnly);
    }

    LpmWorker *worker = LpmWorker::instance();
    QObject::connect(worker, &LpmWorker::request, worker, &handle);
    int exitCode = 0;
    if (role == QLatin1String("soft-handler")) {
        QObject::connect(worker, &LpmWorker::softKillRequested, worker, [worker, &exitCode] {
            QTimer::singleShot(500, worker, [worker, &exitCode] {
                exitCode = 42;
                worker->softKillDone();
            });
        });
    } else if (role == QLatin1String("hard-handler")) {
        QObject::connect(worker, &LpmWorker::hardKillRequested, worker,
                         [&exitCode] { exitCode = 43; });
    }
    if (role == QLatin1String("listen")) {
        QObject::connect(worker, &LpmWorker::serverReceived, worker,
                         [](const QString &, const QVariant &, QTcpServer *server) { serve(server); });
    }
    QObject::connect(worker, &LpmWorker::eventReceived, worker,
                     [worker](const QString &name, const QVariant &payload) {
                         worker->sendEvent(QStringLiteral("broadcast-seen"),
                                           QVariantMap{ { QStringLiteral("name"), name },
                                                        { QStringLiteral("payload"), payload } });
                     });
    if (role.startsWith(QLatin1String("ready-after:")))
        QTimer::singleShot(role.mid(int(std::strlen("ready-after:"))).toInt(), worker, [worker] { worker->ready(); });
    else if (role != QLatin1String("noready"))
        worker->ready();
    const int status = app.exec();
    if (extraThread) {
        extraThread->quit();
        extraThread->wait();
        delete extraThread;
    }
    return exitCode ? exitCode : status;
}
