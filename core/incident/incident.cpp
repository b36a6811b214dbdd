#include "incident.h"

#include "core/base/isotime.h"

#include <QJsonArray>

namespace ragdr::core {

namespace {

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out.append(s.toString());
    return out;
}

QJsonArray followUpsJson(const QList<FollowUp> &followUps)
{
    QJsonArray a;
    for (const FollowUp &f : followUps)
        a.append(QJsonObject{{QStringLiteral("owner"), f.owner}, {QStringLiteral("text"), f.text}});
    return a;
}

} // namespace

QString Incident::statusName(Status status)
{
    switch (status) {
    case Status::Investigating:
        return QStringLiteral("investigating");
    case Status::Mitigating:
        return QStringLiteral("mitigating");
    case Status::Monitoring:
        return QStringLiteral("monitoring");
    case Status::Resolved:
        return QStringLiteral("resolved");
    }
    return QStringLiteral("investigating");
}

QStringList Incident::statusNames()
{
    return {statusName(Status::Investigating),
            statusName(Status::Mitigating),
            statusName(Status::Monitoring),
            statusName(Status::Resolved)};
}

std::optional<Incident::Status> Incident::statusFromName(const QString &name)
{
    for (Status s :
         {Status::Investigating, Status::Mitigating, Status::Monitoring, Status::Resolved}) {
        if (statusName(s) == name.toLower())
            return s;
    }
    return std::nullopt;
}

void Incident::apply(const QJsonObject &f)
{
    auto text = [&](const char *key, QString &into) {
        if (f.contains(QLatin1String(key)))
            into = f.value(QLatin1String(key)).toString();
    };
    text("title", title);
    text("severity", severity);
    text("commander", commander);
    text("summary", summary);
    text("impact", impact);
    text("root_cause", rootCause);
    if (f.contains(QLatin1String("contributing_factors")))
        contributingFactors = strings(f.value(QLatin1String("contributing_factors")));
    if (f.contains(QLatin1String("regions")))
        regions = strings(f.value(QLatin1String("regions")));
    if (f.contains(QLatin1String("follow_ups"))) {
        followUps.clear();
        for (const QJsonValue &v : f.value(QLatin1String("follow_ups")).toArray())
            followUps.append({v.toObject().value(QLatin1String("owner")).toString(),
                              v.toObject().value(QLatin1String("text")).toString()});
    }
    if (f.contains(QLatin1String("status"))) {
        if (const auto s = statusFromName(f.value(QLatin1String("status")).toString()))
            status = *s;
    }
    if (f.contains(QLatin1String("disruption_start")))
        disruptionStart = fromIsoUtc(f.value(QLatin1String("disruption_start")));
    if (f.contains(QLatin1String("detected_at")))
        detectedAt = fromIsoUtc(f.value(QLatin1String("detected_at")));
}

QJsonObject Incident::toJson() const
{
    QJsonObject json{{QStringLiteral("id"), id},
                     {QStringLiteral("title"), title},
                     {QStringLiteral("severity"), severity},
                     {QStringLiteral("commander"), commander},
                     {QStringLiteral("status"), statusName(status)},
                     {QStringLiteral("open"), isOpen()},
                     {QStringLiteral("regions"), QJsonArray::fromStringList(regions)},
                     {QStringLiteral("summary"), summary},
                     {QStringLiteral("impact"), impact},
                     {QStringLiteral("root_cause"), rootCause},
                     {QStringLiteral("contributing_factors"),
                      QJsonArray::fromStringList(contributingFactors)},
                     {QStringLiteral("follow_ups"), followUpsJson(followUps)},
                     {QStringLiteral("disruption_start"), isoUtc(disruptionStart)},
                     {QStringLiteral("detected_at"), isoUtc(detectedAt)},
                     {QStringLiteral("declared_at"), isoUtc(declaredAt)},
                     {QStringLiteral("closed_at"), isoUtc(closedAt)}};
    if (restored) {
        json.insert(QStringLiteral("restored"),
                    QJsonObject{{QStringLiteral("backup"), restored->backupId},
                                {QStringLiteral("region"), restored->region},
                                {QStringLiteral("snapshot_at"), isoUtc(restored->snapshotAt)},
                                {QStringLiteral("restored_at"), isoUtc(restored->restoredAt)}});
    }
    if (postChecksPassedAt.isValid())
        json.insert(QStringLiteral("restore_post_checks_passed_at"), isoUtc(postChecksPassedAt));
    return json;
}

QJsonObject IncidentChange::fields() const
{
    QJsonObject f;
    auto put = [&](const char *key, const std::optional<QString> &v) {
        if (v)
            f.insert(QLatin1String(key), *v);
    };
    put("title", title);
    put("severity", severity);
    put("commander", commander);
    put("summary", summary);
    put("impact", impact);
    put("root_cause", rootCause);
    if (contributingFactors)
        f.insert(QStringLiteral("contributing_factors"),
                 QJsonArray::fromStringList(*contributingFactors));
    if (followUps)
        f.insert(QStringLiteral("follow_ups"), followUpsJson(*followUps));
    if (regions)
        f.insert(QStringLiteral("regions"), QJsonArray::fromStringList(*regions));
    if (status)
        f.insert(QStringLiteral("status"), Incident::statusName(*status));
    if (disruptionStart)
        f.insert(QStringLiteral("disruption_start"), isoUtc(*disruptionStart));
    if (detectedAt)
        f.insert(QStringLiteral("detected_at"), isoUtc(*detectedAt));
    return f;
}

QStringList IncidentChange::describe() const
{
    QStringList out;
    if (title)
        out.append(QStringLiteral("title \"%1\"").arg(*title));
    if (severity)
        out.append(QStringLiteral("severity %1").arg(*severity));
    if (commander)
        out.append(QStringLiteral("commander %1").arg(*commander));
    if (status)
        out.append(QStringLiteral("status %1").arg(Incident::statusName(*status)));
    if (summary)
        out.append(QStringLiteral("summary"));
    if (impact)
        out.append(QStringLiteral("impact"));
    if (rootCause)
        out.append(QStringLiteral("root cause"));
    if (contributingFactors)
        out.append(QStringLiteral("%1 contributing factors").arg(contributingFactors->size()));
    if (followUps)
        out.append(QStringLiteral("%1 follow-ups").arg(followUps->size()));
    if (regions)
        out.append(QStringLiteral("regions %1").arg(regions->join(QStringLiteral(", "))));
    if (disruptionStart)
        out.append(QStringLiteral("disruption start %1 UTC")
                       .arg(disruptionStart->toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    if (detectedAt)
        out.append(QStringLiteral("detected at %1 UTC")
                       .arg(detectedAt->toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    return out;
}

} // namespace ragdr::core
