#pragma once

#include "fieldselector.h"
#include "httpconnection.h"
#include "kubeclusterconfig.h"
#include "kubecontroller.h"
#include "kubestore.h"
#include "labelselector.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <optional>

namespace ragdr::sandbox {

// The HTTP face of one simulated cluster, speaking kube-apiserver's protocol as kubectl 1.32
// sees it (see reference/kubectl-wire.md): /version, aggregated and legacy discovery, list (JSON
// or Table, paged, label and field selectors), get, watch, create, update, patch (merge,
// strategic merge, JSON patch), delete, the scale and log subresources and
// SelfSubjectAccessReview, behind a bearer token. Tables come from KubeTable (core's printers where the console derives rows too), so the
// rows kubectl prints here are the rows the console derives.
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
    // RBAC that says no: "verb:resource[/subresource]", "*" for any verb or resource.
    void setDenied(const QStringList &rules) { m_denied = rules; }
    QStringList denied() const { return m_denied; }
    double errorShare() const { return m_errorShare; }
    // The watch-stall fault: open watches go silent, and new ones open and stay silent. Healing
    // it leaves the silent ones as they are (a broken connection does not come back).
    void setWatchStall(bool on);
    // Requests answered so far, for tests that want to know how hard a client pushes.
    qint64 requests() const { return m_requests; }

private:
    struct ResourceInfo
    {
        KubeResource resource;
        QString group;
        QString version;
        QString plural;
        QString kind;
        bool namespaced = true;

        QString qualified() const;  // "deployments.apps", "pods": how errors name the resource
        QString apiVersion() const; // "apps/v1", "v1"
    };
    struct Target
    {
        ResourceInfo info;
        QString ns;
        QString name;
        QString subresource;
    };

    void route(HttpConnection *connection, const HttpRequest &request);
    std::optional<Target> parseResourcePath(const QStringList &segments) const;
    bool isDenied(const QString &verb, const Target &target) const;

    struct Selectors
    {
        LabelSelector labels;
        FieldSelector fields;
    };
    // Answers 400 and returns nothing when either selector does not parse.
    std::optional<Selectors> parseSelectors(HttpConnection *connection,
                                            const HttpRequest &request,
                                            const Target &target);

    void list(HttpConnection *connection, const HttpRequest &request, const Target &target);
    void watch(HttpConnection *connection, const HttpRequest &request, const Target &target);
    void get(HttpConnection *connection, const HttpRequest &request, const Target &target);
    void create(HttpConnection *connection, const HttpRequest &request, const Target &target);
    void replace(HttpConnection *connection, const HttpRequest &request, const Target &target);
    void patch(HttpConnection *connection, const HttpRequest &request, const Target &target);
    void remove(HttpConnection *connection, const HttpRequest &request, const Target &target);
    void scale(HttpConnection *connection, const HttpRequest &request, const Target &target);
    void logs(HttpConnection *connection, const HttpRequest &request, const Target &target);
    void accessReview(HttpConnection *connection, const HttpRequest &request);

    // Stores a changed object the way an update does: status and identity kept, the generation
    // raised when the spec changed, a stale resourceVersion refused with 409.
    void storeUpdate(HttpConnection *connection,
                     const Target &target,
                     const QJsonObject &current,
                     QJsonObject changed,
                     const QString &expectedResourceVersion);
    QJsonObject scaleOf(const QJsonObject &deployment) const;

    void sendJson(HttpConnection *connection,
                  int code,
                  const QJsonObject &body,
                  const QByteArray &contentType = "application/json");
    void sendStatus(HttpConnection *connection,
                    int code,
                    const QString &reason,
                    const QString &message,
                    const QJsonObject &details = {});
    void notFound(HttpConnection *connection, const Target &target);

    KubeStore &m_store;
    KubeController &m_controller;
    KubeClusterConfig m_config;
    double m_errorShare = 0;
    QStringList m_denied;
    bool m_watchStall = false;
    qint64 m_requests = 0;
};

} // namespace ragdr::sandbox
