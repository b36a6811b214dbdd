#pragma once

#include <QDateTime>
#include <QString>

namespace ragdr::core::kubetime {

// Reads the timestamps of the Kubernetes API: metav1.Time ("2026-11-24T21:07:44Z"), MicroTime
// (six fraction digits) and RFC3339Nano (up to nine). Invalid when empty, null or unreadable,
// which is how the API spells "unset".
QDateTime parse(const QString &text);

// metav1.Time as the API server writes it: whole seconds, UTC, "Z".
QString format(const QDateTime &when);

// metav1.MicroTime (eventTime, lastObservedTime): six fraction digits.
QString formatMicro(const QDateTime &when);

// Go's time.RFC3339Nano as the kubelet writes log timestamps: nine digits at most, trailing
// zeros dropped ("2026-11-24T21:07:44.1234Z", "2026-11-24T21:07:44Z").
QString formatNano(const QDateTime &when);

} // namespace ragdr::core::kubetime
