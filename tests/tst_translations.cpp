// Every .ts file in translations/ is complete, keeps the placeholders, and the
// library's catalogs are built into it.

#include <lpm/lpm.h>

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qtranslator.h>
#include <QtCore/qxmlstream.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

namespace {

QStringList placeholders(const QString &text)
{
    QStringList found;
    static const QRegularExpression marker(QStringLiteral("%\\d"));
    for (auto it = marker.globalMatch(text); it.hasNext();)
        found << it.next().captured();
    found.sort();
    return found;
}

// Problems in one .ts file, one line each; empty when it is complete.
QStringList problems(const QString &path)
{
    QStringList result;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return { QStringLiteral("cannot open %1").arg(path) };
    QXmlStreamReader xml(&file);
    QString source;
    int messages = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
            ++messages;
        } else if (xml.name() == QLatin1String("translation")) {
            const QString type = xml.attributes().value(QLatin1String("type")).toString();
            const QString translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (!type.isEmpty())
                result << QStringLiteral("\"%1\" is %2").arg(source, type);
            else if (translation.trimmed().isEmpty())
                result << QStringLiteral("\"%1\" has no translation").arg(source);
            else if (placeholders(translation) != placeholders(source))
                result << QStringLiteral("\"%1\" changes the placeholders").arg(source);
        }
    }
    if (xml.hasError())
        result << QStringLiteral("XML error: %1").arg(xml.errorString());
    if (messages == 0)
        result << QStringLiteral("no messages");
    return result;
}

} // namespace

class tst_Translations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyCatalogInEveryLanguage();
    void complete_data();
    void complete();
    void libraryCatalogIsBuiltIn();
    void everyErrorMessageTranslated_data();
    void everyErrorMessageTranslated();
    void supervisorErrorStringTranslated();
};

void tst_Translations::everyCatalogInEveryLanguage()
{
    const QDir dir(QStringLiteral(LPM_SOURCE_DIR "/translations"));
    const QStringList files = dir.entryList({ QStringLiteral("*.ts") }, QDir::Files, QDir::Name);
    for (const char *catalog : { "lpm", "lpm-monitor" }) {
        for (const char *language : { "de", "fr" }) {
            const QString name = QStringLiteral("%1_%2.ts").arg(QLatin1String(catalog), QLatin1String(language));
            QVERIFY2(files.contains(name), qPrintable(name));
        }
    }
}

void tst_Translations::complete_data()
{
    QTest::addColumn<QString>("path");
    const QDir dir(QStringLiteral(LPM_SOURCE_DIR "/translations"));
    for (const QString &name : dir.entryList({ QStringLiteral("*.ts") }, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void tst_Translations::complete()
{
    QFETCH(QString, path);
    const QStringList found = problems(path);
    QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
}

void tst_Translations::libraryCatalogIsBuiltIn()
{
    QTranslator french;
    QVERIFY(french.load(QLocale(QLocale::French), QStringLiteral("lpm"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")));
    QCoreApplication::installTranslator(&french);
    const QString message = LpmError(LpmError::Code::ShuttingDown).message();
    QCoreApplication::removeTranslator(&french);
    QCOMPARE(message, QStringLiteral("Le pool de workers est en cours d’arrêt."));
    QCOMPARE(LpmError(LpmError::Code::ShuttingDown).message(),
             QStringLiteral("The worker pool is shutting down."));
}

void tst_Translations::everyErrorMessageTranslated_data()
{
    QTest::addColumn<QLocale::Language>("language");
    QTest::newRow("de") << QLocale::German;
    QTest::newRow("fr") << QLocale::French;
}

// A message added to LpmError without running lupdate and translating it fails here,
// even though the .ts files themselves are complete.
void tst_Translations::everyErrorMessageTranslated()
{
    QFETCH(QLocale::Language, language);
    QTranslator translator;
    QVERIFY(translator.load(QLocale(language), QStringLiteral("lpm"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")));
    const QMetaEnum codes = QMetaEnum::fromType<LpmError::Code>();
    for (int i = 0; i < codes.keyCount(); ++i) {
        const auto code = LpmError::Code(codes.value(i));
        const QString english = LpmError(code).message();
        QCoreApplication::installTranslator(&translator);
        const QString translated = LpmError(code).message();
        QCoreApplication::removeTranslator(&translator);
        QVERIFY2(translated != english, codes.key(i));
    }
}

// errorString() is a translated sentence, followed by the untranslated details.
void tst_Translations::supervisorErrorStringTranslated()
{
    QTranslator german;
    QVERIFY(german.load(QLocale(QLocale::German), QStringLiteral("lpm"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")));
    QCoreApplication::installTranslator(&german);
    LpmSupervisorConfig config;
    config.worker.program = QStringLiteral("/nonexistent/lpm-worker");
    LpmSupervisor supervisor(config);
    QSignalSpy errors(&supervisor, &LpmSupervisor::errorOccurred);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot start worker")));
    supervisor.start();
    QVERIFY(errors.count() > 0 || errors.wait(20000));
    QCoreApplication::removeTranslator(&german);
    QCOMPARE(supervisor.error(), LpmSupervisor::Error::WorkerFailedToStart);
    QVERIFY2(supervisor.errorString().startsWith(
                     QStringLiteral("Ein Worker-Programm konnte nicht gestartet werden.")),
             qPrintable(supervisor.errorString()));
    QVERIFY2(supervisor.errorString().contains(QLatin1String("/nonexistent/lpm-worker")),
             qPrintable(supervisor.errorString()));
}

QTEST_GUILESS_MAIN(tst_Translations)
#include "tst_translations.moc"
