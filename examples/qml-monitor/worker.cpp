// The qml-monitor's worker: hashes a block of data over and over, as real CPU work.
#include <lpm/lpm.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qcryptographichash.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    LpmWorker *worker = LpmWorker::instance();
    QObject::connect(worker, &LpmWorker::request, worker, [](LpmRequest *req) {
        const int rounds = qBound(1, req->data().toMap().value(QStringLiteral("rounds")).toInt(), 1000000);
        QByteArray digest(4096, 'x');
        for (int i = 0; i < rounds; ++i)
            digest = QCryptographicHash::hash(digest, QCryptographicHash::Sha256);
        req->respond(QVariantMap{ { QStringLiteral("digest"), QString::fromLatin1(digest.toHex()) },
                                  { QStringLiteral("pid"), QCoreApplication::applicationPid() } });
    });
    worker->ready();
    return app.exec();
}
