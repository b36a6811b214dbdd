// libFuzzer entry point for the /metrics parser: any bytes in, an error or a MetricSet out, never
// a crash, a sanitizer report or a hang. Built and run by tests/fuzz/run-fuzz (not by ctest).
#include "core/health/prometheusparser.h"
#include "core/health/trafficsummary.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace ragdr::core;
    PrometheusParser::Limits limits;
    limits.maxLineBytes = 4096;
    limits.maxSamples = 10000;
    const auto set = PrometheusParser::parse(QByteArrayView(reinterpret_cast<const char *>(data),
                                                            qsizetype(size)),
                                             limits);
    if (set) {
        // What the checklist does with a good scrape must hold up too.
        const TrafficSummary t = TrafficSummary::between(*set, *set, 1.0);
        (void) t.lines();
    }
    return 0;
}
