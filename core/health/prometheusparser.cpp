#include "prometheusparser.h"

#include <QHash>
#include <QSet>

#include <charconv>
#include <cmath>
#include <limits>

namespace ragdr::core {

namespace {

// Thrown inside this file only; parse() turns it into an Error.
struct ParseFailure
{
    qsizetype offset; // in the whole text; -1 when the rule concerns a whole line
    int line;         // that line, when offset is -1
    QString message;
};

[[noreturn]] void failAt(qsizetype offset, QString message)
{
    throw ParseFailure{offset, 0, std::move(message)};
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

bool isNameStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool isNameChar(char c)
{
    return isNameStart(c) || (c >= '0' && c <= '9');
}

bool isLabelStart(char c)
{
    return isNameStart(c) && c != ':';
}

bool isLabelChar(char c)
{
    return isNameChar(c) && c != ':';
}

// The offset of the first byte that is not valid UTF-8, or -1.
qsizetype firstInvalidUtf8(QByteArrayView text)
{
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        unsigned min = 0;
        unsigned cp = 0;
        if ((c & 0xe0) == 0xc0) {
            extra = 1;
            min = 0x80;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            min = 0x800;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            min = 0x10000;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + extra >= n)
            return i;
        for (int k = 1; k <= extra; ++k) {
            if ((p[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
        if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return i;
        i += extra + 1;
    }
    return -1;
}

QString quoted(QByteArrayView bytes)
{
    constexpr qsizetype kShown = 40;
    QString s = QString::fromUtf8(bytes.first(std::min(bytes.size(), kShown)));
    if (bytes.size() > kShown)
        s += QStringLiteral("…");
    return QLatin1Char('"') + s + QLatin1Char('"');
}

std::optional<double> parseGoFloat(QByteArrayView token)
{
    if (token.isEmpty())
        return std::nullopt;
    bool negative = false;
    QByteArrayView body = token;
    if (body.front() == '+' || body.front() == '-') {
        negative = body.front() == '-';
        body = body.sliced(1);
    }
    if (body.isEmpty())
        return std::nullopt;
    const QByteArray lower = body.toByteArray().toLower();
    if (lower == "inf" || lower == "infinity")
        return negative ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::infinity();
    if (lower == "nan")
        return std::numeric_limits<double>::quiet_NaN();
    // from_chars would take "inf" and "nan" spelled otherwise; Go does not.
    if (!(std::isdigit(static_cast<unsigned char>(body.front())) || body.front() == '.'))
        return std::nullopt;
    double value = 0;
    std::chars_format format = std::chars_format::general;
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
        body = body.sliced(2);
        format = std::chars_format::hex;
    }
    const char *end = body.data() + body.size();
    const auto [ptr, ec] = std::from_chars(body.data(), end, value, format);
    if (ec != std::errc() || ptr != end)
        return std::nullopt;
    return negative ? -value : value;
}

class Parser final
{
public:
    Parser(QByteArrayView text, const PrometheusParser::Limits &limits)
        : m_text(text)
        , m_limits(limits)
    {}

    MetricSet run()
    {
        qsizetype start = 0;
        while (start < m_text.size()) {
            qsizetype end = m_text.indexOf('\n', start);
            if (end < 0)
                end = m_text.size(); // a last line without its newline is taken as it is
            if (end - start > m_limits.maxLineBytes) {
                failAt(start + m_limits.maxLineBytes,
                       QStringLiteral("the line is %1 bytes long; at most %2 are accepted")
                           .arg(end - start)
                           .arg(m_limits.maxLineBytes));
            }
            m_lineStart = start;
            m_lineEnd = end;
            if (m_lineEnd > m_lineStart && m_text[m_lineEnd - 1] == '\r')
                --m_lineEnd; // CRLF, from an exporter on Windows
            m_pos = m_lineStart;
            ++m_line;
            line();
            start = end + 1;
        }
        closeFamily();
        return std::move(m_set);
    }

private:
    // --- the cursor within the current line
    bool atEnd() const { return m_pos >= m_lineEnd; }
    char peek() const { return atEnd() ? '\n' : m_text[m_pos]; }
    void skipBlanks()
    {
        while (!atEnd() && isBlank(m_text[m_pos]))
            ++m_pos;
    }
    QByteArrayView rest() const { return m_text.sliced(m_pos, m_lineEnd - m_pos); }
    QByteArrayView token()
    {
        const qsizetype from = m_pos;
        while (!atEnd() && !isBlank(m_text[m_pos]))
            ++m_pos;
        return m_text.sliced(from, m_pos - from);
    }
    void expect(char c, const QString &what)
    {
        if (peek() != c)
            failAt(m_pos, QStringLiteral("expected %1, found %2").arg(what, found()));
        ++m_pos;
    }
    QString found() const
    {
        if (atEnd())
            return QStringLiteral("the end of the line");
        return quoted(rest());
    }

    void line()
    {
        skipBlanks();
        if (atEnd())
            return;
        if (m_eofAt > 0)
            failAt(m_pos,
                   QStringLiteral("text after \"# EOF\" (line %1): the exposition ended there")
                       .arg(m_eofAt));
        if (peek() == '#')
            comment();
        else
            sample();
    }

    QString readName()
    {
        if (peek() == '"')
            return readQuoted(QStringLiteral("metric name"));
        const qsizetype from = m_pos;
        if (!isNameStart(peek()))
            failAt(m_pos, QStringLiteral("expected a metric name, found %1").arg(found()));
        while (!atEnd() && isNameChar(m_text[m_pos]))
            ++m_pos;
        return QString::fromLatin1(m_text.sliced(from, m_pos - from));
    }

    // A double-quoted string with the escapes \\, \" and \n.
    QString readQuoted(const QString &what)
    {
        const qsizetype open = m_pos;
        expect('"', QStringLiteral("a double quote to start the %1").arg(what));
        const QString value = unescaped(true, what);
        if (peek() != '"')
            failAt(open, QStringLiteral("the %1 starting here is not closed by '\"'").arg(what));
        ++m_pos;
        return value;
    }

    // Text up to a closing quote (quoted) or the end of the line, with its escapes undone: \\ and
    // \n everywhere, \" in quoted strings only. Stops on the closing quote, not past it.
    QString unescaped(bool quoted, const QString &what)
    {
        QByteArray value;
        while (!atEnd()) {
            const char c = m_text[m_pos];
            if (quoted && c == '"')
                break;
            if (c != '\\') {
                value.append(c);
                ++m_pos;
                continue;
            }
            ++m_pos;
            const char e = peek();
            if (e == '\\' || (quoted && e == '"'))
                value.append(e);
            else if (e == 'n')
                value.append('\n');
            else
                failAt(m_pos - 1,
                       QStringLiteral("invalid escape sequence in the %1: only %2 are allowed, "
                                      "found \"\\%3\"")
                           .arg(what,
                                quoted ? QStringLiteral("\\\\, \\\" and \\n")
                                       : QStringLiteral("\\\\ and \\n"),
                                atEnd() ? QString() : QString(QLatin1Char(e))));
            ++m_pos;
        }
        return QString::fromUtf8(value);
    }

    void comment()
    {
        ++m_pos; // '#'
        skipBlanks();
        const qsizetype keywordAt = m_pos;
        const QByteArrayView keyword = token();
        if (keyword == "EOF") {
            skipBlanks();
            if (!atEnd())
                failAt(m_pos,
                       QStringLiteral("expected nothing after \"# EOF\", found %1").arg(found()));
            m_eofAt = m_line;
            m_set.openMetricsEof = true;
            return;
        }
        if (keyword != "HELP" && keyword != "TYPE" && keyword != "UNIT")
            return; // any other comment
        skipBlanks();
        if (atEnd())
            return; // "# HELP" alone is a comment, as Prometheus reads it
        const qsizetype nameAt = m_pos;
        const QString name = readName();
        if (!atEnd() && !isBlank(peek()))
            failAt(m_pos,
                   QStringLiteral("expected a space after the metric name %1, found %2")
                       .arg(name, found()));
        skipBlanks();
        MetricFamily &family = familyFor(name, nameAt);
        if (keyword == "HELP") {
            if (m_helpLine.contains(name))
                failAt(keywordAt,
                       QStringLiteral("a second HELP line for %1 (the first is at line %2)")
                           .arg(name)
                           .arg(m_helpLine.value(name)));
            m_helpLine.insert(name, m_line);
            family.help = unescaped(false, QStringLiteral("HELP text"));
        } else if (keyword == "TYPE") {
            if (m_typeLine.contains(name))
                failAt(keywordAt,
                       QStringLiteral("a second TYPE line for %1 (the first is at line %2)")
                           .arg(name)
                           .arg(m_typeLine.value(name)));
            if (!family.samples.isEmpty())
                failAt(keywordAt,
                       QStringLiteral("the TYPE line for %1 comes after its samples (line %2); it "
                                      "must come first")
                           .arg(name)
                           .arg(family.samples.constFirst().line));
            const qsizetype typeAt = m_pos;
            const QByteArrayView typeName = token();
            const auto type = MetricFamily::typeFromName(QString::fromLatin1(typeName));
            skipBlanks();
            if (!type || !atEnd())
                failAt(typeAt,
                       QStringLiteral("expected counter, gauge, histogram, summary or untyped, "
                                      "found %1")
                           .arg(quoted(m_text.sliced(typeAt, m_lineEnd - typeAt))));
            m_typeLine.insert(name, m_line);
            family.type = *type;
            m_families[name].second = *type;
        } else {
            family.unit = QString::fromUtf8(rest()).trimmed();
        }
    }

    void sample()
    {
        if (++m_samples > m_limits.maxSamples)
            failAt(m_pos,
                   QStringLiteral("more than %1 samples; the scrape is refused")
                       .arg(m_limits.maxSamples));
        MetricSample s;
        s.line = m_line;
        const qsizetype nameAt = m_pos;
        if (peek() != '{') {
            s.name = readName();
            skipBlanks();
        }
        if (peek() == '{')
            labels(s);
        if (s.name.isEmpty())
            failAt(nameAt, QStringLiteral("the sample has no metric name"));
        skipBlanks();
        const qsizetype valueAt = m_pos;
        const QByteArrayView valueText = token();
        if (valueText.isEmpty())
            failAt(valueAt,
                   QStringLiteral("expected a value after %1, found %2").arg(s.name, found()));
        const auto value = parseGoFloat(valueText);
        if (!value)
            failAt(valueAt,
                   QStringLiteral("expected a number (such as 12, 1.5e3, NaN, +Inf or -Inf), "
                                  "found %1")
                       .arg(quoted(valueText)));
        s.value = *value;
        skipBlanks();
        if (!atEnd() && peek() != '#') {
            const qsizetype tsAt = m_pos;
            const QByteArrayView ts = token();
            qint64 ms = 0;
            const auto [ptr, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), ms);
            if (ec != std::errc() || ptr != ts.data() + ts.size())
                failAt(tsAt,
                       QStringLiteral("expected a timestamp in whole milliseconds (an int64), "
                                      "found %1")
                           .arg(quoted(ts)));
            s.timestampMs = ms;
            skipBlanks();
        }
        if (!atEnd()) {
            if (peek() != '#')
                failAt(m_pos, QStringLiteral("expected the end of the line, found %1").arg(found()));
            exemplar();
        }
        addSample(std::move(s), nameAt);
    }

    void labels(MetricSample &s)
    {
        ++m_pos; // '{'
        QSet<QString> seen;
        bool first = true;
        for (;;) {
            skipBlanks();
            if (peek() == '}') {
                ++m_pos;
                return;
            }
            const qsizetype nameAt = m_pos;
            QString name;
            const bool quotedName = peek() == '"';
            if (quotedName) {
                name = readQuoted(QStringLiteral("label name"));
            } else {
                if (!isLabelStart(peek()))
                    failAt(m_pos, QStringLiteral("expected a label name, found %1").arg(found()));
                while (!atEnd() && isLabelChar(m_text[m_pos]))
                    ++m_pos;
                name = QString::fromLatin1(m_text.sliced(nameAt, m_pos - nameAt));
            }
            skipBlanks();
            // Prometheus 3: a quoted string alone, first in the braces, is the metric's name.
            if (quotedName && first && s.name.isEmpty() && (peek() == ',' || peek() == '}')) {
                s.name = name;
                first = false;
                if (peek() == ',')
                    ++m_pos;
                continue;
            }
            first = false;
            expect('=', QStringLiteral("'=' after the label name %1").arg(name));
            skipBlanks();
            if (peek() != '"')
                failAt(m_pos,
                       QStringLiteral("expected a double-quoted value for label %1, found %2")
                           .arg(name, found()));
            const QString value = readQuoted(QStringLiteral("value of label %1").arg(name));
            if (seen.contains(name))
                failAt(nameAt, QStringLiteral("label %1 appears twice in one sample").arg(name));
            if (seen.size() >= m_limits.maxLabels)
                failAt(nameAt,
                       QStringLiteral("more than %1 labels in one sample").arg(m_limits.maxLabels));
            seen.insert(name);
            s.labels.append({name, value});
            skipBlanks();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() != '}')
                failAt(m_pos,
                       QStringLiteral("expected ',' or '}' after the value of label %1, found %2")
                           .arg(name, found()));
        }
    }

    // OpenMetrics: ` # {trace_id="..."} 0.67 [timestamp]` after a sample. Checked, then dropped.
    void exemplar()
    {
        ++m_pos; // '#'
        skipBlanks();
        if (peek() != '{')
            failAt(m_pos,
                   QStringLiteral("expected an exemplar's '{' after '#', found %1").arg(found()));
        MetricSample ignored;
        ignored.name = QStringLiteral("exemplar");
        labels(ignored);
        skipBlanks();
        const qsizetype valueAt = m_pos;
        const QByteArrayView value = token();
        if (!parseGoFloat(value))
            failAt(valueAt,
                   QStringLiteral("expected the exemplar's value, found %1").arg(quoted(value)));
        skipBlanks();
        if (!atEnd()) {
            const qsizetype tsAt = m_pos;
            const QByteArrayView ts = token(); // OpenMetrics: seconds, possibly fractional
            if (!parseGoFloat(ts))
                failAt(tsAt,
                       QStringLiteral("expected the exemplar's timestamp, found %1").arg(quoted(ts)));
            skipBlanks();
            if (!atEnd())
                failAt(m_pos, QStringLiteral("expected the end of the line, found %1").arg(found()));
        }
    }

    // --- families

    static QStringList suffixesFor(MetricFamily::Type type)
    {
        switch (type) {
        case MetricFamily::Type::Counter:
            return {QStringLiteral("_total"), QStringLiteral("_created")};
        case MetricFamily::Type::Histogram:
            return {QStringLiteral("_bucket"),
                    QStringLiteral("_sum"),
                    QStringLiteral("_count"),
                    QStringLiteral("_created")};
        case MetricFamily::Type::GaugeHistogram:
            return {QStringLiteral("_bucket"), QStringLiteral("_gsum"), QStringLiteral("_gcount")};
        case MetricFamily::Type::Summary:
            return {QStringLiteral("_sum"), QStringLiteral("_count"), QStringLiteral("_created")};
        case MetricFamily::Type::Info:
            return {QStringLiteral("_info")};
        case MetricFamily::Type::Untyped:
        case MetricFamily::Type::Gauge:
        case MetricFamily::Type::StateSet:
            break;
        }
        return {};
    }

    static bool belongsTo(const QString &sampleName, const MetricFamily &family)
    {
        if (sampleName == family.name)
            return family.type != MetricFamily::Type::Info;
        if (!sampleName.startsWith(family.name))
            return false;
        const QStringView suffix = QStringView(sampleName).sliced(family.name.size());
        for (const QString &s : suffixesFor(family.type)) {
            if (suffix == s)
                return true;
        }
        return false;
    }

    void closeFamily()
    {
        if (!m_current)
            return;
        checkFamily(*m_current);
        m_set.families.append(std::move(*m_current));
        m_current.reset();
    }

    MetricFamily &familyFor(const QString &name, qsizetype at)
    {
        if (m_current && m_current->name == name)
            return *m_current;
        if (const auto seen = m_families.constFind(name); seen != m_families.cend())
            failAt(at,
                   QStringLiteral("metric family %1 appears twice (first at line %2); a family's "
                                  "lines must be together")
                       .arg(name)
                       .arg(seen->first));
        startFamily(name);
        return *m_current;
    }

    void startFamily(const QString &name)
    {
        closeFamily();
        m_current.emplace();
        m_current->name = name;
        m_current->line = m_line;
        m_families.insert(name, {m_line, MetricFamily::Type::Untyped});
        m_sampleLines.clear();
    }

    void addSample(MetricSample s, qsizetype nameAt)
    {
        if (!m_current || !belongsTo(s.name, *m_current)) {
            // A family begun before and interrupted by another: the text repeats a family. Only
            // the names the sample could belong to are looked up, so this stays linear.
            auto check = [&](const QString &familyName) {
                if (m_current && familyName == m_current->name)
                    return;
                const auto seen = m_families.constFind(familyName);
                if (seen == m_families.cend())
                    return;
                MetricFamily f;
                f.name = familyName;
                f.type = seen->second;
                if (belongsTo(s.name, f))
                    failAt(nameAt,
                           QStringLiteral("a sample of metric family %1, which ended before (it "
                                          "starts at line %2); a family's lines must be together")
                               .arg(familyName)
                               .arg(seen->first));
            };
            check(s.name);
            for (const QString &suffix : allSuffixes()) {
                if (s.name.endsWith(suffix))
                    check(s.name.chopped(suffix.size()));
            }
            startFamily(s.name);
        }
        QString key = s.name;
        QList<std::pair<QString, QString>> sorted = s.labels;
        std::sort(sorted.begin(), sorted.end());
        for (const auto &[k, v] : sorted)
            key += QLatin1Char('\x1f') + k + QLatin1Char('\x1e') + v;
        if (const auto first = m_sampleLines.constFind(key); first != m_sampleLines.cend())
            failAt(nameAt,
                   QStringLiteral("a duplicate sample of %1 with the same labels (the first is at "
                                  "line %2)")
                       .arg(s.name)
                       .arg(first.value()));
        m_sampleLines.insert(key, s.line);
        m_current->samples.append(std::move(s));
    }

    static const QStringList &allSuffixes()
    {
        static const QStringList suffixes{QStringLiteral("_total"),
                                          QStringLiteral("_created"),
                                          QStringLiteral("_bucket"),
                                          QStringLiteral("_sum"),
                                          QStringLiteral("_count"),
                                          QStringLiteral("_gsum"),
                                          QStringLiteral("_gcount"),
                                          QStringLiteral("_info")};
        return suffixes;
    }

    // --- the rules of histograms and summaries, checked when a family is complete

    [[noreturn]] static void failOnLine(int line, const QString &message)
    {
        throw ParseFailure{-1, line, message};
    }

    static QString seriesKey(const MetricSample &s, QStringView without)
    {
        QList<std::pair<QString, QString>> sorted;
        for (const auto &l : s.labels) {
            if (l.first != without)
                sorted.append(l);
        }
        std::sort(sorted.begin(), sorted.end());
        QString key;
        for (const auto &[k, v] : sorted)
            key += k + QLatin1Char('=') + v + QLatin1Char(',');
        return key;
    }

    void checkFamily(const MetricFamily &f)
    {
        if (f.type == MetricFamily::Type::Histogram || f.type == MetricFamily::Type::GaugeHistogram)
            checkHistogram(f);
        else if (f.type == MetricFamily::Type::Summary)
            checkSummary(f);
    }

    void checkHistogram(const MetricFamily &f)
    {
        struct Bucket
        {
            double le;
            double count;
            int line;
        };
        QHash<QString, QList<Bucket>> buckets;
        QHash<QString, std::pair<double, int>> counts;
        const QString bucketName = f.name + QStringLiteral("_bucket");
        const QString countName = f.name
                                  + (f.type == MetricFamily::Type::Histogram
                                         ? QStringLiteral("_count")
                                         : QStringLiteral("_gcount"));
        for (const MetricSample &s : f.samples) {
            if (s.name == bucketName) {
                if (!s.hasLabel(u"le"))
                    failOnLine(s.line,
                               QStringLiteral("histogram bucket %1 has no \"le\" label").arg(s.name));
                const QString le = s.label(u"le");
                const auto bound = parseGoFloat(le.toUtf8());
                if (!bound || std::isnan(*bound))
                    failOnLine(s.line,
                               QStringLiteral("histogram bucket %1 has le=\"%2\", which is not a "
                                              "number")
                                   .arg(s.name, le));
                buckets[seriesKey(s, u"le")].append({*bound, s.value, s.line});
            } else if (s.name == countName) {
                counts.insert(seriesKey(s, u"le"), {s.value, s.line});
            } else if (s.name == f.name) {
                failOnLine(s.line,
                           QStringLiteral("histogram %1 has a sample without a _bucket, _sum or "
                                          "_count suffix")
                               .arg(f.name));
            }
        }
        for (auto it = buckets.cbegin(); it != buckets.cend(); ++it) {
            const QList<Bucket> &series = it.value();
            for (qsizetype i = 1; i < series.size(); ++i) {
                if (!(series.at(i).le > series.at(i - 1).le))
                    failOnLine(series.at(i).line,
                               QStringLiteral("histogram %1: bucket le=\"%2\" does not follow "
                                              "le=\"%3\" in ascending order")
                                   .arg(f.name)
                                   .arg(series.at(i).le)
                                   .arg(series.at(i - 1).le));
                if (series.at(i).count < series.at(i - 1).count)
                    failOnLine(series.at(i).line,
                               QStringLiteral("histogram %1: bucket le=\"%2\" counts %3, fewer "
                                              "than the bucket before it (%4); buckets are "
                                              "cumulative")
                                   .arg(f.name)
                                   .arg(series.at(i).le)
                                   .arg(series.at(i).count)
                                   .arg(series.at(i - 1).count));
            }
            const Bucket &last = series.constLast();
            if (!std::isinf(last.le) || last.le < 0)
                failOnLine(last.line,
                           QStringLiteral("histogram %1: the last bucket must be le=\"+Inf\"")
                               .arg(f.name));
            if (const auto count = counts.constFind(it.key());
                count != counts.cend() && count->first != last.count)
                failOnLine(count->second,
                           QStringLiteral("histogram %1: _count is %2 but the +Inf bucket counts "
                                          "%3; they must be equal")
                               .arg(f.name)
                               .arg(count->first)
                               .arg(last.count));
        }
    }

    void checkSummary(const MetricFamily &f)
    {
        for (const MetricSample &s : f.samples) {
            if (s.name != f.name)
                continue;
            if (!s.hasLabel(u"quantile"))
                failOnLine(s.line,
                           QStringLiteral("summary %1 has a sample without a \"quantile\" label")
                               .arg(f.name));
            const auto q = parseGoFloat(s.label(u"quantile").toUtf8());
            if (!q || !(*q >= 0.0 && *q <= 1.0))
                failOnLine(s.line,
                           QStringLiteral("summary %1 has quantile=\"%2\"; a quantile is from 0 "
                                          "to 1")
                               .arg(f.name, s.label(u"quantile")));
        }
    }

    QByteArrayView m_text;
    PrometheusParser::Limits m_limits;
    qsizetype m_lineStart = 0;
    qsizetype m_lineEnd = 0;
    qsizetype m_pos = 0;
    int m_line = 0;
    int m_eofAt = 0;
    qsizetype m_samples = 0;
    MetricSet m_set;
    std::optional<MetricFamily> m_current;
    QHash<QString, std::pair<int, MetricFamily::Type>> m_families; // every family begun so far
    QHash<QString, int> m_helpLine;
    QHash<QString, int> m_typeLine;
    QHash<QString, int> m_sampleLines; // of the current family: series key -> line
};

// 1-based line and column (in characters) of an offset into valid UTF-8 text.
std::pair<int, int> position(QByteArrayView text, qsizetype offset)
{
    int line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    int column = 1;
    for (qsizetype i = lineStart; i < offset && i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80)
            ++column;
    }
    return {line, column};
}

Error errorAt(int line, int column, const QString &message)
{
    return Error::badInput(
        QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(message));
}

} // namespace

Result<MetricSet> PrometheusParser::parse(QByteArrayView text)
{
    return parse(text, Limits());
}

Result<MetricSet> PrometheusParser::parse(QByteArrayView text, const Limits &limits)
{
    if (text.size() > limits.maxBytes)
        return fail(Error::badInput(QStringLiteral("the metrics text is %1 bytes; at most %2 are "
                                                   "accepted")
                                        .arg(text.size())
                                        .arg(limits.maxBytes)));
    if (const qsizetype bad = firstInvalidUtf8(text); bad >= 0) {
        const auto [line, column] = position(text, bad);
        return fail(
            errorAt(line,
                    column,
                    QStringLiteral("the text is not valid UTF-8 (byte 0x%1)")
                        .arg(static_cast<unsigned char>(text[bad]), 2, 16, QLatin1Char('0'))));
    }
    try {
        return Parser(text, limits).run();
    } catch (const ParseFailure &f) {
        if (f.offset < 0)
            return fail(errorAt(f.line, 1, f.message));
        const auto [line, column] = position(text, f.offset);
        return fail(errorAt(line, column, f.message));
    }
}

} // namespace ragdr::core
