#pragma once

#include "core/base/canceltoken.h"
#include "core/base/error.h"

#include <QByteArray>
#include <QList>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;

namespace ragdr::core {

struct HttpCall
{
    QByteArray method = "GET";
    QUrl url;
    QByteArray accept;
    QByteArray contentType;
    QByteArray body;
    QString caFile; // the certificate authority to trust; empty: the system's
    int timeoutMs = 10000;
    qint64 maxBytes = 32 * 1024 * 1024; // a longer answer is cut off and refused

    // The URL without its path's secrets, for messages: webhook URLs carry tokens.
    QString safeUrl() const;
};

struct HttpAnswer
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    qint64 elapsedMs = 0;
};

// Blocking HTTP(S) for an operation's worker thread: a probe of the service's API, a webhook.
// Each call spins a local event loop until the answer is in, the timeout passes or cancel fires.
// Any HTTP status is an answer; an error is a failure to get one (the message says why: refused,
// timed out, TLS), or a problem on this side (a CA file that cannot be read: BadInput).
// TLS is always verified. Create it on the thread that uses it.
class HttpClient final
{
public:
    HttpClient();
    ~HttpClient();
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    Result<HttpAnswer> send(const HttpCall &call, const CancelToken &cancel);

private:
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

} // namespace ragdr::core
