#pragma once

#include "kubeclusterconfig.h"
#include "kubestore.h"

namespace ragdr::sandbox {

// What a simulated cluster holds before anyone touches it: its namespaces, a Deployment per
// workload of its configuration, and what a real rag-prod namespace holds besides (a Service per
// workload with a port, the service's ConfigMap, a Secret), so that the console's manifest
// export has something to save. What exists already is left as it is.
class ClusterSeed final
{
public:
    static void seed(KubeStore &store, const KubeClusterConfig &config);

private:
    static void seedWorkloads(KubeStore &store, const KubeClusterConfig &config);
    // The Secret's values are random, made here, and only ever read by the API; its key names
    // show in metadata.managedFields as a real API server records them.
    static void seedConfiguration(KubeStore &store, const KubeClusterConfig &config);
};

} // namespace ragdr::sandbox
