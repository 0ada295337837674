// The worker of the README's example (examples/hello-supervisor/worker.cpp,
// shortened). Quoted by README.md and docs/src/index.qdoc; compiled, never run.

#include <lpm/lpm.h>

#include <QtCore/qtimer.h>

//! [worker]
int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    LpmWorker *worker = LpmWorker::instance();
    QObject::connect(worker, &LpmWorker::request, [](LpmRequest *req) {
        // The request is valid until answered: use it as the context of timers.
        QTimer::singleShot(2000, req, [req] {
            req->respond(QVariantMap{{"echo", req->data()}});
        });
    });
    worker->ready();   // mandatory: nothing is sent before it
    return app.exec();
}
//! [worker]
