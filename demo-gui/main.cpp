// lpm-monitor: watches a pool of demo workers live. See --help.

#include "monitorlogging.h"
#include "monitortranslations.h"
#include "monitorwindow.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qtimer.h>
#include <QtGui/qpixmap.h>
#include <QtWidgets/qapplication.h>

#include <cstdio>
#include <cstring>
#include <optional>

namespace {

struct Options
{
    MonitorSettings settings;
    QLocale locale = QLocale::system();
    QString screenshot;
    int seconds = 0; // 0: run until closed
};

void printError(const QString &message)
{
    std::fprintf(stderr, "%s\n", qPrintable(message));
}

bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
            || qgetenv("QT_QPA_PLATFORM") == "offscreen";
}

std::optional<int> intOption(const QCommandLineParser &parser, const QString &name, int min, int max)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (ok && value >= min && value <= max)
        return value;
    const QString message = QCoreApplication::translate("main", "--%1 must be a number from %2 to %3, not \"%4\".")
                                    .arg(name).arg(min).arg(max).arg(parser.value(name));
    qCWarning(lcLpmMonitor).noquote() << message;
    printError(message);
    return std::nullopt;
}

// Parses the command line of the running application; nullopt after printing why not.
std::optional<Options> parseOptions(MonitorTranslations *translations)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
            "main", "Runs a pool of demo workers under load and charts the pool and its workers live."));
    parser.addHelpOption();
    const QCommandLineOption workers(QStringLiteral("workers"), QCoreApplication::translate("main", "Workers in the pool."),
                                     QStringLiteral("n"), QStringLiteral("2"));
    const QCommandLineOption maxWorkers(QStringLiteral("max-workers"),
                                        QCoreApplication::translate("main", "Autoscaling: workers the pool may grow to "
                                                                            "while requests wait (default: twice --workers)."),
                                        QStringLiteral("n"));
    const QCommandLineOption rate(QStringLiteral("rate"), QCoreApplication::translate("main", "Requests per second to send."),
                                  QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  QCoreApplication::translate("main", "Language (de, fr, en); the system's by default."),
                                  QStringLiteral("code"));
    const QCommandLineOption offscreen(QStringLiteral("offscreen"),
                                       QCoreApplication::translate("main", "Render without a display."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QCoreApplication::translate("main", "After --seconds, save the window as a PNG image and exit."),
                                        QStringLiteral("file"));
    const QCommandLineOption seconds(QStringLiteral("seconds"),
                                     QCoreApplication::translate("main", "Run this long, then exit (default 5 with --screenshot)."),
                                     QStringLiteral("n"));
    const QCommandLineOption worker(QStringLiteral("worker"), QCoreApplication::translate("main", "The worker program."),
                                    QStringLiteral("path"),
                                    QCoreApplication::applicationDirPath() + QStringLiteral("/lpm-demo-worker"));
    parser.addOptions({ workers, maxWorkers, rate, lang, offscreen, screenshot, seconds, worker });
    parser.process(*QCoreApplication::instance());

    Options options;
    if (parser.isSet(lang) && !MonitorTranslations::parseLanguage(parser.value(lang), &options.locale)) {
        printError(QCoreApplication::translate("main", "--lang %1 is not a language.").arg(parser.value(lang)));
        return std::nullopt;
    }
    translations->install(options.locale);
    // Numbers too: "0,3 ms" in German, in the table and the labels.
    QLocale::setDefault(options.locale);

    constexpr int MaxWorkers = MonitorSettings::MaxWorkers;
    const auto workerCount = intOption(parser, workers.names().first(), 1, MaxWorkers);
    const auto requestRate = intOption(parser, rate.names().first(), 0, 2000);
    if (!workerCount || !requestRate)
        return std::nullopt;
    options.settings.workers = *workerCount;
    options.settings.minWorkers = *workerCount;
    options.settings.maxWorkers = qMin(MaxWorkers, 2 * *workerCount);
    if (parser.isSet(maxWorkers)) {
        const auto n = intOption(parser, maxWorkers.names().first(), *workerCount, MaxWorkers);
        if (!n)
            return std::nullopt;
        options.settings.maxWorkers = *n;
    }
    options.settings.requestsPerSecond = *requestRate;
    options.settings.workerProgram = parser.value(worker);
    options.screenshot = parser.value(screenshot);
    if (parser.isSet(seconds)) {
        const auto n = intOption(parser, seconds.names().first(), 1, 24 * 3600);
        if (!n)
            return std::nullopt;
        options.seconds = *n;
    } else if (!options.screenshot.isEmpty()) {
        options.seconds = 5;
    }
    return options;
}

} // namespace

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--offscreen") == 0)
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    if (!hasDisplay()) {
        // No GUI can open: say how to run headless, in the user's language.
        QCoreApplication app(argc, argv);
        MonitorTranslations translations;
        if (!parseOptions(&translations))
            return 2;
        printError(QCoreApplication::translate(
                "main", "No display found ($DISPLAY and $WAYLAND_DISPLAY are empty).\n"
                        "To run the pool under load and save a picture of the monitor instead, use:\n"
                        "  %1 --offscreen --screenshot FILE --seconds N").arg(QCoreApplication::applicationFilePath()));
        return 2;
    }

    QApplication app(argc, argv);
    MonitorTranslations translations;
    const std::optional<Options> options = parseOptions(&translations);
    if (!options)
        return 2;

    MonitorWindow window(options->settings);
    window.show();
    window.startPool();

    int exitCode = 0;
    if (options->seconds > 0) {
        QTimer::singleShot(options->seconds * 1000, &window, [&] {
            if (!options->screenshot.isEmpty() && !window.grab().save(options->screenshot, "PNG")) {
                printError(QCoreApplication::translate("main", "Could not write the screenshot to %1.")
                                   .arg(options->screenshot));
                exitCode = 1;
            }
            QCoreApplication::quit();
        });
    }
    const int status = app.exec();
    return exitCode ? exitCode : status;
}
