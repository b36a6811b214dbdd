#pragma once

#include "metricset.h"

#include "core/base/error.h"

#include <QByteArrayView>

namespace ragdr::core {

// The Prometheus text exposition format 0.0.4, as a /metrics endpoint serves it: HELP and TYPE
// lines, labels with escapes, Go floats (NaN, +Inf, -Inf), int64 millisecond timestamps,
// histograms and summaries checked for their rules. It also takes what newer exporters send to a
// 0.0.4 client: OpenMetrics' "# EOF", "# UNIT", _created samples and exemplars, and Prometheus 3's
// quoted UTF-8 names inside the braces.
//
// The text is untrusted: anything wrong is a BadInput error whose message starts "line L, column
// C:" and says what was expected there. Every limit is checked before the work it bounds, so
// that hostile text (a huge line, millions of labels, invalid UTF-8) costs at most one linear pass.
class PrometheusParser final
{
public:
    struct Limits
    {
        qsizetype maxBytes = 64 * 1024 * 1024;
        qsizetype maxLineBytes = 1024 * 1024;
        qsizetype maxSamples = 2'000'000;
        int maxLabels = 128; // per sample
    };

    static Result<MetricSet> parse(QByteArrayView text);
    static Result<MetricSet> parse(QByteArrayView text, const Limits &limits);
};

} // namespace ragdr::core
