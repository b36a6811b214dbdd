#include "serviceapi.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace ragdr::core {

ServiceApi::ServiceApi(const HealthPolicy &policy, const ServiceEndpoint &endpoint)
    : m_policy(policy)
    , m_endpoint(endpoint)
{}

HttpCall ServiceApi::call(const QString &path) const
{
    HttpCall c;
    QUrl url(m_endpoint.url);
    QString base = url.path();
    if (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path);
    c.url = url;
    c.caFile = m_endpoint.ca;
    c.timeoutMs = m_policy.timeoutSecs * 1000;
    return c;
}

HttpCall ServiceApi::status() const
{
    HttpCall c = call(m_policy.statusPath);
    c.accept = "application/health+json, application/json;q=0.9, */*;q=0.1";
    return c;
}

HttpCall ServiceApi::metrics() const
{
    HttpCall c = call(m_policy.metricsPath);
    c.accept = "text/plain;version=0.0.4;q=1, */*;q=0.1";
    return c;
}

HttpCall ServiceApi::query(const QString &text, int topK) const
{
    HttpCall c = call(m_policy.queryPath);
    c.method = "POST";
    c.accept = "application/json";
    c.contentType = "application/json";
    c.body = QJsonDocument(
                 QJsonObject{{QStringLiteral("query"), text}, {QStringLiteral("top_k"), topK}})
                 .toJson(QJsonDocument::Compact);
    return c;
}

QList<ServiceEndpoint> ServiceApi::endpointsFor(const HealthPolicy &policy,
                                                const QStringList &regions,
                                                QStringList *without)
{
    QList<ServiceEndpoint> out;
    for (const QString &region : regions) {
        if (const ServiceEndpoint *e = policy.endpoint(region))
            out.append(*e);
        else if (without)
            without->append(region);
    }
    return out;
}

} // namespace ragdr::core
