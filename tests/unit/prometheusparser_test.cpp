// The Prometheus text format 0.0.4 as /metrics endpoints write it, and the hostile text a broken
// or compromised endpoint might send: every error names its line and column, nothing crashes.
#include "core/health/prometheusparser.h"

#include <QElapsedTimer>

#include <cmath>

#include <gtest/gtest.h>

using namespace ragdr::core;

namespace {

MetricSet parsed(const QByteArray &text)
{
    auto set = PrometheusParser::parse(text);
    EXPECT_TRUE(set.has_value()) << qPrintable(set ? QString() : set.error().message);
    return set ? *set : MetricSet();
}

QString errorOf(const QByteArray &text)
{
    auto set = PrometheusParser::parse(text);
    EXPECT_FALSE(set.has_value()) << "the text was accepted:\n" << text.left(300).constData();
    if (set)
        return {};
    EXPECT_EQ(set.error().kind, Error::Kind::BadInput);
    return set.error().message;
}

// The example of the exposition format's documentation, plus what it allows and rarely shows.
const QByteArray kExample = R"(# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds{quantile="0.05"} 3272
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.9"} 9001
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
)";

} // namespace

TEST(PrometheusParser, ReadsTheDocumentedExample)
{
    const MetricSet set = parsed(kExample);
    ASSERT_EQ(set.families.size(), 6);
    const MetricFamily *requests = set.family(u"http_requests_total");
    ASSERT_NE(requests, nullptr);
    EXPECT_EQ(requests->type, MetricFamily::Type::Counter);
    EXPECT_EQ(requests->help, QStringLiteral("The total number of HTTP requests."));
    ASSERT_EQ(requests->samples.size(), 2);
    EXPECT_EQ(requests->samples.at(0).label(u"code"), QStringLiteral("200"));
    EXPECT_EQ(requests->samples.at(0).value, 1027);
    EXPECT_EQ(requests->samples.at(0).timestampMs, 1395066363000);
    EXPECT_EQ(requests->samples.at(1).value, 3);
    EXPECT_EQ(requests->samples.at(1).line, 4);

    const MetricFamily *msdos = set.family(u"msdos_file_access_time_seconds");
    ASSERT_NE(msdos, nullptr);
    EXPECT_EQ(msdos->type, MetricFamily::Type::Untyped);
    EXPECT_EQ(msdos->samples.at(0).label(u"path"), QStringLiteral("C:\\DIR\\FILE.TXT"));
    EXPECT_EQ(msdos->samples.at(0).label(u"error"),
              QStringLiteral("Cannot find file:\n\"FILE.TXT\""));
    EXPECT_DOUBLE_EQ(msdos->samples.at(0).value, 1.458255915e9);

    const MetricFamily *weird = set.family(u"something_weird");
    ASSERT_NE(weird, nullptr);
    EXPECT_TRUE(std::isinf(weird->samples.at(0).value) && weird->samples.at(0).value > 0);
    EXPECT_EQ(weird->samples.at(0).timestampMs, -3982045);

    const MetricFamily *histogram = set.family(u"http_request_duration_seconds");
    ASSERT_NE(histogram, nullptr);
    EXPECT_EQ(histogram->type, MetricFamily::Type::Histogram);
    EXPECT_EQ(histogram->samples.size(), 8);
    const MetricFamily *summary = set.family(u"rpc_duration_seconds");
    ASSERT_NE(summary, nullptr);
    EXPECT_EQ(summary->type, MetricFamily::Type::Summary);
    EXPECT_EQ(summary->samples.size(), 7);
    EXPECT_DOUBLE_EQ(summary->samples.at(5).value, 1.7560473e+07);
}

TEST(PrometheusParser, TakesWhatTheFormatAllows)
{
    const MetricSet set = parsed("# a plain comment\n"
                                 "\n"
                                 "  \t\n"
                                 "a_total{x=\"1\",y=\"2\",} NaN\n" // trailing comma
                                 "b\t{ x = \"1\" }\t-Inf\t42\n"    // tabs and blanks
                                 "c 1e3\r\n"                       // CRLF
                                 "d{x=\"ünïcødé ✓\"} 0x1p-2\n"     // UTF-8, a Go hex float
                                 "# HELP e no newline at the end\n"
                                 "e -0.5");
    ASSERT_EQ(set.families.size(), 5);
    EXPECT_TRUE(std::isnan(set.family(u"a_total")->samples.at(0).value));
    EXPECT_EQ(set.family(u"a_total")->samples.at(0).labels.size(), 2);
    const MetricSample &b = set.family(u"b")->samples.at(0);
    EXPECT_EQ(b.label(u"x"), QStringLiteral("1"));
    EXPECT_TRUE(std::isinf(b.value) && b.value < 0);
    EXPECT_EQ(b.timestampMs, 42);
    EXPECT_EQ(set.family(u"c")->samples.at(0).value, 1000);
    EXPECT_EQ(set.family(u"d")->samples.at(0).label(u"x"), QStringLiteral("ünïcødé ✓"));
    EXPECT_EQ(set.family(u"d")->samples.at(0).value, 0.25);
    EXPECT_EQ(set.family(u"e")->help, QStringLiteral("no newline at the end"));
    EXPECT_EQ(set.family(u"e")->samples.at(0).value, -0.5);
}

TEST(PrometheusParser, HelpTextUnescapes)
{
    const MetricSet set = parsed("# HELP a back\\\\slash and\\nnewline\n# TYPE a gauge\na 1\n");
    EXPECT_EQ(set.family(u"a")->help, QStringLiteral("back\\slash and\nnewline"));
    EXPECT_EQ(set.family(u"a")->type, MetricFamily::Type::Gauge);
}

TEST(PrometheusParser, ToleratesOpenMetricsAndPrometheus3)
{
    const MetricSet set = parsed(
        "# TYPE http_requests counter\n"
        "# UNIT http_requests requests\n"
        "http_requests_total{status=\"2xx\"} 10 # {trace_id=\"KOO5S4vxi0o\"} 0.67\n"
        "http_requests_created{status=\"2xx\"} 1.6e9\n"
        "# TYPE latency histogram\n"
        "latency_bucket{le=\"0.5\"} 3 # {trace_id=\"a\"} 0.4 1520879607.789\n"
        "latency_bucket{le=\"+Inf\"} 4\n"
        "latency_count 4\n"
        "latency_sum 1.5\n"
        "latency_created 1.6e9\n"
        "{\"my.dotted.metric\", \"label.with.dots\"=\"v\"} 7\n"
        "# EOF\n");
    EXPECT_TRUE(set.openMetricsEof);
    const MetricFamily *requests = set.family(u"http_requests");
    ASSERT_NE(requests, nullptr);
    EXPECT_EQ(requests->unit, QStringLiteral("requests"));
    EXPECT_EQ(requests->samples.size(), 2);
    EXPECT_EQ(set.family(u"latency")->samples.size(), 5);
    const MetricFamily *dotted = set.family(u"my.dotted.metric");
    ASSERT_NE(dotted, nullptr);
    EXPECT_EQ(dotted->samples.at(0).label(u"label.with.dots"), QStringLiteral("v"));
    EXPECT_EQ(dotted->samples.at(0).value, 7);
}

TEST(PrometheusParser, ErrorsNameLineAndColumn)
{
    struct Case
    {
        QByteArray text;
        QString starts; // "line L, column C:"
        QString says;
    };
    const QList<Case> cases{
        {"ok 1\nbad{a=\"x\\q\"} 1\n",
         QStringLiteral("line 2, column 9:"),
         QStringLiteral("invalid escape")},
        {"# HELP a tab\\there\n",
         QStringLiteral("line 1, column 13:"),
         QStringLiteral("invalid escape")},
        {"a{b=\"open} 1\n", QStringLiteral("line 1, column 5:"), QStringLiteral("not closed")},
        {"a{b\"x\"} 1\n", QStringLiteral("line 1, column 4:"), QStringLiteral("'='")},
        {"a{b=x} 1\n", QStringLiteral("line 1, column 5:"), QStringLiteral("double-quoted")},
        {"a{b=\"1\" c=\"2\"} 1\n",
         QStringLiteral("line 1, column 9:"),
         QStringLiteral("',' or '}'")},
        {"a{1b=\"1\"} 1\n", QStringLiteral("line 1, column 3:"), QStringLiteral("label name")},
        {"a one\n", QStringLiteral("line 1, column 3:"), QStringLiteral("expected a number")},
        {"a infinite\n", QStringLiteral("line 1, column 3:"), QStringLiteral("expected a number")},
        {"a 1e999\n", QStringLiteral("line 1, column 3:"), QStringLiteral("expected a number")},
        {"a\n", QStringLiteral("line 1, column 2:"), QStringLiteral("expected a value")},
        {"a 1 12.5\n", QStringLiteral("line 1, column 5:"), QStringLiteral("milliseconds")},
        {"a 1 2 3\n", QStringLiteral("line 1, column 7:"), QStringLiteral("end of the line")},
        {"a{b=\"1\",b=\"2\"} 1\n", QStringLiteral("line 1, column 9:"), QStringLiteral("twice")},
        {"a{b=\"1\"} 1\na{b=\"1\"} 2\n",
         QStringLiteral("line 2, column 1:"),
         QStringLiteral("duplicate sample")},
        {"a 1\nb 1\na 2\n", QStringLiteral("line 3, column 1:"), QStringLiteral("together")},
        {"# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# HELP a again\n",
         QStringLiteral("line 5, column 8:"),
         QStringLiteral("appears twice")},
        {"# TYPE a gauge\n# TYPE a counter\n",
         QStringLiteral("line 2, column 3:"),
         QStringLiteral("second TYPE")},
        {"# HELP a x\n# HELP a y\n",
         QStringLiteral("line 2, column 3:"),
         QStringLiteral("second HELP")},
        {"a 1\n# TYPE a gauge\n",
         QStringLiteral("line 2, column 3:"),
         QStringLiteral("after its samples")},
        {"# TYPE a meter\n", QStringLiteral("line 1, column 10:"), QStringLiteral("counter, gauge")},
        {"# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"0.5\"} 3\nh_bucket{le=\"+Inf\"} "
         "3\n",
         QStringLiteral("line 3, column 1:"),
         QStringLiteral("ascending")},
        {"# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 3\n",
         QStringLiteral("line 3, column 1:"),
         QStringLiteral("cumulative")},
        {"# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_count 2\n",
         QStringLiteral("line 2, column 1:"),
         QStringLiteral("+Inf")},
        {"# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_count 4\n",
         QStringLiteral("line 3, column 1:"),
         QStringLiteral("must be equal")},
        {"# TYPE h histogram\nh_bucket 3\n",
         QStringLiteral("line 2, column 1:"),
         QStringLiteral("\"le\"")},
        {"# TYPE s summary\ns 3\n", QStringLiteral("line 2, column 1:"), QStringLiteral("quantile")},
        {"# TYPE s summary\ns{quantile=\"1.5\"} 3\n",
         QStringLiteral("line 2, column 1:"),
         QStringLiteral("from 0 to 1")},
        {"a 1\n# EOF\nb 2\n",
         QStringLiteral("line 3, column 1:"),
         QStringLiteral("after \"# EOF\"")},
        {"a 1 # trace\n", QStringLiteral("line 1, column 7:"), QStringLiteral("exemplar")},
        {"x{é=\"1\"} 1\n", QStringLiteral("line 1, column 3:"), QStringLiteral("label name")},
    };
    for (const Case &c : cases) {
        const QString e = errorOf(c.text);
        EXPECT_TRUE(e.startsWith(c.starts)) << qPrintable(e) << "\n  for: " << c.text.constData();
        EXPECT_TRUE(e.contains(c.says)) << qPrintable(e) << "\n  for: " << c.text.constData();
    }
}

TEST(PrometheusParser, NonUtf8IsRefusedWithItsPosition)
{
    const QString e = errorOf(QByteArray("ok 1\nb{x=\"caf") + char(0xe9) + "\"} 1\n");
    EXPECT_TRUE(e.startsWith(QStringLiteral("line 2, column 9:"))) << qPrintable(e);
    EXPECT_TRUE(e.contains(QStringLiteral("not valid UTF-8"))) << qPrintable(e);
    // An overlong encoding of '/', a surrogate, a truncated sequence at the very end.
    for (const QByteArray &bad : {QByteArray("a{x=\"\xc0\xaf\"} 1\n"),
                                  QByteArray("a{x=\"\xed\xa0\x80\"} 1\n"),
                                  QByteArray("a 1\n\xe2\x82")}) {
        const QString why = errorOf(bad);
        EXPECT_TRUE(why.contains(QStringLiteral("not valid UTF-8"))) << qPrintable(why);
    }
}

TEST(PrometheusParser, HostileTextIsRefusedQuicklyWithinItsLimits)
{
    QElapsedTimer clock;
    clock.start();
    // A 5 MB line: refused where it passes the limit, without reading it as a sample.
    const QByteArray huge = "ok 1\na{x=\"" + QByteArray(5 * 1024 * 1024, 'x') + "\"} 1\n";
    QString e = errorOf(huge);
    EXPECT_TRUE(e.startsWith(QStringLiteral("line 2,"))) << qPrintable(e.left(200));
    EXPECT_TRUE(e.contains(QStringLiteral("at most 1048576"))) << qPrintable(e.left(200));

    PrometheusParser::Limits small;
    small.maxSamples = 1000;
    small.maxLabels = 16;
    QByteArray many;
    for (int i = 0; i < 1500; ++i)
        many += "m{i=\"" + QByteArray::number(i) + "\"} 1\n";
    auto tooMany = PrometheusParser::parse(many, small);
    ASSERT_FALSE(tooMany.has_value());
    EXPECT_TRUE(tooMany.error().message.startsWith(QStringLiteral("line 1001,")))
        << qPrintable(tooMany.error().message);

    QByteArray labels = "m{";
    for (int i = 0; i < 40; ++i)
        labels += "l" + QByteArray::number(i) + "=\"v\",";
    labels += "} 1\n";
    auto tooManyLabels = PrometheusParser::parse(labels, small);
    ASSERT_FALSE(tooManyLabels.has_value());
    EXPECT_TRUE(tooManyLabels.error().message.contains(QStringLiteral("more than 16 labels")));

    small.maxBytes = 100;
    EXPECT_FALSE(PrometheusParser::parse(many, small).has_value());

    // Thousands of distinct families one after another: each is looked up once, never scanned.
    QByteArray families;
    for (int i = 0; i < 50000; ++i)
        families += "family_" + QByteArray::number(i) + " 1\n";
    families += "family_7 2\n";
    e = errorOf(families);
    EXPECT_TRUE(e.startsWith(QStringLiteral("line 50001,"))) << qPrintable(e);

    // Binary noise and a NUL: an error, not a crash.
    EXPECT_FALSE(PrometheusParser::parse(QByteArray("a\0b 1\n", 6)).has_value());
    EXPECT_FALSE(PrometheusParser::parse(QByteArray("{{{{{{{{{{\n")).has_value());
    EXPECT_FALSE(PrometheusParser::parse(QByteArray("a{b=\"\\")).has_value());
    EXPECT_LT(clock.elapsed(), 20000) << "hostile text took too long";
}
