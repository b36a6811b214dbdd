#include "restorestate.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ragdr::core {

namespace {

QString iso(const QDateTime &t)
{
    return RecoveryTimes::iso(t);
}

QDateTime fromIso(const QJsonValue &v)
{
    return RecoveryTimes::fromIso(v);
}

const struct
{
    RestoreState::Phase phase;
    const char *name;
} kPhases[] = {
    {RestoreState::Phase::Running, "running"},
    {RestoreState::Phase::Done, "done"},
    {RestoreState::Phase::Failed, "failed"},
    {RestoreState::Phase::Cancelled, "cancelled"},
};

} // namespace

QJsonObject StepRecord::toJson() const
{
    QJsonObject json{{QStringLiteral("id"), id},
                     {QStringLiteral("title"), title},
                     {QStringLiteral("status"), status},
                     {QStringLiteral("message"), message}};
    if (startedAt.isValid())
        json.insert(QStringLiteral("started_at"), iso(startedAt));
    if (durationMs >= 0)
        json.insert(QStringLiteral("duration_ms"), durationMs);
    return json;
}

StepRecord StepRecord::fromJson(const QJsonObject &json)
{
    StepRecord s;
    s.id = json.value(QStringLiteral("id")).toString();
    s.title = json.value(QStringLiteral("title")).toString();
    s.status = json.value(QStringLiteral("status")).toString();
    s.message = json.value(QStringLiteral("message")).toString();
    s.startedAt = fromIso(json.value(QStringLiteral("started_at")));
    s.durationMs = json.value(QStringLiteral("duration_ms")).toInteger(-1);
    return s;
}

StepRecord *RestoreState::stepById(const QString &stepId)
{
    for (StepRecord &s : steps) {
        if (s.id == stepId)
            return &s;
    }
    return nullptr;
}

const StepRecord *RestoreState::stepById(const QString &stepId) const
{
    return const_cast<RestoreState *>(this)->stepById(stepId);
}

QString RestoreState::phaseName() const
{
    for (const auto &p : kPhases) {
        if (p.phase == phase)
            return QLatin1String(p.name);
    }
    return QStringLiteral("running");
}

QJsonObject RestoreState::toJson() const
{
    QJsonArray stepJson;
    for (const StepRecord &s : steps)
        stepJson.append(s.toJson());
    QJsonArray scaled;
    for (const ScaledDeployment &d : scaledDown)
        scaled.append(QJsonObject{{QStringLiteral("name"), d.name},
                                  {QStringLiteral("replicas_before"), d.replicasBefore}});
    return {{QStringLiteral("format"), kFormat},
            {QStringLiteral("id"), id},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("pid"), pid},
            {QStringLiteral("host"), host},
            {QStringLiteral("actor"), actor},
            {QStringLiteral("profile"), profilePath},
            {QStringLiteral("region"), region},
            {QStringLiteral("database"), database},
            {QStringLiteral("server"), server},
            {QStringLiteral("backup"), backupId},
            {QStringLiteral("backup_file"), backupFile},
            {QStringLiteral("staging"), staging},
            {QStringLiteral("pre_restore"), preRestore},
            {QStringLiteral("live_existed"), liveExisted},
            {QStringLiteral("step_mode"), stepMode},
            {QStringLiteral("phase"), phaseName()},
            {QStringLiteral("step"), step},
            {QStringLiteral("fraction"), fraction},
            {QStringLiteral("detail"), detail},
            {QStringLiteral("waiting"), waiting},
            {QStringLiteral("steps"), stepJson},
            {QStringLiteral("scaled_down"), scaled},
            {QStringLiteral("staging_created"), stagingCreated},
            {QStringLiteral("swap_started"), swapStarted},
            {QStringLiteral("swapped"), swapped},
            {QStringLiteral("cleaned_up"), cleanedUp},
            {QStringLiteral("times"), times.toJson()},
            {QStringLiteral("started_at"), iso(startedAt)},
            {QStringLiteral("updated_at"), iso(updatedAt)},
            {QStringLiteral("finished_at"), iso(finishedAt)},
            {QStringLiteral("message"), message},
            {QStringLiteral("untouched"), untouched},
            {QStringLiteral("evidence"), evidence}};
}

Result<RestoreState> RestoreState::fromJson(const QByteArray &json, const QString &source)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject()) {
        return fail(Error::failed(
            QStringLiteral("%1 is not a restore state file: %2").arg(source, error.errorString())));
    }
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("format")).toInt() != kFormat) {
        return fail(Error::failed(
            QStringLiteral("%1 has restore state format %2; this ragdr reads format %3")
                .arg(source)
                .arg(o.value(QStringLiteral("format")).toInt())
                .arg(kFormat)));
    }
    RestoreState s;
    s.id = o.value(QStringLiteral("id")).toString();
    s.kind = o.value(QStringLiteral("kind")).toString();
    s.pid = o.value(QStringLiteral("pid")).toInteger();
    s.host = o.value(QStringLiteral("host")).toString();
    s.actor = o.value(QStringLiteral("actor")).toString();
    s.profilePath = o.value(QStringLiteral("profile")).toString();
    s.region = o.value(QStringLiteral("region")).toString();
    s.database = o.value(QStringLiteral("database")).toString();
    s.server = o.value(QStringLiteral("server")).toString();
    s.backupId = o.value(QStringLiteral("backup")).toString();
    s.backupFile = o.value(QStringLiteral("backup_file")).toString();
    s.staging = o.value(QStringLiteral("staging")).toString();
    s.preRestore = o.value(QStringLiteral("pre_restore")).toString();
    s.liveExisted = o.value(QStringLiteral("live_existed")).toBool(true);
    s.stepMode = o.value(QStringLiteral("step_mode")).toBool();
    const QString phase = o.value(QStringLiteral("phase")).toString();
    for (const auto &p : kPhases) {
        if (phase == QLatin1String(p.name))
            s.phase = p.phase;
    }
    s.step = o.value(QStringLiteral("step")).toString();
    s.fraction = o.value(QStringLiteral("fraction")).toDouble();
    s.detail = o.value(QStringLiteral("detail")).toString();
    s.waiting = o.value(QStringLiteral("waiting")).toString();
    for (const QJsonValue &v : o.value(QStringLiteral("steps")).toArray())
        s.steps.append(StepRecord::fromJson(v.toObject()));
    for (const QJsonValue &v : o.value(QStringLiteral("scaled_down")).toArray()) {
        const QJsonObject d = v.toObject();
        s.scaledDown.append({d.value(QStringLiteral("name")).toString(),
                             d.value(QStringLiteral("replicas_before")).toInt()});
    }
    s.stagingCreated = o.value(QStringLiteral("staging_created")).toBool();
    s.swapStarted = o.value(QStringLiteral("swap_started")).toBool();
    s.swapped = o.value(QStringLiteral("swapped")).toBool();
    s.cleanedUp = o.value(QStringLiteral("cleaned_up")).toBool();
    s.times = RecoveryTimes::fromJson(o.value(QStringLiteral("times")).toObject());
    s.startedAt = fromIso(o.value(QStringLiteral("started_at")));
    s.updatedAt = fromIso(o.value(QStringLiteral("updated_at")));
    s.finishedAt = fromIso(o.value(QStringLiteral("finished_at")));
    s.message = o.value(QStringLiteral("message")).toString();
    s.untouched = o.value(QStringLiteral("untouched")).toString();
    s.evidence = o.value(QStringLiteral("evidence")).toObject();
    return s;
}

} // namespace ragdr::core
