#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace ragdr::core {

// One HTTP request to a Gemini endpoint, as a value that can cross to the LLM thread. The key
// travels in the x-goog-api-key header only, never in the URL.
struct GeminiRequest
{
    QByteArray verb = "GET";
    QUrl url;
    QByteArray body;       // JSON for POST
    QByteArray key;        // secret; empty: no key header (a status feed)
    int timeoutMs = 30000; // no byte for this long: a timeout
    QStringList caFiles;   // CA certificates trusted besides the system's
};

// Its answer: an HTTP status and body, or the network error that kept it from coming.
struct GeminiReply
{
    int httpStatus = 0; // 0: no HTTP answer
    QByteArray body;
    QByteArray contentType;
    int networkError = 0; // QNetworkReply::NetworkError when httpStatus is 0
    QString errorString;
    qint64 elapsedMs = 0;
    bool cancelled = false;
};

} // namespace ragdr::core

Q_DECLARE_METATYPE(ragdr::core::GeminiRequest)
Q_DECLARE_METATYPE(ragdr::core::GeminiReply)
