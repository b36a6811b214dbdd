#include "clusteroperations.h"

#include "manifestexport.h"

#include "core/ops/workspace.h"

namespace ragdr::core {

namespace {

struct Target
{
    QString region;
    std::shared_ptr<KubeConnection> connection;
};

// The region's connection, and the deployment named in the profile: ragdr acts only on the
// deployments the profile describes.
Result<Target> resolve(Workspace &ws, const QString &region, const QString &deployment)
{
    const Profile &p = ws.profile();
    if (!deployment.isEmpty()) {
        bool known = false;
        QStringList names;
        for (const DeploymentSpec &d : p.deployments) {
            names.append(d.name);
            known = known || d.name == deployment;
        }
        if (!known) {
            return fail(Error::badInput(
                QStringLiteral("the profile describes no deployment \"%1\" (it has: %2)")
                    .arg(deployment, names.join(QStringLiteral(", ")))));
        }
    }
    auto connection = ws.kube().forRegion(region);
    if (!connection)
        return fail(connection.error());
    return Target{region.isEmpty() ? p.regions.constFirst().name : region, *connection};
}

// Runs fn with an API client for the region, or fails saying what was left as it was.
template<typename Fn>
OperationResult withApi(Workspace &ws,
                        const QString &region,
                        const QString &deployment,
                        const QString &untouched,
                        Fn fn)
{
    auto target = resolve(ws, region, deployment);
    if (!target)
        return OperationResult::failure(target.error().withUntouched(untouched));
    KubeApi api(target->connection);
    return fn(api);
}

OperationSpec spec(const QString &kind,
                   const QString &title,
                   const Profile &p,
                   const QString &region,
                   QJsonObject params,
                   bool journalled = true)
{
    const Region *r = region.isEmpty() ? &p.regions.constFirst() : p.region(region);
    params.insert(QStringLiteral("region"), r ? r->name : region);
    if (r) {
        params.insert(QStringLiteral("context"), r->kube.context);
        params.insert(QStringLiteral("namespace"), r->kube.ns);
    }
    return {kind, title, params, journalled};
}

} // namespace

Operation *ClusterOperations::scale(Workspace &ws,
                                    const QString &region,
                                    const QString &deployment,
                                    int replicas,
                                    std::optional<int> expectedCurrent,
                                    const QString &confirmation)
{
    QJsonObject params{{QStringLiteral("deployment"), deployment},
                       {QStringLiteral("replicas"), replicas}};
    if (expectedCurrent)
        params.insert(QStringLiteral("expected_current"), *expectedCurrent);
    const bool readOnly = ws.profile().readOnly;
    return ws.runner().start(
        spec(QStringLiteral("cluster.scale"),
             QStringLiteral("Scale %1 to %2").arg(deployment).arg(replicas),
             ws.profile(),
             region,
             params),
        [&ws, region, deployment, replicas, expectedCurrent, confirmation, readOnly](
            const Progress &progress) {
            const QString untouched = QStringLiteral("%1 was not changed").arg(deployment);
            if (readOnly)
                return OperationResult::failure(
                    Error::refused(QStringLiteral("the profile is read-only"), untouched));
            if (replicas < 0)
                return OperationResult::failure(
                    Error::badInput(QStringLiteral("replicas must be 0 or more"), untouched));
            if (replicas == 0 && confirmation != deployment) {
                return OperationResult::failure(Error::refused(
                    QStringLiteral("scaling %1 to 0 stops it: confirm by naming it (--confirm %1)")
                        .arg(deployment),
                    untouched));
            }
            return withApi(ws, region, deployment, untouched, [&](KubeApi &api) {
                return DeploymentActions(api).scale(deployment, replicas, expectedCurrent, progress);
            });
        });
}

Operation *ClusterOperations::restart(Workspace &ws,
                                      const QString &region,
                                      const QString &deployment)
{
    const bool readOnly = ws.profile().readOnly;
    return ws.runner()
        .start(spec(QStringLiteral("cluster.restart"),
                    QStringLiteral("Restart %1").arg(deployment),
                    ws.profile(),
                    region,
                    {{QStringLiteral("deployment"), deployment}}),
               [&ws, region, deployment, readOnly](const Progress &progress) {
                   const QString untouched = QStringLiteral("%1 was not changed").arg(deployment);
                   if (readOnly)
                       return OperationResult::failure(
                           Error::refused(QStringLiteral("the profile is read-only"), untouched));
                   return withApi(ws, region, deployment, untouched, [&](KubeApi &api) {
                       return DeploymentActions(api).restart(deployment, progress);
                   });
               });
}

Operation *ClusterOperations::rolloutStatus(Workspace &ws,
                                            const QString &region,
                                            const QString &deployment,
                                            int timeoutSecs)
{
    return ws.runner().start(spec(QStringLiteral("cluster.rollout-status"),
                                  QStringLiteral("Rollout status of %1").arg(deployment),
                                  ws.profile(),
                                  region,
                                  {{QStringLiteral("deployment"), deployment}},
                                  false),
                             [&ws, region, deployment, timeoutSecs](const Progress &progress) {
                                 return withApi(ws, region, deployment, {}, [&](KubeApi &api) {
                                     return DeploymentActions(api).waitForRollout(
                                         deployment,
                                         progress,
                                         timeoutSecs,
                                         QStringLiteral("deployment \"%1\"").arg(deployment));
                                 });
                             });
}

Operation *ClusterOperations::exportManifests(Workspace &ws,
                                              const QString &region,
                                              const QString &dir)
{
    return ws.runner().start(
        spec(QStringLiteral("cluster.export"),
             QStringLiteral("Export manifests to %1").arg(dir),
             ws.profile(),
             region,
             {{QStringLiteral("dir"), dir}}),
        [&ws, region, dir](const Progress &progress) {
            return withApi(ws, region, {}, {}, [&](KubeApi &api) {
                progress.set(0.1,
                             QStringLiteral(
                                 "reading Deployments, Services, ConfigMaps and Secret names"));
                auto exported = ManifestExport::collect(api, progress.cancelToken());
                if (!exported)
                    return OperationResult::failure(exported.error());
                progress.set(0.8, QStringLiteral("writing %1").arg(dir));
                if (auto written = exported->writeTo(dir); !written)
                    return OperationResult::failure(written.error());
                return OperationResult::success(
                    QStringLiteral("exported %1 objects and %2 secret names from %3/%4 to %5")
                        .arg(exported->objects.size())
                        .arg(exported->secrets.size())
                        .arg(exported->context, exported->ns, dir),
                    exported->summary());
            });
        });
}

Operation *ClusterOperations::checkAccess(Workspace &ws,
                                          const QString &region,
                                          const QString &deployment)
{
    return ws.runner()
        .start(spec(QStringLiteral("cluster.access"),
                    QStringLiteral("Check permissions on %1").arg(deployment),
                    ws.profile(),
                    region,
                    {{QStringLiteral("deployment"), deployment}},
                    false),
               [&ws, region, deployment](const Progress &progress) {
                   return withApi(ws, region, deployment, {}, [&](KubeApi &api) {
                       DeploymentActions actions(api);
                       auto scale = actions.mayI(QStringLiteral("update"),
                                                 QStringLiteral("deployments"),
                                                 QStringLiteral("scale"),
                                                 deployment,
                                                 progress.cancelToken());
                       if (!scale)
                           return OperationResult::failure(scale.error());
                       auto restart = actions.mayI(QStringLiteral("patch"),
                                                   QStringLiteral("deployments"),
                                                   QString(),
                                                   deployment,
                                                   progress.cancelToken());
                       if (!restart)
                           return OperationResult::failure(restart.error());
                       return OperationResult::success(
                           scale->allowed && restart->allowed
                               ? QStringLiteral("allowed to scale and restart %1").arg(deployment)
                               : QStringLiteral("not allowed: %1")
                                     .arg(scale->allowed ? restart->describe : scale->describe),
                           {{QStringLiteral("scale"), scale->allowed},
                            {QStringLiteral("restart"), restart->allowed},
                            {QStringLiteral("reason"),
                             scale->allowed ? restart->reason : scale->reason},
                            {QStringLiteral("context"), api.connection().access().context},
                            {QStringLiteral("namespace"), api.connection().ns()}});
                   });
               });
}

} // namespace ragdr::core
