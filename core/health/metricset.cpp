#include "metricset.h"

namespace ragdr::core {

QString MetricSample::label(QStringView name) const
{
    for (const auto &[key, value] : labels) {
        if (key == name)
            return value;
    }
    return {};
}

bool MetricSample::hasLabel(QStringView name) const
{
    for (const auto &label : labels) {
        if (label.first == name)
            return true;
    }
    return false;
}

QString MetricFamily::typeName(Type type)
{
    switch (type) {
    case Type::Untyped:
        return QStringLiteral("untyped");
    case Type::Counter:
        return QStringLiteral("counter");
    case Type::Gauge:
        return QStringLiteral("gauge");
    case Type::Histogram:
        return QStringLiteral("histogram");
    case Type::Summary:
        return QStringLiteral("summary");
    case Type::Info:
        return QStringLiteral("info");
    case Type::StateSet:
        return QStringLiteral("stateset");
    case Type::GaugeHistogram:
        return QStringLiteral("gaugehistogram");
    }
    return QStringLiteral("untyped");
}

std::optional<MetricFamily::Type> MetricFamily::typeFromName(QStringView name)
{
    for (Type t : {Type::Untyped,
                   Type::Counter,
                   Type::Gauge,
                   Type::Histogram,
                   Type::Summary,
                   Type::Info,
                   Type::StateSet,
                   Type::GaugeHistogram}) {
        if (name == typeName(t))
            return t;
    }
    // OpenMetrics calls an untyped family "unknown".
    if (name == QLatin1String("unknown"))
        return Type::Untyped;
    return std::nullopt;
}

const MetricFamily *MetricSet::family(QStringView name) const
{
    for (const MetricFamily &f : families) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

qsizetype MetricSet::sampleCount() const
{
    qsizetype n = 0;
    for (const MetricFamily &f : families)
        n += f.samples.size();
    return n;
}

} // namespace ragdr::core
