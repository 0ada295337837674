// The benchmark's worker: answers every request with its payload, at once; a request
// with a stream is answered with the number of bytes read once the stream ends; a
// handed-over connection gets a short line and is closed, and the request answered.
#include <lpm/lpm.h>

#include <QtCore/qcoreapplication.h>
#include <QtNetwork/qtcpsocket.h>

#include <memory>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    LpmWorker *worker = LpmWorker::instance();
    QObject::connect(worker, &LpmWorker::request, worker, [](LpmRequest *request) {
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
    worker->ready();
    return app.exec();
}
