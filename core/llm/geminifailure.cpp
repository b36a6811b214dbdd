#include "geminifailure.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRegularExpression>

namespace ragdr::core {

namespace {

using Class = GeminiFailure::Class;

struct ClassInfo
{
    Class cls;
    const char *name;
    const char *advice;
};

// The one table of classes: their names in JSON and what to do about each.
constexpr ClassInfo kClasses[] = {
    {Class::None, "ok", ""},
    {Class::NoKey,
     "no-key",
     "store the endpoint's key: Keys… in the LLM panel, or ragdr llm keys set NAME; with no "
     "keychain service, give it for this session only (Keys…, or --session-key)"},
    {Class::InvalidKey,
     "invalid-key",
     "the key is wrong or was revoked: replace it (Keys…) with a key from Google AI Studio; "
     "retrying does not help"},
    {Class::PermissionDenied,
     "permission-denied",
     "the key may not use this API or model: check the key's API restrictions and the project's "
     "access"},
    {Class::ApiDisabled,
     "api-disabled",
     "enable the Generative Language API in the key's Google Cloud project, then check again"},
    {Class::ConsumerSuspended,
     "consumer-suspended",
     "the key's project is suspended: use another project's key or endpoint and contact Google "
     "support"},
    {Class::Billing,
     "billing",
     "the free tier is not available here or billing is needed: enable billing on the project or "
     "use another endpoint"},
    {Class::BadRequest,
     "bad-request",
     "Gemini rejected the request: check the endpoint's URL and model in the profile"},
    {Class::UnknownModel,
     "unknown-model",
     "the model does not exist at this endpoint: check the profile's model against the endpoint's "
     "model list"},
    {Class::QuotaPerMinute,
     "quota-minute",
     "over the per-minute quota: ragdr waits the delay Google asks for; if it keeps happening, "
     "switch to a backup endpoint or key"},
    {Class::QuotaPerDay,
     "quota-day",
     "the daily quota is used up: switch to another key or endpoint; retrying today does not help"},
    {Class::Overloaded,
     "overloaded",
     "Gemini is overloaded (not your quota): retry with backoff, or switch the service to a backup "
     "endpoint"},
    {Class::ServerError,
     "server-error",
     "Gemini failed internally: retried with backoff; if it persists, try another model or "
     "endpoint"},
    {Class::Timeout,
     "timeout",
     "no answer in time: check the provider's status; fail over if it persists"},
    {Class::Dns,
     "dns",
     "the endpoint's host name does not resolve: check the URL in the profile and this machine's "
     "DNS"},
    {Class::Tls,
     "tls",
     "the TLS connection failed: check the endpoint's certificate, the system time, and a proxy's "
     "CA (ca_file in the profile)"},
    {Class::Connection,
     "connection",
     "the endpoint cannot be reached: check the network, a proxy or firewall, and the provider's "
     "status"},
    {Class::Blocked,
     "blocked",
     "Gemini answered but blocked the prompt (safety): the endpoint works; the probe's prompt was "
     "refused"},
    {Class::BadResponse,
     "bad-response",
     "the endpoint answered, but not as Gemini does: check the URL (a proxy or another service may "
     "answer there)"},
    {Class::DimensionMismatch,
     "dimension-mismatch",
     "the embedding model's vectors do not match the database's: retrieval is silently broken; use "
     "the embedding model the database was built with"},
    {Class::Unexpected,
     "unexpected",
     "an answer Gemini does not document: check the URL and any proxy in between"},
};

const ClassInfo &info(Class cls)
{
    for (const ClassInfo &i : kClasses) {
        if (i.cls == cls)
            return i;
    }
    return kClasses[0];
}

// Google's error object from a body, tolerating what proxies and streaming endpoints send
// instead: an array around it, a cut-off document, HTML, plain text.
struct ParsedBody
{
    QJsonObject error;
    QString problem; // when no error object could be read: why, for the message
};

ParsedBody parseBody(const QByteArray &body, const QByteArray &contentType)
{
    const QByteArray trimmed = body.trimmed();
    if (trimmed.isEmpty())
        return {{}, QStringLiteral("an empty body")};
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &parseError);
    if (parseError.error == QJsonParseError::NoError) {
        QJsonObject root = doc.object();
        if (doc.isArray() && !doc.array().isEmpty())
            root = doc.array().first().toObject();
        const QJsonValue error = root.value(QLatin1String("error"));
        if (error.isObject())
            return {error.toObject(), {}};
        if (error.isString()) // some proxies: {"error": "text"}
            return {{{QStringLiteral("message"), error.toString()}}, {}};
        return {{}, QStringLiteral("JSON without Google's error object")};
    }
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        return {{},
                QStringLiteral("a JSON body cut short (%1 bytes: %2)")
                    .arg(body.size())
                    .arg(parseError.errorString())};
    }
    if (contentType.contains("html") || trimmed.startsWith('<')) {
        static const QRegularExpression title(QStringLiteral("<title>([^<]*)</title>"),
                                              QRegularExpression::CaseInsensitiveOption);
        const auto m = title.match(QString::fromUtf8(trimmed.left(4096)));
        return {{},
                QStringLiteral("an HTML page%1, not Gemini's JSON (a proxy or gateway answered?)")
                    .arg(m.hasMatch() ? QStringLiteral(" \"%1\"").arg(m.captured(1).trimmed())
                                      : QString())};
    }
    return {{},
            QStringLiteral("text, not Gemini's JSON: \"%1\"")
                .arg(QString::fromUtf8(trimmed.left(120)).simplified())};
}

Class classFromStatus(int status)
{
    switch (status) {
    case 400:
        return Class::BadRequest;
    case 401:
        return Class::InvalidKey;
    case 403:
        return Class::PermissionDenied;
    case 404:
        return Class::UnknownModel;
    case 408:
    case 504:
        return Class::Timeout;
    case 429:
        return Class::QuotaPerMinute;
    case 503:
        return Class::Overloaded;
    default:
        break;
    }
    if (status >= 500)
        return Class::ServerError;
    if (status >= 300 && status < 400)
        return Class::Unexpected;
    return Class::Unexpected;
}

} // namespace

bool GeminiFailure::isRetryable() const
{
    switch (cls) {
    case Class::QuotaPerMinute:
    case Class::Overloaded:
    case Class::ServerError:
    case Class::Timeout:
    case Class::Connection:
        return true;
    default:
        return false;
    }
}

QString GeminiFailure::name(Class cls)
{
    return QString::fromLatin1(info(cls).name);
}

GeminiFailure::Class GeminiFailure::fromName(const QString &name)
{
    for (const ClassInfo &i : kClasses) {
        if (name == QLatin1String(i.name))
            return i.cls;
    }
    return Class::Unexpected;
}

QString GeminiFailure::advice() const
{
    return QString::fromUtf8(info(cls).advice);
}

QJsonObject GeminiFailure::toJson() const
{
    QJsonObject json{{QStringLiteral("class"), className()},
                     {QStringLiteral("message"), message},
                     {QStringLiteral("advice"), advice()}};
    if (httpStatus > 0)
        json.insert(QStringLiteral("http_status"), httpStatus);
    if (!googleStatus.isEmpty())
        json.insert(QStringLiteral("status"), googleStatus);
    if (!reason.isEmpty())
        json.insert(QStringLiteral("reason"), reason);
    if (!quotaId.isEmpty())
        json.insert(QStringLiteral("quota_id"), quotaId);
    if (retryDelayMs >= 0)
        json.insert(QStringLiteral("retry_delay_ms"), retryDelayMs);
    if (!helpUrl.isEmpty())
        json.insert(QStringLiteral("help"), helpUrl);
    return json;
}

GeminiFailure GeminiFailure::fromJson(const QJsonObject &json)
{
    GeminiFailure f;
    f.cls = fromName(json.value(QLatin1String("class")).toString());
    f.message = json.value(QLatin1String("message")).toString();
    f.httpStatus = json.value(QLatin1String("http_status")).toInt();
    f.googleStatus = json.value(QLatin1String("status")).toString();
    f.reason = json.value(QLatin1String("reason")).toString();
    f.quotaId = json.value(QLatin1String("quota_id")).toString();
    f.retryDelayMs = json.value(QLatin1String("retry_delay_ms")).toInteger(-1);
    f.helpUrl = json.value(QLatin1String("help")).toString();
    return f;
}

qint64 GeminiFailure::parseDurationMs(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d+(?:\\.\\d*)?)s\\s*$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return -1;
    return qint64(m.captured(1).toDouble() * 1000.0 + 0.5);
}

GeminiFailure GeminiFailure::fromHttp(int httpStatus,
                                      const QByteArray &body,
                                      const QByteArray &contentType)
{
    GeminiFailure f;
    f.httpStatus = httpStatus;
    const ParsedBody parsed = parseBody(body, contentType);
    if (parsed.error.isEmpty()) {
        f.cls = httpStatus == 200 ? Class::BadResponse : classFromStatus(httpStatus);
        f.message = QStringLiteral("HTTP %1 with %2").arg(httpStatus).arg(parsed.problem);
        return f;
    }
    const QJsonObject &error = parsed.error;
    f.googleStatus = error.value(QLatin1String("status")).toString();
    f.message = error.value(QLatin1String("message")).toString();
    if (f.message.isEmpty())
        f.message = QStringLiteral("HTTP %1 %2").arg(httpStatus).arg(f.googleStatus);
    for (const QJsonValue &d : error.value(QLatin1String("details")).toArray()) {
        const QJsonObject detail = d.toObject();
        const QString type = detail.value(QLatin1String("@type")).toString();
        if (type.endsWith(QLatin1String("google.rpc.ErrorInfo"))) {
            f.reason = detail.value(QLatin1String("reason")).toString();
        } else if (type.endsWith(QLatin1String("google.rpc.RetryInfo"))) {
            f.retryDelayMs = parseDurationMs(detail.value(QLatin1String("retryDelay")).toString());
        } else if (type.endsWith(QLatin1String("google.rpc.QuotaFailure"))) {
            const QJsonObject first
                = detail.value(QLatin1String("violations")).toArray().first().toObject();
            f.quotaId = first.value(QLatin1String("quotaId")).toString();
            if (f.quotaId.isEmpty())
                f.quotaId = first.value(QLatin1String("quotaMetric")).toString();
        } else if (type.endsWith(QLatin1String("google.rpc.Help"))) {
            f.helpUrl = detail.value(QLatin1String("links"))
                            .toArray()
                            .first()
                            .toObject()
                            .value(QLatin1String("url"))
                            .toString();
        }
    }
    const int code = error.value(QLatin1String("code")).toInt(httpStatus);
    const int status = httpStatus == 200 ? code : httpStatus;
    f.cls = classFromStatus(status);
    if (f.reason == QLatin1String("API_KEY_INVALID")
        || (status == 400 && f.message.contains(QLatin1String("API key not valid")))) {
        f.cls = Class::InvalidKey;
    } else if (f.reason == QLatin1String("SERVICE_DISABLED")
               || f.reason == QLatin1String("API_DISABLED")) {
        f.cls = Class::ApiDisabled;
    } else if (f.reason == QLatin1String("CONSUMER_SUSPENDED")) {
        f.cls = Class::ConsumerSuspended;
    } else if (status == 400 && f.googleStatus == QLatin1String("FAILED_PRECONDITION")) {
        f.cls = Class::Billing;
    } else if (status == 429) {
        const bool perDay = f.quotaId.contains(QLatin1String("PerDay"), Qt::CaseInsensitive)
                            || f.quotaId.contains(QLatin1String("per_day"), Qt::CaseInsensitive);
        f.cls = perDay ? Class::QuotaPerDay : Class::QuotaPerMinute;
    }
    return f;
}

GeminiFailure GeminiFailure::fromNetwork(int networkError, const QString &errorString)
{
    GeminiFailure f;
    f.message = errorString;
    switch (QNetworkReply::NetworkError(networkError)) {
    case QNetworkReply::HostNotFoundError:
        f.cls = Class::Dns;
        break;
    case QNetworkReply::SslHandshakeFailedError:
        f.cls = Class::Tls;
        break;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::OperationCanceledError: // a transfer timeout (our own cancels never get here)
        f.cls = Class::Timeout;
        break;
    default:
        f.cls = Class::Connection;
        break;
    }
    return f;
}

} // namespace ragdr::core
