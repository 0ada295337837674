// Installs the built library into a scratch prefix and builds a separate project
// against it with find_package(Lpm): catches headers, exports or package files
// that work inside the build tree but are missing from an installation.

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qdiriterator.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

class tst_Package : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void installedPackageBuildsConsumer();
    void configuresWithQtCoreAndNetworkOnly();
};

// Configuring and building against Qt is slow on a loaded machine.
static constexpr int StepTimeout = 300000;

// Runs one step to completion. Returns an empty string on success, otherwise what
// went wrong followed by the step's combined output; *output receives that output.
static QString runStep(const QString &program, const QStringList &arguments,
                       QString *output = nullptr,
                       const QProcessEnvironment &environment =
                               QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    const QString commandLine = (QStringList{program} + arguments).join(u' ');
    if (!process.waitForStarted(StepTimeout))
        return u"could not start: %1\n%2"_s.arg(commandLine, process.errorString());
    const bool finished = process.waitForFinished(StepTimeout);
    if (!finished) {
        process.kill();
        process.waitForFinished();
    }
    const QString text = QString::fromLocal8Bit(process.readAll());
    if (output)
        *output = text;
    if (!finished)
        return u"timed out: %1\n%2"_s.arg(commandLine, text);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        return u"failed (exit code %1): %2\n%3"_s.arg(process.exitCode())
                .arg(commandLine, text);
    }
    return {};
}

#define RUN_STEP(...)                                       \
    do {                                                    \
        const QString failure = runStep(__VA_ARGS__);       \
        if (!failure.isEmpty())                             \
            QFAIL(qPrintable(failure));                     \
    } while (false)

void tst_Package::installedPackageBuildsConsumer()
{
    QTemporaryDir scratch;
    QVERIFY2(scratch.isValid(), qPrintable(scratch.errorString()));
    const QString cmake = QStringLiteral(LPM_CMAKE);
    const QString prefix = scratch.filePath(u"prefix"_s);
    const QString consumerBuild = scratch.filePath(u"build"_s);

    RUN_STEP(cmake, { u"--install"_s, QStringLiteral(LPM_BUILD_DIR), u"--prefix"_s, prefix });

    QVERIFY2(QFileInfo::exists(prefix + u"/include/lpm/lpm.h"_s),
             "the umbrella header was not installed");
    // The library directory is lib, lib64 or lib/<multiarch>, depending on the platform.
    bool configInstalled = false;
    QDirIterator it(prefix, { u"LpmConfig.cmake"_s }, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = QDir(prefix).relativeFilePath(it.next());
        if (path.startsWith(u"lib"_s) && path.endsWith(u"/cmake/Lpm/LpmConfig.cmake"_s))
            configInstalled = true;
    }
    QVERIFY2(configInstalled, "lib*/cmake/Lpm/LpmConfig.cmake was not installed");

    // Same compiler and Qt as this build, or the consumer could pick up others.
    RUN_STEP(cmake, { u"-S"_s, QStringLiteral(LPM_SOURCE_DIR "/tests/package/consumer"),
                      u"-B"_s, consumerBuild, u"-G"_s, u"Ninja"_s,
                      u"-DCMAKE_PREFIX_PATH="_s + prefix,
                      u"-DCMAKE_CXX_COMPILER="_s + QStringLiteral(LPM_CXX_COMPILER),
                      u"-DQt6_DIR="_s + QStringLiteral(LPM_QT6_DIR) });
    RUN_STEP(cmake, { u"--build"_s, consumerBuild });

    // The consumer must find the installed library through the RPATH its build got
    // from the imported target, not through a search path inherited from here.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"LD_LIBRARY_PATH"_s);
    QString output;
    RUN_STEP(consumerBuild + u"/lpm-consumer"_s, {}, &output, environment);
    QVERIFY2(output.contains(u"consumer ok"_s), qPrintable(output));

#ifdef LPM_HAVE_QML
    // A QML application linking no LPM library imports the installed module.
    QString qmlDir;
    QDirIterator qmldirs(prefix, { u"qmldir"_s }, QDir::Files, QDirIterator::Subdirectories);
    while (qmldirs.hasNext()) {
        const QString path = qmldirs.next();
        if (path.endsWith(u"/qml/Lpm/qmldir"_s))
            qmlDir = QFileInfo(path).absolutePath().chopped(int(qstrlen("/Lpm")));
    }
    QVERIFY2(!qmlDir.isEmpty(), "lib*/qml/Lpm/qmldir was not installed");
    QVERIFY2(QFileInfo::exists(qmlDir + u"/Lpm/libLpmQmlplugin.so"_s), "the QML plugin was not installed");
    environment.insert(u"QML_IMPORT_PATH"_s, qmlDir);
    RUN_STEP(consumerBuild + u"/lpm-qml-consumer"_s, {}, &output, environment);
    QVERIFY2(output.contains(u"qml consumer ok"_s), qPrintable(output));
#endif
}

// The build shows the layers: with every Qt module but Core, Network and Test hidden,
// configuring succeeds, says what it leaves out, and still builds the library.
void tst_Package::configuresWithQtCoreAndNetworkOnly()
{
    QTemporaryDir scratch;
    QVERIFY2(scratch.isValid(), qPrintable(scratch.errorString()));
    QStringList arguments{ u"-S"_s, QStringLiteral(LPM_SOURCE_DIR), u"-B"_s, scratch.path(),
                           u"-G"_s, u"Ninja"_s, u"-DQt6_DIR="_s + QStringLiteral(LPM_QT6_DIR) };
    for (const char *hidden : { "Gui", "Widgets", "Charts", "Qml", "Quick", "QuickTest", "LinguistTools" })
        arguments << u"-DCMAKE_DISABLE_FIND_PACKAGE_Qt6%1=ON"_s.arg(QLatin1String(hidden));
    QString output;
    RUN_STEP(QStringLiteral(LPM_CMAKE), arguments, &output);
    for (const char *option : { "LPM_BUILD_TRANSLATIONS", "LPM_BUILD_QML", "LPM_BUILD_DEMO" })
        QVERIFY2(output.contains(u"%1 is ON but"_s.arg(QLatin1String(option))), qPrintable(output));
    QFile ninja(scratch.filePath(u"build.ninja"_s));
    QVERIFY(ninja.open(QIODevice::ReadOnly));
    const QByteArray rules = ninja.readAll();
    QVERIFY(rules.contains("build src/liblpm.so"));
    QVERIFY(rules.contains("build tests/tst_supervisor"));
    QVERIFY(!rules.contains("lpm-monitor"));
    QVERIFY(!rules.contains("liblpmqml"));
}

QTEST_GUILESS_MAIN(tst_Package)
#include "tst_package.moc"
