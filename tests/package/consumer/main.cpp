// Compiled against the installed headers and linked against the installed library:
// proves the package is complete and its exported symbols are usable.

#include <lpm/lpm.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qmetaobject.h>

#include <cstdio>
#include <cstring>

#define CHECK(condition)                                                     \
    do {                                                                     \
        if (!(condition)) {                                                  \
            std::fprintf(stderr, "consumer: check failed: %s\n", #condition); \
            return 1;                                                        \
        }                                                                    \
    } while (false)

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    // Inline defaults, but they must match what the library was built with.
    const LpmSupervisorConfig config;
    CHECK(config.worker.count == 1);
    CHECK(config.worker.restarts == 5);
    CHECK(config.worker.maxRestartsInInterval == 120);
    CHECK(config.request.timeout == -1);
    CHECK(config.request.retries == 0);

    // Out-of-line members and moc output: fails to link if they are not exported.
    const LpmError error(LpmError::Code::TimedOut);
    CHECK(error.code() == LpmError::Code::TimedOut);
    CHECK(!error.message().isEmpty());
    const char *key = QMetaEnum::fromType<LpmError::Code>().valueToKey(
            int(LpmError::Code::TimedOut));
    CHECK(key && std::strcmp(key, "TimedOut") == 0);

    CHECK(!LpmWorker::isWorkerProcess());

    // A real round trip through the installed library.
    LpmSupervisorConfig poolConfig;
    poolConfig.worker.program = QCoreApplication::applicationDirPath() + QStringLiteral("/lpm-consumer-worker");
    LpmSupervisor supervisor(poolConfig);
    const QVariantMap payload{ { QStringLiteral("Hello"), QStringLiteral("World") } };
    QVariant answer;
    QString failure;
    supervisor.enqueue(payload)
            .then(&supervisor, [&answer](const LpmResponse &response) {
                answer = response.data();
                QCoreApplication::quit();
            })
            .onFailed(&supervisor, [&failure](const LpmError &e) {
                failure = e.message();
                QCoreApplication::quit();
            });
    supervisor.start();
    app.exec();
    if (!failure.isEmpty())
        std::fprintf(stderr, "consumer: the request failed: %s\n", qPrintable(failure));
    CHECK(answer == QVariant(payload));

    std::puts("consumer ok");
    return 0;
}
