// A small QML application using the Lpm module: an autoscaling pool of hashing
// workers, its metrics, a row per worker with its CPU and memory, and a button that
// sends work.
#include <QtCore/qcoreapplication.h>
#include <QtGui/qguiapplication.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQml/qqmlcontext.h>

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    QQmlApplicationEngine engine;
    // Where `import Lpm` is found: the build tree's QML directory here, an installed
    // application's <prefix>/lib/qml. This example's own module is under qrc:/qt/qml,
    // where Qt 6.4 does not look by itself.
    engine.addImportPath(QStringLiteral(LPM_QML_IMPORT_PATH));
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.rootContext()->setContextProperty(
            QStringLiteral("workerProgram"),
            QCoreApplication::applicationDirPath() + QStringLiteral("/qml-monitor-worker"));
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/LpmQmlMonitor/Main.qml")));
    return app.exec();
}
