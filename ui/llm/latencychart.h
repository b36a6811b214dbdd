#pragma once

#include "core/llm/endpointreport.h"

#include <QChartView>
#include <QHash>

class QDateTimeAxis;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace ragdr::ui {

// Latency of the generate probe per endpoint over the last hour of checks, with each failed probe
// marked in red on the time axis: what "how fast, and since when failing" looks like.
class LatencyChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LatencyChart)

public:
    explicit LatencyChart(const QStringList &endpoints, QWidget *parent = nullptr);

    void add(const core::EndpointReport &report);
    int pointCount() const;
    int errorCount() const;

private:
    void trimAndRescale();

    QHash<QString, QLineSeries *> m_latency;
    QScatterSeries *m_errors = nullptr;
    QDateTimeAxis *m_time = nullptr;
    QValueAxis *m_ms = nullptr;
};

} // namespace ragdr::ui
