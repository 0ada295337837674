// The worker every test uses. Its role at startup comes from its first argument;
// what it does with a request comes from the request's "op" field.
//
// Roles: echo (default), noready (never calls ready()), exit-at-start (exits 3).
// Ops: echo (default), sleep {ms}, alloc {mib}, crash, exit {code}, ack,
//      unserializable, twice, garbage, unknown-id.

#include <lpm/lpm.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qpoint.h>
#include <QtCore/qtimer.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include <unistd.h>

namespace {

std::vector<std::vector<char>> g_hoard; // memory kept alive by "alloc"
int g_channelFd = -1;                    // for ops that break the protocol on purpose

QVariantMap withPid(QVariantMap answer)
{
    answer.insert(QStringLiteral("pid"), QCoreApplication::applicationPid());
    return answer;
}

void handle(LpmRequest *req)
{
    const QVariantMap data = req->data().toMap();
    const QString op = data.value(QStringLiteral("op")).toString();
    if (op == QLatin1String("sleep")) {
        QTimer::singleShot(data.value(QStringLiteral("ms")).toInt(), req, [req] {
            req->respond(withPid({ { QStringLiteral("slept"), true } }));
        });
    } else if (op == QLatin1String("alloc")) {
        const qsizetype bytes = data.value(QStringLiteral("mib")).toLongLong() * 1024 * 1024;
        g_hoard.emplace_back(bytes, 'x'); // filled, so the pages are resident
        req->respond(withPid({ { QStringLiteral("allocated"), bytes } }));
    } else if (op == QLatin1String("crash")) {
        std::abort();
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
        const char frame[] = "\x14\x00\x00\x00\x05\x82\x50"
                             "0123456789abcdef\xf6";
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

    LpmWorker *worker = LpmWorker::instance();
    QObject::connect(worker, &LpmWorker::request, worker, &handle);
    if (role != QLatin1String("noready"))
        worker->ready();
    return app.exec();
}
