#pragma once

#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace ragdr::core {

// One line of a scrape: `name{label="value",...} value [timestamp]`.
struct MetricSample
{
    QString name;
    QList<std::pair<QString, QString>> labels; // as written, in order
    double value = 0;
    std::optional<qint64> timestampMs;
    int line = 0; // 1-based, in the text it came from

    // The value of a label, or an empty string when the sample has none of that name.
    QString label(QStringView name) const;
    bool hasLabel(QStringView name) const;
};

// The samples of one metric family, with what its HELP, TYPE and UNIT lines said.
struct MetricFamily
{
    enum class Type { Untyped, Counter, Gauge, Histogram, Summary, Info, StateSet, GaugeHistogram };

    QString name;
    QString help;
    QString unit;
    Type type = Type::Untyped;
    QList<MetricSample> samples;
    int line = 0; // where the family starts

    static QString typeName(Type type);
    static std::optional<Type> typeFromName(QStringView name);
};

// One scrape of a /metrics endpoint.
struct MetricSet
{
    QList<MetricFamily> families;
    bool openMetricsEof = false; // the text ended with OpenMetrics' "# EOF"

    const MetricFamily *family(QStringView name) const;
    qsizetype sampleCount() const;
};

} // namespace ragdr::core
