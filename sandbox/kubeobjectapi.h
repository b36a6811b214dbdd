#pragma once

#include "fieldselector.h"
#include "httpconnection.h"
#include "kubecontroller.h"
#include "kuberesourcepath.h"
#include "kubestore.h"
#include "labelselector.h"

#include <QJsonObject>
#include <QObject>

#include <optional>

namespace ragdr::sandbox {

// The verbs on collections and their objects, as kube-apiserver answers them to kubectl: list
// (JSON, Table or metadata only, paged with limit/continue, label and field selectors), watch
// (from a resourceVersion or the current state, bookmarks, Tables), get, create (with API
// defaults), update, patch (merge, strategic merge, JSON patch) and delete (graceful for pods,
// background propagation for the rest). Status stays the controllers'.
class KubeObjectApi final : public QObject
{
    Q_OBJECT

public:
    KubeObjectApi(KubeStore &store, KubeController &controller, QObject *parent = nullptr);

    void list(HttpConnection *connection,
              const HttpRequest &request,
              const KubeResourcePath &target);
    void watch(HttpConnection *connection,
               const HttpRequest &request,
               const KubeResourcePath &target);
    void get(HttpConnection *connection, const HttpRequest &request, const KubeResourcePath &target);
    void create(HttpConnection *connection,
                const HttpRequest &request,
                const KubeResourcePath &target);
    void replace(HttpConnection *connection,
                 const HttpRequest &request,
                 const KubeResourcePath &target);
    void patch(HttpConnection *connection,
               const HttpRequest &request,
               const KubeResourcePath &target);
    void remove(HttpConnection *connection,
                const HttpRequest &request,
                const KubeResourcePath &target);

    // The watch-stall fault: open watches go silent, and new ones open and stay silent. Healing
    // it leaves the silent ones as they are (a broken connection does not come back).
    void setWatchStall(bool on);

private:
    struct Selectors
    {
        LabelSelector labels;
        FieldSelector fields;
    };
    // Answers 400 and returns nothing when either selector does not parse.
    std::optional<Selectors> parseSelectors(HttpConnection *connection,
                                            const HttpRequest &request,
                                            const KubeResourcePath &target);
    // Stores a changed object the way an update does: status and identity kept, the generation
    // raised when the spec changed, a stale resourceVersion refused with 409.
    void storeUpdate(HttpConnection *connection,
                     const KubeResourcePath &target,
                     const QJsonObject &current,
                     QJsonObject changed,
                     const QString &expectedResourceVersion);

    KubeStore &m_store;
    KubeController &m_controller;
    bool m_watchStall = false;
};

} // namespace ragdr::sandbox
