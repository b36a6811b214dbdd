#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace ragdr::core {

// Why a call to Gemini did not give a usable answer, classified from the HTTP status and Google's
// error body (google.rpc.Status: error.status, error.details[] with ErrorInfo.reason,
// QuotaFailure, RetryInfo, Help), or from the network error when no answer came. Each class says
// whether a retry can help and what the commander should do next.
struct GeminiFailure
{
    enum class Class {
        None,
        NoKey,             // ragdr has no key for the endpoint
        InvalidKey,        // 400 API_KEY_INVALID (or 401)
        PermissionDenied,  // 403 PERMISSION_DENIED
        ApiDisabled,       // 403 SERVICE_DISABLED: the Generative Language API is off
        ConsumerSuspended, // 403 CONSUMER_SUSPENDED: the project is suspended
        Billing,           // 400 FAILED_PRECONDITION: free tier not here, billing needed
        BadRequest,        // 400 INVALID_ARGUMENT otherwise
        UnknownModel,      // 404
        QuotaPerMinute,    // 429 with a per-minute quota (RetryInfo.retryDelay)
        QuotaPerDay,       // 429 with a per-day quota: retrying today does not help
        Overloaded,        // 503 UNAVAILABLE
        ServerError,       // 500, 502, other 5xx
        Timeout,           // no answer in time (ours), 408, 504 DEADLINE_EXCEEDED
        Dns,               // the host name does not resolve
        Tls,               // the TLS handshake or the certificate failed
        Connection,        // refused, reset, closed
        Blocked,           // 200 whose prompt was blocked (promptFeedback.blockReason)
        BadResponse,       // 200 that is not the documented answer
        DimensionMismatch, // embedding length differs from the database's
        Unexpected,        // any other status
    };

    Class cls = Class::None;
    int httpStatus = 0;       // 0: no HTTP answer
    QString googleStatus;     // "RESOURCE_EXHAUSTED"
    QString reason;           // ErrorInfo.reason, "API_KEY_INVALID"
    QString quotaId;          // QuotaFailure.violations[0].quotaId
    qint64 retryDelayMs = -1; // RetryInfo.retryDelay; -1: none given
    QString message;          // what happened, in words (Google's message when it sent one)
    QString helpUrl;          // Help.links[0].url

    bool isFailure() const { return cls != Class::None; }
    // 408/429 per minute/5xx and transport hiccups: trying again may work.
    bool isRetryable() const;
    // Quota per day and overload are the provider's state, not ours: another endpoint may answer.
    QString className() const { return name(cls); }
    QString advice() const;
    QJsonObject toJson() const;
    static GeminiFailure fromJson(const QJsonObject &json);

    static QString name(Class cls);
    static Class fromName(const QString &name);

    // From an HTTP answer that was not a success (or a 200 whose body is not JSON).
    static GeminiFailure fromHttp(int httpStatus,
                                  const QByteArray &body,
                                  const QByteArray &contentType);
    // From a QNetworkReply::NetworkError code when no HTTP answer came.
    static GeminiFailure fromNetwork(int networkError, const QString &errorString);
    // "47.43s" (a google.protobuf.Duration in JSON) -> 47430 ms; -1 when it is not one.
    static qint64 parseDurationMs(const QString &text);
};

} // namespace ragdr::core

Q_DECLARE_METATYPE(ragdr::core::GeminiFailure)
