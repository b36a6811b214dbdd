#pragma once

#include "httpclient.h"

#include "core/profile/profile.h"

namespace ragdr::core {

// The service's own API in one region, as the profile describes it: the requests the health
// checks send to /status, /metrics and /query.
class ServiceApi final
{
public:
    ServiceApi(const HealthPolicy &policy, const ServiceEndpoint &endpoint);

    const ServiceEndpoint &endpoint() const { return m_endpoint; }
    HttpCall status() const;
    HttpCall metrics() const;
    HttpCall query(const QString &text, int topK) const;

    // The endpoints of these regions; the regions without one are added to *without.
    static QList<ServiceEndpoint> endpointsFor(const HealthPolicy &policy,
                                               const QStringList &regions,
                                               QStringList *without);

private:
    HttpCall call(const QString &path) const;

    HealthPolicy m_policy;
    ServiceEndpoint m_endpoint;
};

} // namespace ragdr::core
