#pragma once

#include "httpconnection.h"
#include "kuberesourcepath.h"

#include <QJsonObject>

namespace ragdr::sandbox {

// kube-apiserver's answers: a JSON object, or a metav1.Status failure with its reason and
// details, worded as kube-apiserver words them (kubectl prints them as they are).
class KubeApiReply final
{
public:
    static void json(HttpConnection *connection,
                     int code,
                     const QJsonObject &body,
                     const QByteArray &contentType = "application/json");
    static void status(HttpConnection *connection,
                       int code,
                       const QString &reason,
                       const QString &message,
                       const QJsonObject &details = {});
    // 404 for an object: deployments.apps "x" not found.
    static void notFound(HttpConnection *connection, const KubeResourcePath &target);
    // 404 for a path the server does not serve.
    static void notFound(HttpConnection *connection);
    static void methodNotAllowed(HttpConnection *connection);
};

} // namespace ragdr::sandbox
