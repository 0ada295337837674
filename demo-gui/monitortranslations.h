#pragma once

#include <QtCore/qlist.h>
#include <QtCore/qlocale.h>
#include <QtCore/qtranslator.h>

#include <memory>
#include <vector>

// Installs the translations of the monitor, of the LPM library (LpmError messages)
// and of Qt itself for one locale; removes them again when destroyed.
class MonitorTranslations
{
public:
    MonitorTranslations() = default;
    ~MonitorTranslations();
    MonitorTranslations(const MonitorTranslations &) = delete;
    MonitorTranslations &operator=(const MonitorTranslations &) = delete;

    // Returns false, with a warning, when the monitor has no translation for locale
    // (and it is not English, which needs none).
    bool install(const QLocale &locale);

    // --lang's value as a locale; false with a warning when it names no language.
    static bool parseLanguage(const QString &name, QLocale *locale);

private:
    bool load(const QLocale &locale, const QString &name, const QString &directory);

    std::vector<std::unique_ptr<QTranslator>> m_installed;
};
