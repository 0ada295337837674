#include "monitortranslations.h"

#include "monitorlogging.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qlibraryinfo.h>

MonitorTranslations::~MonitorTranslations()
{
    for (const auto &translator : m_installed)
        QCoreApplication::removeTranslator(translator.get());
}

bool MonitorTranslations::install(const QLocale &locale)
{
    // The library ships its catalog as a resource under :/i18n, like the monitor.
    const bool monitor = load(locale, QStringLiteral("lpm-monitor"), QStringLiteral(":/i18n"));
    load(locale, QStringLiteral("lpm"), QStringLiteral(":/i18n"));
    load(locale, QStringLiteral("qtbase"), QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    if (!monitor && locale.language() != QLocale::English && locale.language() != QLocale::C) {
        qCWarning(lcLpmMonitor).noquote() << "no translation for" << locale.name()
                                          << "- the monitor stays in English";
        return false;
    }
    return true;
}

bool MonitorTranslations::load(const QLocale &locale, const QString &name, const QString &directory)
{
    auto translator = std::make_unique<QTranslator>();
    if (!translator->load(locale, name, QStringLiteral("_"), directory))
        return false;
    QCoreApplication::installTranslator(translator.get());
    m_installed.push_back(std::move(translator));
    return true;
}

bool MonitorTranslations::parseLanguage(const QString &name, QLocale *locale)
{
    const QLocale parsed(name);
    // QLocale falls back to "C" for anything it does not know.
    if (parsed.language() == QLocale::C && name != QLatin1String("C")) {
        qCWarning(lcLpmMonitor).noquote() << "--lang" << name << "is not a language; use e.g. de, fr or en";
        return false;
    }
    *locale = parsed;
    return true;
}
