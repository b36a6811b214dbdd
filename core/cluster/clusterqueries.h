#pragma once

#include "clusterrows.h"
#include "kubeapi.h"

#include "core/profile/profile.h"

namespace ragdr::core {

// Read-only look-ups for the CLI and the tests, with the same row derivation as the console.
class ClusterQueries final
{
public:
    // The pods of the profile's deployments: one label selector that covers them all when they
    // are all "key=value" on the same key ("app in (rag-api,rag-worker)"), else each deployment's.
    static QStringList podSelectors(const Profile &profile);

    static Result<QList<PodRow>> pods(KubeApi &api,
                                      const QStringList &selectors,
                                      const CancelToken &cancel);
    static Result<QList<DeploymentRow>> deployments(KubeApi &api,
                                                    const Profile &profile,
                                                    const CancelToken &cancel);
    // involvedObject: "" for the whole namespace, or "pod/NAME", "deployment/NAME".
    static Result<QList<EventRow>> events(KubeApi &api,
                                          const QString &involvedObject,
                                          const CancelToken &cancel);
};

} // namespace ragdr::core
