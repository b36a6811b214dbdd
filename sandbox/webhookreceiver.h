#pragma once

#include "core/base/error.h"

#include <QString>

namespace ragdr::sandbox {

class HttpConnection;
struct HttpRequest;

// A Slack-compatible incoming webhook for the drill: POST /hooks/TOKEN with a JSON body that has
// "text" (or "blocks") is answered "ok" and recorded, one JSON line per message, in the received
// file, where a drill (or a test) reads what stakeholders were sent. Answers as Slack does when
// something is wrong: 404 no_service (a wrong token), 400 invalid_payload / no_text. Fault
// webhook-down: 503 for everything.
class WebhookReceiver final
{
public:
    WebhookReceiver(QString token, QString receivedFile);

    void handle(HttpConnection *connection, const HttpRequest &request);

    static QString faultName() { return QStringLiteral("webhook-down"); }
    void setDown(bool down) { m_down = down; }
    bool isDown() const { return m_down; }
    qint64 received() const { return m_received; }
    const QString &receivedFile() const { return m_receivedFile; }

private:
    QString m_token;
    QString m_receivedFile;
    bool m_down = false;
    qint64 m_received = 0;
};

} // namespace ragdr::sandbox
