#include "latencychart.h"

#include "../common/palette.h"

#include <QDateTimeAxis>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

namespace ragdr::ui {

namespace {
constexpr qint64 kWindowMs = 3600 * 1000; // the last hour
}

LatencyChart::LatencyChart(const QStringList &endpoints, QWidget *parent)
    : QChartView(parent)
{
    setObjectName(QStringLiteral("latencyChart"));
    setRenderHint(QPainter::Antialiasing);
    auto *chart = new QChart;
    chart->setTitle(tr("Generate latency and failed probes, last hour"));
    chart->setBackgroundVisible(false);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->legend()->setLabelColor(palette().color(QPalette::WindowText));
    chart->setTitleBrush(palette().color(QPalette::WindowText));
    m_time = new QDateTimeAxis;
    m_time->setFormat(QStringLiteral("HH:mm"));
    m_time->setTitleText(tr("time"));
    m_ms = new QValueAxis;
    m_ms->setTitleText(tr("ms"));
    m_ms->setLabelFormat(QStringLiteral("%d"));
    for (QAbstractAxis *axis :
         {static_cast<QAbstractAxis *>(m_time), static_cast<QAbstractAxis *>(m_ms)}) {
        axis->setLabelsColor(palette().color(QPalette::WindowText));
        axis->setTitleBrush(palette().color(QPalette::WindowText));
        axis->setGridLineColor(palette().color(QPalette::Mid));
    }
    chart->addAxis(m_time, Qt::AlignBottom);
    chart->addAxis(m_ms, Qt::AlignLeft);
    for (const QString &name : endpoints) {
        auto *series = new QLineSeries;
        series->setName(name);
        series->setPointsVisible(true);
        chart->addSeries(series);
        series->attachAxis(m_time);
        series->attachAxis(m_ms);
        m_latency.insert(name, series);
    }
    m_errors = new QScatterSeries;
    m_errors->setName(tr("failed probe"));
    m_errors->setColor(Palette::bad());
    m_errors->setBorderColor(Palette::bad());
    m_errors->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_errors->setMarkerSize(9);
    chart->addSeries(m_errors);
    m_errors->attachAxis(m_time);
    m_errors->attachAxis(m_ms);
    setChart(chart);
    setMinimumHeight(220);
    trimAndRescale();
}

void LatencyChart::add(const core::EndpointReport &report)
{
    if (!report.checkedAt.isValid())
        return;
    const qreal x = qreal(report.checkedAt.toMSecsSinceEpoch());
    if (report.state == core::EndpointReport::State::Ok) {
        if (QLineSeries *series = m_latency.value(report.name))
            series->append(x, qreal(report.latencyMs));
    } else if (report.state == core::EndpointReport::State::Failed) {
        m_errors->append(x, 0);
    }
    trimAndRescale();
}

int LatencyChart::pointCount() const
{
    int n = 0;
    for (const QLineSeries *s : m_latency)
        n += s->count();
    return n;
}

int LatencyChart::errorCount() const
{
    return m_errors->count();
}

void LatencyChart::trimAndRescale()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qreal oldest = qreal(now - kWindowMs);
    qreal top = 100;
    auto trim = [&](QXYSeries *s) {
        int drop = 0;
        while (drop < s->count() && s->at(drop).x() < oldest)
            ++drop;
        if (drop > 0)
            s->removePoints(0, drop);
        for (const QPointF &p : s->points())
            top = std::max(top, p.y());
    };
    for (QLineSeries *s : std::as_const(m_latency))
        trim(s);
    trim(m_errors);
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(now - kWindowMs),
                     QDateTime::fromMSecsSinceEpoch(now + 60000));
    m_ms->setRange(0, top * 1.2);
}

} // namespace ragdr::ui
