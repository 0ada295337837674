// Runs the QML tests in this directory against the Lpm module, loaded by the engine
// from the build tree's QML directory as from an installed one.

#include <QtCore/qobject.h>
#include <QtQml/qqmlcontext.h>
#include <QtQml/qqmlengine.h>
#include <QtQuickTest/quicktest.h>

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral(LPM_QML_IMPORT_PATH));
        engine->rootContext()->setContextProperty(QStringLiteral("testWorkerProgram"),
                                                  QStringLiteral(LPM_TESTWORKER));
    }
};

QUICK_TEST_MAIN_WITH_SETUP(tst_qml, Setup)

#include "tst_qml.moc"
