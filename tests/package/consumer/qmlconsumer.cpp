// Loads `import Lpm` from the installed QML module and runs one request through it:
// the plugin, its qmldir and the libraries it needs are all where they belong.

#include <QtCore/qcoreapplication.h>
#include <QtCore/qtimer.h>
#include <QtQml/qqmlcomponent.h>
#include <QtQml/qqmlengine.h>

#include <cstdio>
#include <memory>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QQmlEngine engine; // QML_IMPORT_PATH names <prefix>/lib/qml
    QObject::connect(&engine, &QQmlEngine::exit, &app, &QCoreApplication::exit, Qt::QueuedConnection);
    const QString worker = QCoreApplication::applicationDirPath() + QStringLiteral("/lpm-consumer-worker");
    QQmlComponent component(&engine);
    component.setData(QByteArrayLiteral(R"(
        import Lpm
        Supervisor {
            id: pool
            count: 1
            onOnline: enqueue({ "Hello": "World" }, function (answer, error) {
                if (error)
                    console.log("qml consumer failed: " + error.message)
                else if (answer.Hello === "World")
                    console.log("qml consumer ok")
                Qt.exit(0)
            })
        }
    )"), QUrl());
    // Qt 6.4 crashes creating from a component that is not ready: ask first.
    if (!component.isReady()) {
        std::fprintf(stderr, "%s\n", qPrintable(component.errorString()));
        return 1;
    }
    const std::unique_ptr<QObject> pool(
            component.createWithInitialProperties({ { QStringLiteral("program"), worker } }));
    if (!pool) {
        std::fprintf(stderr, "%s\n", qPrintable(component.errorString()));
        return 1;
    }
    QMetaObject::invokeMethod(pool.get(), "start");
    QTimer::singleShot(60000, &app, [] { QCoreApplication::exit(2); });
    return app.exec();
}
