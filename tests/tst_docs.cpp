// The README's C++ examples are the compiled snippets of docs/snippets, word for word:
// a ```cpp block that is not one of them could no longer compile unnoticed.

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qregularexpression.h>
#include <QtTest/qtest.h>

namespace {

QString readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    return QString::fromUtf8(file.readAll());
}

// Lines without trailing blanks, with the indentation they all share removed and no
// blank line at either end: a block as the README shows it, wherever it is indented.
QString normalized(QStringList lines)
{
    for (QString &line : lines) {
        while (!line.isEmpty() && line.back().isSpace())
            line.chop(1);
    }
    while (!lines.isEmpty() && lines.first().isEmpty())
        lines.removeFirst();
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    qsizetype indent = -1;
    for (const QString &line : std::as_const(lines)) {
        if (line.isEmpty())
            continue;
        qsizetype n = 0;
        while (n < line.size() && line.at(n) == QLatin1Char(' '))
            ++n;
        indent = indent < 0 ? n : qMin(indent, n);
    }
    for (QString &line : lines)
        line = line.mid(qMax<qsizetype>(indent, 0));
    return lines.join(QLatin1Char('\n'));
}

// Every region between two "//! [name]" markers of the snippet files, as qdoc's
// \snippet quotes it, keyed by "file [name]".
QMap<QString, QString> snippets(const QString &dir)
{
    static const QRegularExpression marker(QStringLiteral(R"(^\s*//! \[([\w-]+)\]\s*$)"));
    QMap<QString, QString> result;
    const QStringList files = QDir(dir).entryList({QStringLiteral("*.cpp")}, QDir::Files);
    for (const QString &name : files) {
        const QStringList lines = readFile(dir + QLatin1Char('/') + name).split(QLatin1Char('\n'));
        QMap<QString, QStringList> open;
        for (const QString &line : lines) {
            const QRegularExpressionMatch m = marker.match(line);
            if (m.hasMatch()) {
                const QString id = m.captured(1);
                if (open.contains(id))
                    result.insert(name + QStringLiteral(" [") + id + QLatin1Char(']'),
                                  normalized(open.take(id)));
                else
                    open.insert(id, {});
                continue;
            }
            for (QStringList &region : open)
                region.append(line);
        }
    }
    return result;
}

} // namespace

class tst_Docs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readmeBlocksAreSnippets_data();
    void readmeBlocksAreSnippets();
};

void tst_Docs::readmeBlocksAreSnippets_data()
{
    QTest::addColumn<QString>("block");
    const QString readme = readFile(QStringLiteral(LPM_SOURCE_DIR "/README.md"));
    QVERIFY2(!readme.isEmpty(), "README.md not found");
    const QStringList lines = readme.split(QLatin1Char('\n'));
    int blocks = 0;
    for (int i = 0; i < lines.size(); ++i) {
        if (lines.at(i).trimmed() != QLatin1String("```cpp"))
            continue;
        const int start = i + 1;
        int end = start;
        while (end < lines.size() && lines.at(end).trimmed() != QLatin1String("```"))
            ++end;
        QTest::addRow("README.md:%d", start) << normalized(lines.mid(start, end - start));
        ++blocks;
        i = end;
    }
    QVERIFY2(blocks > 0, "no ```cpp block in README.md");
}

void tst_Docs::readmeBlocksAreSnippets()
{
    QFETCH(QString, block);
    static const QMap<QString, QString> compiled = snippets(QStringLiteral(LPM_SOURCE_DIR "/docs/snippets"));
    QVERIFY2(!compiled.isEmpty(), "no //! [name] snippet in docs/snippets/*.cpp");
    const QStringList names = compiled.keys(block);
    QVERIFY2(!names.isEmpty(),
             qPrintable(QStringLiteral("this README block is none of the compiled snippets in "
                                       "docs/snippets (%1); put it there, between //! [name] "
                                       "markers, word for word:\n%2")
                                .arg(QStringList(compiled.keys()).join(QStringLiteral(", ")), block)));
}

QTEST_GUILESS_MAIN(tst_Docs)
#include "tst_docs.moc"
