// The worker of the hello-supervisor example: answers each request after a delay.
#include <lpm/lpm.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qtimer.h>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int delayMs = app.arguments().value(1, QStringLiteral("2000")).toInt();

    LpmWorker *worker = LpmWorker::instance();
    QObject::connect(worker, &LpmWorker::request, worker, [delayMs](LpmRequest *req) {
        std::printf("worker %lld: received a request with payload %s\n",
                    QCoreApplication::applicationPid(),
                    QJsonDocument::fromVariant(req->data()).toJson(QJsonDocument::Compact).constData());
        std::fflush(stdout);
        // The request is the timer's context: if it goes away, so does the timer.
        QTimer::singleShot(delayMs, req, [req] {
            req->respond(QVariantMap{ { QStringLiteral("echo"), req->data() },
                                      { QStringLiteral("pid"), QCoreApplication::applicationPid() } });
        });
    });
    worker->ready(); // mandatory: nothing is sent before it
    return app.exec();
}
