#pragma once

#include <QDateTime>
#include <QString>

#include <chrono>

namespace ragdr::core {

// The ages kubectl and kube-apiserver print, ported from apimachinery's
// staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go so that the console, the CLI and
// the sandbox's API server show exactly what `kubectl get` shows.

// "2m1s", "3h1m", "2d1h", "2y1d": about 2-3 significant figures (HumanDuration).
QString humanDuration(std::chrono::milliseconds d);

// "59s", "1m", "23h", "364d", "1y": one unit (ShortHumanDuration).
QString shortHumanDuration(std::chrono::milliseconds d);

// HumanDuration of now - timestamp for an RFC 3339 API timestamp; "<unknown>" when it is unset
// or unreadable, as printers.go's translateTimestampSince does for a zero time.
QString translateTimestampSince(const QString &timestamp, const QDateTime &now);

} // namespace ragdr::core
