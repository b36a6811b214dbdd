#include "llmoperations.h"

#include "endpointpool.h"
#include "llmcheck.h"
#include "providerstatus.h"
#include "serviceswitch.h"

#include "core/ops/workspace.h"

#include <QJsonArray>

namespace ragdr::core {

namespace {

const Region *regionOf(const Profile &p, const QString &region)
{
    return region.isEmpty() ? &p.regions.constFirst() : p.region(region);
}

// Runs fn with a client of the region's API server, or fails saying what was left as it was.
template<typename Fn>
OperationResult withApi(Workspace &ws, const QString &region, const QString &untouched, Fn fn)
{
    auto connection = ws.kube().forRegion(region);
    if (!connection)
        return OperationResult::failure(connection.error().withUntouched(untouched));
    KubeApi api(*connection);
    return fn(api);
}

QJsonObject regionParams(const Profile &p, const QString &region, QJsonObject params)
{
    if (const Region *r = regionOf(p, region)) {
        params.insert(QStringLiteral("region"), r->name);
        params.insert(QStringLiteral("context"), r->kube.context);
        params.insert(QStringLiteral("namespace"), r->kube.ns);
    }
    return params;
}

} // namespace

Operation *LlmOperations::check(Workspace &ws,
                                std::shared_ptr<EndpointPool> pool,
                                const QString &region,
                                const QString &endpoint,
                                bool journalled)
{
    if (!pool)
        pool = std::make_shared<EndpointPool>(ws.profile().llm.cooldownSecs);
    QJsonObject params;
    if (!endpoint.isEmpty())
        params.insert(QStringLiteral("endpoint"), endpoint);
    const Profile &profile = ws.profile();
    return ws.runner().start({QStringLiteral("llm.check"),
                              endpoint.isEmpty() ? QStringLiteral("Check the LLM endpoints")
                                                 : QStringLiteral("Check %1").arg(endpoint),
                              regionParams(profile, region, params),
                              journalled},
                             [&profile, pool, region, endpoint](const Progress &progress) {
                                 return LlmCheck::run(profile, {region, endpoint}, *pool, progress);
                             });
}

Operation *LlmOperations::providerStatus(Workspace &ws)
{
    const Profile &profile = ws.profile();
    return ws.runner()
        .start({QStringLiteral("llm.provider-status"),
                QStringLiteral("Read the provider's status"),
                {},
                false},
               [&profile](const Progress &progress) {
                   auto incidents = ProviderStatus::fetch(profile, progress.cancelToken());
                   if (!incidents)
                       return OperationResult::failure(incidents.error());
                   QJsonArray json;
                   for (const ProviderStatus::Incident &i : std::as_const(*incidents))
                       json.append(ProviderStatus::toJson(i));
                   return OperationResult::success(incidents->isEmpty()
                                                       ? QStringLiteral("no current incident")
                                                       : QStringLiteral("%1 current incident(s)")
                                                             .arg(incidents->size()),
                                                   {{QStringLiteral("feed"), profile.llm.statusFeed},
                                                    {QStringLiteral("incidents"), json}});
               });
}

Operation *LlmOperations::serviceState(Workspace &ws, const QString &region)
{
    const Profile &profile = ws.profile();
    return ws.runner()
        .start({QStringLiteral("llm.service-state"),
                QStringLiteral("Read the service's LLM endpoint"),
                regionParams(profile, region, {}),
                false},
               [&ws, &profile, region](const Progress &progress) {
                   return withApi(ws, region, {}, [&](KubeApi &api) {
                       auto state = ServiceSwitch(api, profile).read(progress.cancelToken());
                       if (!state)
                           return OperationResult::failure(state.error());
                       return OperationResult::success(QStringLiteral("the service reads %1 = %2%3")
                                                           .arg(state->key,
                                                                state->url,
                                                                state->endpoint.isEmpty()
                                                                    ? QString()
                                                                    : QStringLiteral(" (%1)").arg(
                                                                        state->endpoint)),
                                                       state->toJson());
                   });
               });
}

Operation *LlmOperations::switchService(Workspace &ws,
                                        const QString &region,
                                        const QString &endpoint,
                                        const QString &confirmation)
{
    const Profile &profile = ws.profile();
    const Region *r = regionOf(profile, region);
    const QString title = endpoint.isEmpty()
                              ? QStringLiteral("Switch the service back")
                              : QStringLiteral("Switch the service to %1").arg(endpoint);
    return ws.runner().start(
        {QStringLiteral("llm.switch"),
         title,
         regionParams(profile,
                      region,
                      {{QStringLiteral("endpoint"),
                        endpoint.isEmpty() ? QStringLiteral("(back)") : endpoint}}),
         true},
        [&ws, &profile, region, endpoint, confirmation, r](const Progress &progress) {
            const QString untouched = QStringLiteral("the service's configuration was not changed");
            if (!r)
                return OperationResult::failure(
                    Error::badInput(QStringLiteral("the profile has no region \"%1\"").arg(region),
                                    untouched));
            if (profile.readOnly)
                return OperationResult::failure(
                    Error::refused(QStringLiteral("the profile is read-only"), untouched));
            const LlmEndpoint *target = nullptr;
            if (!endpoint.isEmpty()) {
                QStringList names;
                for (const LlmEndpoint &e : profile.llmEndpoints) {
                    names.append(e.name);
                    if (e.name == endpoint)
                        target = &e;
                }
                if (!target)
                    return OperationResult::failure(
                        Error::badInput(QStringLiteral(
                                            "the profile has no LLM endpoint \"%1\" (it has: %2)")
                                            .arg(endpoint, names.join(QStringLiteral(", "))),
                                        untouched));
            }
            if (confirmation != r->kube.context) {
                QStringList deployments;
                for (const DeploymentSpec &d : profile.deployments)
                    deployments.append(d.name);
                return OperationResult::failure(Error::refused(
                    QStringLiteral("switching restarts %1 in namespace %2 of context %3: confirm "
                                   "by naming the context (--confirm %3)")
                        .arg(deployments.join(QStringLiteral(" and ")), r->kube.ns, r->kube.context),
                    untouched));
            }
            return withApi(ws, region, untouched, [&](KubeApi &api) {
                return ServiceSwitch(api, profile).run(target, progress);
            });
        });
}

} // namespace ragdr::core
