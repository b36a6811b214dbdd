#pragma once

#include "httpconnection.h"
#include "kubecontroller.h"
#include "kuberesourcepath.h"
#include "kubestore.h"

#include <QJsonObject>
#include <QObject>

namespace ragdr::sandbox {

// The subresources kubectl and the console use besides status: a deployment's scale
// (autoscaling/v1 Scale: get, update, patch, with resourceVersion preconditions) and a pod's log
// (tail, since, timestamps, previous, follow as a chunked stream that ends with the container).
class KubeSubresourceApi final : public QObject
{
    Q_OBJECT

public:
    KubeSubresourceApi(KubeStore &store, KubeController &controller, QObject *parent = nullptr);

    void scale(HttpConnection *connection,
               const HttpRequest &request,
               const KubeResourcePath &target);
    void logs(HttpConnection *connection,
              const HttpRequest &request,
              const KubeResourcePath &target);

private:
    QJsonObject scaleOf(const QJsonObject &deployment) const;

    KubeStore &m_store;
    KubeController &m_controller;
};

} // namespace ragdr::sandbox
