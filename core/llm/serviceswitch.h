#pragma once

#include "core/cluster/kubeapi.h"
#include "core/ops/operationresult.h"
#include "core/ops/progress.h"
#include "core/profile/profile.h"

#include <QJsonObject>

namespace ragdr::core {

// "Switch to backup endpoints" (runbook §4.3) as the service itself sees it: rag-api and
// rag-worker read the LLM endpoint from a ConfigMap key the profile names (llm.service_config).
// A switch patches that key (recording the value it replaces in an annotation), restarts both
// deployments as kubectl rollout restart does, waits for the rollouts and probes the endpoint
// now configured; switching back restores the recorded value the same way. Blocking, on an
// operation's thread.
class ServiceSwitch final
{
public:
    // The annotation on the ConfigMap that remembers what a switch replaced.
    static QString previousAnnotation(const QString &key);

    struct State
    {
        QString context;
        QString ns;
        QString configMap;
        QString key;
        QString url;         // what the service reads now
        QString endpoint;    // the profile's endpoint with that URL; empty: none
        QString previousUrl; // what the last switch replaced; empty: no switch recorded
        QString previousEndpoint;

        QJsonObject toJson() const;
    };

    ServiceSwitch(KubeApi &api, const Profile &profile);

    Result<State> read(const CancelToken &cancel) const;
    // target: an endpoint of the profile; nullptr switches back.
    OperationResult run(const LlmEndpoint *target, const Progress &progress);

private:
    QString endpointFor(const QString &url) const;

    KubeApi &m_api;
    const Profile &m_profile;
};

} // namespace ragdr::core
