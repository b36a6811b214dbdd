#pragma once

#include <QByteArray>
#include <QString>

namespace ragdr::sandbox {

// What a kubectl request's Accept header asks for, as kube-apiserver reads it.
class KubeMediaType final
{
public:
    // The meta.k8s.io Table version the client prefers ("v1"), or "" for plain JSON objects.
    static QString tableVersion(const QByteArray &accept);
    // "v2" or "v2beta1" for aggregated discovery, "" for the legacy documents.
    static QByteArray discoveryVersion(const QByteArray &accept);
    // Metadata only (PartialObjectMetadataList).
    static bool wantsMetadataOnly(const QByteArray &accept)
    {
        return accept.contains("as=PartialObjectMetadataList");
    }
};

} // namespace ragdr::sandbox
