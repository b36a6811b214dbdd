#pragma once

#include "httpconnection.h"
#include "kubeclusterconfig.h"
#include "kubecontroller.h"
#include "kubeobjectapi.h"
#include "kuberbac.h"
#include "kubestore.h"
#include "kubesubresourceapi.h"

#include <QObject>
#include <QStringList>

namespace ragdr::sandbox {

// The HTTP face of one simulated cluster, speaking kube-apiserver's protocol as kubectl 1.32
// sees it (see reference/kubectl-wire.md): behind a bearer token, it routes each request to
// discovery (KubeDiscovery), SelfSubjectAccessReview (KubeAccessReview), the verbs on objects
// (KubeObjectApi) or their scale and log subresources (KubeSubresourceApi), after the drill's
// RBAC (KubeRbac) and its injected server errors have had their say. Tables come from KubeTable
// (core's printers where the console derives rows too), so the rows kubectl prints here are the
// rows the console derives.
class KubeApiServer final : public QObject
{
    Q_OBJECT

public:
    KubeApiServer(KubeStore &store,
                  KubeController &controller,
                  KubeClusterConfig config,
                  QObject *parent = nullptr);

    void handle(HttpConnection *connection, const HttpRequest &request);

    // The apiserver-errors fault: this share of API requests fails with 500.
    void setErrorShare(double share) { m_errorShare = share; }
    double errorShare() const { return m_errorShare; }
    // RBAC that says no: "verb:resource[/subresource]", "*" for any verb or resource.
    void setDenied(const QStringList &rules) { m_rbac.setDenied(rules); }
    QStringList denied() const { return m_rbac.denied(); }
    // The watch-stall fault (KubeObjectApi::setWatchStall).
    void setWatchStall(bool on) { m_objects.setWatchStall(on); }
    // Requests answered so far, for tests that want to know how hard a client pushes.
    qint64 requests() const { return m_requests; }

private:
    void route(HttpConnection *connection, const HttpRequest &request);

    KubeStore &m_store;
    KubeClusterConfig m_config;
    KubeObjectApi m_objects;
    KubeSubresourceApi m_subresources;
    KubeRbac m_rbac;
    double m_errorShare = 0;
    qint64 m_requests = 0;
};

} // namespace ragdr::sandbox
