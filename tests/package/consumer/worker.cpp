// The consumer's worker: answers every request with its payload.
#include <lpm/lpm.h>

#include <QtCore/qcoreapplication.h>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    LpmWorker *worker = LpmWorker::instance();
    QObject::connect(worker, &LpmWorker::request, worker,
                     [](LpmRequest *request) { request->respond(request->data()); });
    worker->ready();
    return app.exec();
}
