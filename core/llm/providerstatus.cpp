#include "providerstatus.h"

#include "geminirequest.h"
#include "geminitransport.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ragdr::core {

namespace {

QDateTime when(const QJsonValue &v)
{
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

} // namespace

Result<QList<ProviderStatus::Incident>> ProviderStatus::parse(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return fail(Error::failed(
            QStringLiteral("the status feed is not JSON: %1").arg(error.errorString())));
    QList<Incident> current;
    if (doc.isArray()) {
        for (const QJsonValue &v : doc.array()) {
            const QJsonObject o = v.toObject();
            if (o.contains(QLatin1String("end")) && !o.value(QLatin1String("end")).isNull())
                continue;
            const QJsonObject recent = o.value(QLatin1String("most_recent_update")).toObject();
            current.append({o.value(QLatin1String("external_desc")).toString(),
                            o.value(QLatin1String("status_impact")).toString(),
                            recent.value(QLatin1String("text")).toString().simplified(),
                            when(o.value(QLatin1String("begin")))});
        }
        return current;
    }
    const QJsonArray incidents = doc.object().value(QLatin1String("incidents")).toArray();
    if (!doc.object().contains(QLatin1String("incidents")))
        return fail(Error::failed(QStringLiteral("the status feed is neither Google Cloud's "
                                                 "incidents.json nor a Statuspage feed")));
    for (const QJsonValue &v : incidents) {
        const QJsonObject o = v.toObject();
        const QString status = o.value(QLatin1String("status")).toString();
        if (status == QLatin1String("resolved") || status == QLatin1String("postmortem"))
            continue;
        const QJsonObject latest
            = o.value(QLatin1String("incident_updates")).toArray().first().toObject();
        current.append({o.value(QLatin1String("name")).toString(),
                        status,
                        latest.value(QLatin1String("body")).toString().simplified(),
                        when(o.value(QLatin1String("created_at")))});
    }
    return current;
}

Result<QList<ProviderStatus::Incident>> ProviderStatus::fetch(const Profile &profile,
                                                              const CancelToken &cancel)
{
    if (profile.llm.statusFeed.isEmpty())
        return QList<Incident>();
    GeminiRequest request;
    request.url = QUrl(profile.llm.statusFeed);
    request.timeoutMs = 10000;
    // A private CA an endpoint trusts (a proxy's, the drill's) may sign the feed's host too.
    for (const LlmEndpoint &e : profile.llmEndpoints) {
        if (!e.caFile.isEmpty() && !request.caFiles.contains(e.caFile))
            request.caFiles.append(e.caFile);
    }
    const GeminiReply reply = GeminiTransport::instance()->call(request, cancel);
    if (reply.cancelled)
        return fail(Error::cancelled());
    if (reply.httpStatus != 200) {
        return fail(Error::failed(QStringLiteral("the status feed %1 could not be read: %2")
                                      .arg(profile.llm.statusFeed,
                                           reply.httpStatus
                                               ? QStringLiteral("HTTP %1").arg(reply.httpStatus)
                                               : reply.errorString)));
    }
    return parse(reply.body);
}

QJsonObject ProviderStatus::toJson(const Incident &incident)
{
    return {{QStringLiteral("title"), incident.title},
            {QStringLiteral("status"), incident.status},
            {QStringLiteral("update"), incident.update},
            {QStringLiteral("began"),
             incident.began.isValid() ? incident.began.toUTC().toString(Qt::ISODate) : QString()}};
}

} // namespace ragdr::core
