#pragma once

#include "httpconnection.h"

namespace ragdr::sandbox {

// What kubectl reads before anything else: /version, the health endpoints, and discovery, both
// aggregated (apidiscovery.k8s.io v2 and v2beta1) and the legacy documents, for the groups the
// drill serves (core v1, apps/v1, authorization.k8s.io/v1), with the verbs, short names,
// categories and subresources kubectl's completion and `get all` rely on.
class KubeDiscovery final
{
public:
    // Answers and returns true when the path is one of these; port: the server's, for
    // serverAddressByClientCIDRs.
    static bool serve(HttpConnection *connection, const HttpRequest &request, int port);
};

} // namespace ragdr::sandbox
