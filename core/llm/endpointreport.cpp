#include "endpointreport.h"

namespace ragdr::core {

namespace {

constexpr struct
{
    EndpointReport::State state;
    const char *name;
} kStates[] = {
    {EndpointReport::State::Unknown, "unknown"},
    {EndpointReport::State::Ok, "ok"},
    {EndpointReport::State::Failed, "failed"},
    {EndpointReport::State::CoolingDown, "cooling-down"},
    {EndpointReport::State::Standby, "standby"},
};

QString isoOrEmpty(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

} // namespace

QString EndpointReport::stateName(State state)
{
    for (const auto &s : kStates) {
        if (s.state == state)
            return QString::fromLatin1(s.name);
    }
    return QStringLiteral("unknown");
}

QJsonObject EndpointReport::toJson() const
{
    QJsonObject json{{QStringLiteral("name"), name},
                     {QStringLiteral("url"), url},
                     {QStringLiteral("model"), model},
                     {QStringLiteral("embedding_model"), embeddingModel},
                     {QStringLiteral("key_name"), keyName},
                     {QStringLiteral("key"), keyMask},
                     {QStringLiteral("state"), stateName(state)},
                     {QStringLiteral("live"), live},
                     {QStringLiteral("checked_at"), isoOrEmpty(checkedAt)},
                     {QStringLiteral("latency_ms"), latencyMs},
                     {QStringLiteral("embedding_dimension"), embeddingDimension},
                     {QStringLiteral("database_dimension"), databaseDimension},
                     {QStringLiteral("steps"), steps}};
    if (failure.isFailure()) {
        json.insert(QStringLiteral("failure"), failure.toJson());
        json.insert(QStringLiteral("failed_step"), failedStep);
    }
    if (cooledUntil.isValid())
        json.insert(QStringLiteral("cooled_until"), isoOrEmpty(cooledUntil));
    return json;
}

EndpointReport EndpointReport::fromJson(const QJsonObject &json)
{
    EndpointReport r;
    r.name = json.value(QLatin1String("name")).toString();
    r.url = json.value(QLatin1String("url")).toString();
    r.model = json.value(QLatin1String("model")).toString();
    r.embeddingModel = json.value(QLatin1String("embedding_model")).toString();
    r.keyName = json.value(QLatin1String("key_name")).toString();
    r.keyMask = json.value(QLatin1String("key")).toString();
    const QString state = json.value(QLatin1String("state")).toString();
    for (const auto &s : kStates) {
        if (state == QLatin1String(s.name))
            r.state = s.state;
    }
    r.live = json.value(QLatin1String("live")).toBool();
    r.checkedAt = QDateTime::fromString(json.value(QLatin1String("checked_at")).toString(),
                                        Qt::ISODateWithMs);
    r.latencyMs = json.value(QLatin1String("latency_ms")).toInteger(-1);
    r.embeddingDimension = json.value(QLatin1String("embedding_dimension")).toInt(-1);
    r.databaseDimension = json.value(QLatin1String("database_dimension")).toInt(-1);
    r.steps = json.value(QLatin1String("steps")).toArray();
    r.failure = GeminiFailure::fromJson(json.value(QLatin1String("failure")).toObject());
    if (!json.contains(QLatin1String("failure")))
        r.failure = GeminiFailure();
    r.failedStep = json.value(QLatin1String("failed_step")).toString();
    r.cooledUntil = QDateTime::fromString(json.value(QLatin1String("cooled_until")).toString(),
                                          Qt::ISODateWithMs);
    return r;
}

QString EndpointReport::summary() const
{
    switch (state) {
    case State::Ok: {
        QString text = QStringLiteral("answers: generate %1 ms").arg(latencyMs);
        if (embeddingDimension > 0)
            text += QStringLiteral(", embeddings of %1 values").arg(embeddingDimension);
        return text;
    }
    case State::Failed:
        return QStringLiteral("%1 at %2: %3").arg(failure.className(), failedStep, failure.message);
    case State::CoolingDown: {
        const QString until = QStringLiteral("cooling down until %1 UTC")
                                  .arg(cooledUntil.toUTC().toString(QStringLiteral("HH:mm:ss")));
        return failure.isFailure()
                   ? QStringLiteral("%1 at %2: %3; %4")
                         .arg(failure.className(), failedStep, failure.message, until)
                   : QStringLiteral("failed recently; ") + until;
    }
    case State::Standby:
        return QStringLiteral("standby: not probed while an earlier endpoint answers");
    case State::Unknown:
        break;
    }
    return QStringLiteral("not checked");
}

} // namespace ragdr::core
