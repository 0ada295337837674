// The benchmark's worker: answers every request with its payload, at once; a request
// with a stream is answered with the number of bytes read once the stream ends; a
// handed-over connection gets a short line and is closed, and the request answered.
// Started with "soak", it also takes {"sleepMs": n} (answers after n ms) and
// {"streamBack": n} (answers with a stream of n bytes), for the soak benchmark.
// LPM_BENCH_STARTUP_MS=n makes its start-up cost n ms before ready() (W3b's heavy
// initialisation: a model, plug-ins, a font cache).
#include <lpm/lpm.h>

#include <QtCore/qbuffer.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpsocket.h>

#include <cstring>
#include <memory>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool soak = argc > 1 && std::strcmp(argv[1], "soak") == 0;
    LpmWorker *worker = LpmWorker::instance();
    QObject::connect(worker, &LpmWorker::request, worker, [soak](LpmRequest *request) {
        if (soak && !request->hasStream()) {
            const QVariantMap data = request->data().toMap();
            if (data.contains(QStringLiteral("sleepMs"))) {
                QTimer::singleShot(data.value(QStringLiteral("sleepMs")).toInt(), request,
                                   [request] { request->ack(); });
                return;
            }
            if (data.contains(QStringLiteral("streamBack"))) {
                auto *buffer = new QBuffer;
                buffer->setData(QByteArray(data.value(QStringLiteral("streamBack")).toInt(), 's'));
                buffer->open(QIODevice::ReadOnly);
                request->respond(QVariant(), buffer);
                return;
            }
        }
        if (request->hasSocket()) {
            QTcpSocket *socket = request->socket();
            socket->write("ok\n");
            socket->disconnectFromHost(); // the worker deletes it once disconnected
            request->respond(QVariantMap{ { QStringLiteral("socket"), true } });
            return;
        }
        if (!request->hasStream()) {
            request->respond(request->data());
            return;
        }
        auto *stream = qobject_cast<LpmStream *>(request->stream());
        auto bytes = std::make_shared<qint64>(0);
        auto drain = [stream, bytes] {
            char buffer[256 * 1024];
            qint64 n;
            while ((n = stream->read(buffer, sizeof(buffer))) > 0)
                *bytes += n;
        };
        QObject::connect(stream, &QIODevice::readyRead, request, drain);
        QObject::connect(stream, &LpmStream::finished, request, [request, drain, bytes] {
            drain();
            request->respond(*bytes);
        });
    });
    if (const int startupMs = qEnvironmentVariableIntValue("LPM_BENCH_STARTUP_MS"); startupMs > 0)
        QThread::msleep(ulong(startupMs));
    worker->ready();
    return app.exec();
}
