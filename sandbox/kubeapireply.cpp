#include "kubeapireply.h"

#include <QJsonDocument>

namespace ragdr::sandbox {

void KubeApiReply::json(HttpConnection *connection,
                        int code,
                        const QJsonObject &body,
                        const QByteArray &contentType)
{
    connection->respond(code, contentType, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void KubeApiReply::status(HttpConnection *connection,
                          int code,
                          const QString &reason,
                          const QString &message,
                          const QJsonObject &details)
{
    QJsonObject status{{QStringLiteral("kind"), QStringLiteral("Status")},
                       {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                       {QStringLiteral("metadata"), QJsonObject()},
                       {QStringLiteral("status"), QStringLiteral("Failure")},
                       {QStringLiteral("message"), message},
                       {QStringLiteral("reason"), reason},
                       {QStringLiteral("code"), code}};
    if (!details.isEmpty())
        status.insert(QStringLiteral("details"), details);
    json(connection, code, status);
}

void KubeApiReply::notFound(HttpConnection *connection, const KubeResourcePath &target)
{
    const QString qualified = target.info.qualified();
    QJsonObject details{{QStringLiteral("name"), target.name},
                        {QStringLiteral("kind"), target.info.plural}};
    if (!target.info.group.isEmpty())
        details.insert(QStringLiteral("group"), target.info.group);
    status(connection,
           404,
           QStringLiteral("NotFound"),
           QStringLiteral("%1 \"%2\" not found").arg(qualified, target.name),
           details);
}

void KubeApiReply::notFound(HttpConnection *connection)
{
    status(connection,
           404,
           QStringLiteral("NotFound"),
           QStringLiteral("the server could not find the requested resource"));
}

void KubeApiReply::methodNotAllowed(HttpConnection *connection)
{
    status(connection,
           405,
           QStringLiteral("MethodNotAllowed"),
           QStringLiteral("the server does not allow this method on the requested resource"));
}

} // namespace ragdr::sandbox
