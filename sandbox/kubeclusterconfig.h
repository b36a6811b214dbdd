#pragma once

#include "core/base/error.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace ragdr::sandbox {

// A workload the simulated cluster runs from the start: one of the profile's deployments, with
// what the sandbox needs to run it (container, image, the kind of log lines it writes).
struct KubeWorkload
{
    QString name;
    QJsonObject matchLabels; // the profile's selector, e.g. {"app": "rag-api"}
    int replicas = 1;
    QString role;      // "api" or "worker": which faults (api-crashloop, worker-down) reach it
    QString container; // container name
    QString image;
    int port = 0; // container port, 0 for none
    QString logs; // "fastapi" or "worker"

    QJsonObject toJson() const;
    static KubeWorkload fromJson(const QJsonObject &json);
};

// One region's simulated cluster: one API server, one kubeconfig context.
struct KubeClusterConfig
{
    QString name;    // cluster name in the kubeconfig
    QString context; // the profile's kube.context
    QString user;    // the kubeconfig user the token belongs to
    QString token;   // bearer token the server requires
    QString ns;      // the profile's kube.namespace
    quint16 port = 0;
    int index = 0; // pod IP range and node names differ per region
    int nodes = 3;
    int tickMs = 600;
    QList<KubeWorkload> workloads;

    QJsonObject toJson() const;
    static KubeClusterConfig fromJson(const QJsonObject &json);
};

// What `ragdr-drill serve` runs: every region's cluster, their TLS identity and the control
// endpoint through which `ragdr-drill fault`/`heal` reach them. Written by `up` to
// DIR/kube/serve.json, readable only by its owner (it holds the tokens).
struct KubeServeConfig
{
    QList<KubeClusterConfig> clusters;
    QString certificateFile;
    QString keyFile;
    quint16 controlPort = 0;
    QString controlToken;
    QJsonObject services; // DrillServicesConfig: the simulated RAG API and webhook receiver

    QJsonObject toJson() const;
    static core::Result<KubeServeConfig> fromJson(const QJsonObject &json);
};

} // namespace ragdr::sandbox
