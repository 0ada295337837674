// lpm-doccheck: fails when a public declaration in include/lpm has no qdoc comment.
//
// Qt 6.4's qdoc does not say so itself: before generating, it marks every undocumented
// member internal and private (Aggregate::markUndocumentedChildrenInternal()) and leaves
// it out without a word. Run with --showinternal, it still writes those nodes to its
// index file, each with the header line that declares it, and documented="true" on the
// ones that have a comment. This tool reads that index, decides from the header which of
// the undocumented nodes were declared public, protected or as signals, and reports
// each one the way qdoc reports a warning, so that the docs target fails on it.
//
// Usage: lpm-doccheck <qdoc index file> <public header directory>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qhash.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qset.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qtextstream.h>
#include <QtCore/qxmlstream.h>

#include <cstdio>

namespace {

// Node kinds in the index that stand for declarations.
const QSet<QString> DeclarationElements = {
    QStringLiteral("class"),    QStringLiteral("struct"),   QStringLiteral("union"),
    QStringLiteral("function"), QStringLiteral("variable"), QStringLiteral("property"),
    QStringLiteral("enum"),     QStringLiteral("typedef"),  QStringLiteral("typealias"),
};

// A line that invokes one of these declares only what Qt's macros add (meta-object
// plumbing, the enum's meta-object hooks, the pimpl accessors, the global swap() of
// Q_DECLARE_SHARED): Qt's own conventions, not LPM's API.
const QRegularExpression MacroLine(QStringLiteral(
        R"(^\s*(Q_OBJECT|Q_GADGET|Q_ENUM|Q_FLAG|Q_DECLARE_SHARED|Q_DECLARE_METATYPE|)"
        R"(Q_DECLARE_TYPEINFO|Q_DECLARE_PRIVATE|Q_DECLARE_PUBLIC|Q_DECLARE_TR_FUNCTIONS|)"
        R"(Q_DISABLE_COPY)\b)"));
const QRegularExpression AccessLabel(
        QStringLiteral(R"(^\s*(public|protected|private)\s*(Q_SLOTS|slots)?\s*:(?!:))"));
const QRegularExpression SignalsLabel(QStringLiteral(R"(^\s*(Q_SIGNALS|signals)\s*:)"));
// The head of a class definition (not a forward declaration, which ends with ';').
const QRegularExpression ClassHead(QStringLiteral(R"(^\s*(class|struct|union)\s+[^;]*$)"));

class HeaderCache
{
public:
    const QStringList &lines(const QString &path)
    {
        auto it = m_lines.find(path);
        if (it == m_lines.end()) {
            QStringList lines;
            QFile file(path);
            if (file.open(QIODevice::ReadOnly | QIODevice::Text)) {
                QTextStream in(&file);
                while (!in.atEnd())
                    lines.append(in.readLine());
            }
            it = m_lines.insert(path, lines);
        }
        return *it;
    }

private:
    QHash<QString, QStringList> m_lines;
};

// The access a member declared on line `lineno` (1-based) has: the label above it, or
// the default of the class or struct it opens with.
QString memberAccess(const QStringList &lines, int lineno)
{
    for (int i = qMin(lineno, int(lines.size())) - 1; i >= 0; --i) {
        const QString &line = lines.at(i);
        if (i < lineno - 1) {
            if (const auto m = AccessLabel.match(line); m.hasMatch())
                return m.captured(1);
            if (SignalsLabel.match(line).hasMatch())
                return QStringLiteral("public");
        }
        if (const auto m = ClassHead.match(line); m.hasMatch())
            return m.captured(1) == QLatin1String("class") ? QStringLiteral("private")
                                                            : QStringLiteral("public");
    }
    return QStringLiteral("public");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 3) {
        std::fprintf(stderr, "usage: %s <qdoc index file> <public header directory>\n",
                     qPrintable(args.value(0)));
        return 2;
    }
    QFile index(args.at(1));
    if (!index.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "lpm-doccheck: cannot read %s\n", qPrintable(args.at(1)));
        return 2;
    }
    const QString headerDir = QDir(args.at(2)).canonicalPath() + QLatin1Char('/');

    HeaderCache headers;
    QXmlStreamReader xml(&index);
    // For each open declaration element: whether it is a class-like aggregate, so
    // that its children are members.
    QList<bool> aggregates;
    QSet<QString> headersSeen; // a header qdoc could not parse leaves no node at all
    int checked = 0;
    int missing = 0;
    while (!xml.atEnd()) {
        const auto token = xml.readNext();
        if (token == QXmlStreamReader::EndElement) {
            if (DeclarationElements.contains(xml.name().toString()))
                aggregates.removeLast();
            continue;
        }
        if (token != QXmlStreamReader::StartElement)
            continue;
        const QString element = xml.name().toString();
        if (!DeclarationElements.contains(element))
            continue;
        const bool isMember = !aggregates.isEmpty() && aggregates.last();
        const bool isAggregate = element == QLatin1String("class")
                || element == QLatin1String("struct") || element == QLatin1String("union");
        aggregates.append(isAggregate);

        const QXmlStreamAttributes attributes = xml.attributes();
        const QString path = attributes.value(QLatin1String("filepath")).toString();
        if (!path.startsWith(headerDir))
            continue;
        headersSeen.insert(QFileInfo(path).fileName());
        const int lineno = attributes.value(QLatin1String("lineno")).toInt();
        const QStringList &lines = headers.lines(path);
        const QString line = lines.value(lineno - 1);
        if (MacroLine.match(line).hasMatch())
            continue;
        // A property is API wherever Q_PROPERTY stands.
        if (isMember && element != QLatin1String("property")
            && memberAccess(lines, lineno) == QLatin1String("private"))
            continue;
        // A property's READ and WRITE functions are documented with the property, as
        // in Qt's own reference; its NOTIFY signal, like every signal, has its own.
        if (element == QLatin1String("function")
            && !attributes.value(QLatin1String("associated-property")).isEmpty()
            && attributes.value(QLatin1String("meta")) != QLatin1String("signal"))
            continue;
        ++checked;
        if (attributes.value(QLatin1String("documented")) == QLatin1String("true"))
            continue;
        QString name = attributes.value(QLatin1String("fullname")).toString();
        if (name.isEmpty())
            name = attributes.value(QLatin1String("name")).toString();
        const QString signature = attributes.value(QLatin1String("signature")).toString();
        std::fprintf(stderr, "%s:%d: (qdoc) warning: No documentation for '%s'%s\n",
                     qPrintable(path), lineno, qPrintable(name),
                     signature.isEmpty() ? "" : qPrintable(QStringLiteral(" (%1)").arg(signature)));
        ++missing;
    }
    if (xml.hasError()) {
        std::fprintf(stderr, "lpm-doccheck: %s: %s\n", qPrintable(args.at(1)),
                     qPrintable(xml.errorString()));
        return 2;
    }
    // Every public header declares something (the umbrella and the export macros
    // aside): one qdoc never saw, not parsed or not included, would pass unchecked.
    int unseen = 0;
    const QStringList allHeaders = QDir(headerDir).entryList({ QStringLiteral("*.h") }, QDir::Files);
    for (const QString &header : allHeaders) {
        if (header == QLatin1String("lpm.h") || header == QLatin1String("lpmglobal.h")
            || headersSeen.contains(header))
            continue;
        std::fprintf(stderr, "%s%s:1: (qdoc) warning: qdoc saw no declaration in this header "
                             "(not parsed, or not included from lpm.h)\n",
                     qPrintable(headerDir), qPrintable(header));
        ++unseen;
    }
    if (unseen > 0 || checked == 0) {
        std::fprintf(stderr, "lpm-doccheck: %d public headers without declarations in the index\n", unseen);
        return 1;
    }
    if (missing > 0) {
        std::fprintf(stderr, "lpm-doccheck: %d of %d public declarations have no documentation\n",
                     missing, checked);
        return 1;
    }
    std::printf("lpm-doccheck: all %d public declarations are documented\n", checked);
    return 0;
}
