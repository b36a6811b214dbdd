#include "webhookreceiver.h"

#include "httpconnection.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace ragdr::sandbox {

WebhookReceiver::WebhookReceiver(QString token, QString receivedFile)
    : m_token(std::move(token))
    , m_receivedFile(std::move(receivedFile))
{}

void WebhookReceiver::handle(HttpConnection *connection, const HttpRequest &request)
{
    if (m_down) {
        connection->respond(503, "text/plain", "service_unavailable");
        return;
    }
    if (request.path != QStringLiteral("/hooks/") + m_token) {
        connection->respond(404, "text/plain", "no_service");
        return;
    }
    if (request.method != "POST") {
        connection->respond(405, "text/plain", "invalid_method");
        return;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        connection->respond(400, "text/plain", "invalid_payload");
        return;
    }
    const QJsonObject payload = doc.object();
    if (payload.value(QLatin1String("text")).toString().trimmed().isEmpty()
        && !payload.value(QLatin1String("blocks")).isArray()) {
        connection->respond(400, "text/plain", "no_text");
        return;
    }
    QDir().mkpath(QFileInfo(m_receivedFile).absolutePath());
    QFile file(m_receivedFile);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        connection->respond(500, "text/plain", "rollup_error");
        return;
    }
    const QJsonObject record{{QStringLiteral("at"),
                              QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                             {QStringLiteral("payload"), payload}};
    file.write(QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n');
    file.close();
    ++m_received;
    connection->respond(200, "text/plain", "ok");
}

} // namespace ragdr::sandbox
