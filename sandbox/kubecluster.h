#pragma once

#include "httpserver.h"
#include "kubeapiserver.h"
#include "kubeclusterconfig.h"
#include "kubecontroller.h"
#include "kubestore.h"

#include "core/base/error.h"

#include <QJsonObject>
#include <QObject>
#include <QSslConfiguration>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace ragdr::sandbox {

// One region's simulated Kubernetes: its objects, controllers and HTTPS API server, and the
// faults injected into it. It lives on a thread of its own, so that one region's 5,000-pod
// rollout does not slow the other's API.
class KubeCluster final : public QObject
{
    Q_OBJECT

public:
    KubeCluster(KubeClusterConfig config, QSslConfiguration tls);
    ~KubeCluster() override;

    // On the cluster's thread: seed the workloads, then listen.
    core::Status start();

    // The faults a drill can inject (see `ragdr-drill fault`); BadInput for an unknown one.
    static QStringList faultNames();
    core::Status inject(const QString &fault);
    void heal();

    QJsonObject status() const;
    const KubeClusterConfig &config() const { return m_config; }

private:
    KubeClusterConfig m_config;
    QSslConfiguration m_tls;
    std::unique_ptr<KubeStore> m_store;
    std::unique_ptr<KubeController> m_controller;
    std::unique_ptr<KubeApiServer> m_api;
    std::unique_ptr<HttpServer> m_http;
    QStringList m_faults;
    QTimer m_expireTimer;
};

} // namespace ragdr::sandbox
