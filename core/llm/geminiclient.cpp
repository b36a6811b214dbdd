#include "geminiclient.h"

#include "geminirequest.h"
#include "geminitransport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QThread>

namespace ragdr::core {

namespace {

GeminiFailure badResponse(const QString &what)
{
    GeminiFailure f;
    f.cls = GeminiFailure::Class::BadResponse;
    f.httpStatus = 200;
    f.message = what;
    return f;
}

// Sleeps for ms unless cancel fires first; returns the time actually waited.
qint64 waitFor(qint64 ms, const CancelToken &cancel)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms && !cancel.isCancelled())
        QThread::msleep(std::min<qint64>(20, ms - clock.elapsed()));
    return clock.elapsed();
}

} // namespace

QJsonObject GeminiResult::toJson() const
{
    QJsonArray waits;
    for (qint64 w : waitsMs)
        waits.append(w);
    QJsonObject json{{QStringLiteral("ok"), ok},
                     {QStringLiteral("latency_ms"), latencyMs},
                     {QStringLiteral("tries"), tries},
                     {QStringLiteral("waits_ms"), waits}};
    if (!ok)
        json.insert(QStringLiteral("failure"), failure.toJson());
    return json;
}

GeminiClient::GeminiClient(LlmEndpoint endpoint, QByteArray key, RetryPolicy policy, int timeoutMs)
    : m_endpoint(std::move(endpoint))
    , m_key(std::move(key))
    , m_policy(policy)
    , m_timeoutMs(timeoutMs)
{}

QString GeminiClient::resourceName(const QString &model)
{
    return model.startsWith(QLatin1String("models/")) ? model : QStringLiteral("models/") + model;
}

GeminiRequest GeminiClient::request(const QByteArray &verb,
                                    const QString &path,
                                    const QJsonObject &body) const
{
    GeminiRequest r;
    r.verb = verb;
    r.url = QUrl(m_endpoint.url + path);
    if (!body.isEmpty())
        r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    r.key = m_key;
    r.timeoutMs = m_timeoutMs;
    if (!m_endpoint.caFile.isEmpty())
        r.caFiles = {m_endpoint.caFile};
    return r;
}

GeminiResult GeminiClient::send(const GeminiRequest &request,
                                const Validator &validate,
                                const CancelToken &cancel) const
{
    GeminiResult result;
    qint64 waited = 0;
    for (;;) {
        const GeminiReply reply = GeminiTransport::instance()->call(request, cancel);
        ++result.tries;
        result.latencyMs = reply.elapsedMs;
        if (reply.cancelled || cancel.isCancelled()) {
            result.cancelled = true;
            return result;
        }
        GeminiFailure failure;
        if (reply.httpStatus == 0) {
            failure = GeminiFailure::fromNetwork(reply.networkError, reply.errorString);
        } else if (reply.httpStatus != 200) {
            failure = GeminiFailure::fromHttp(reply.httpStatus, reply.body, reply.contentType);
        } else {
            QJsonParseError parseError;
            const QJsonDocument doc = QJsonDocument::fromJson(reply.body, &parseError);
            if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
                failure = GeminiFailure::fromHttp(200, reply.body, reply.contentType);
            } else {
                failure = validate(doc.object());
                if (!failure.isFailure()) {
                    result.ok = true;
                    result.json = doc.object();
                    return result;
                }
            }
        }
        result.failure = failure;
        const auto delay = m_policy.nextDelayMs(result.tries,
                                                failure,
                                                waited,
                                                QRandomGenerator::global()->generateDouble());
        if (!delay)
            return result;
        const qint64 slept = waitFor(*delay, cancel);
        result.waitsMs.append(slept);
        waited += slept;
        if (cancel.isCancelled()) {
            result.cancelled = true;
            return result;
        }
    }
}

GeminiResult GeminiClient::listModels(const CancelToken &cancel) const
{
    return send(
        request("GET", QStringLiteral("/models?pageSize=1000"), {}),
        [](const QJsonObject &answer) {
            return answer.value(QLatin1String("models")).isArray()
                       ? GeminiFailure()
                       : badResponse(QStringLiteral("the model list has no \"models\""));
        },
        cancel);
}

GeminiResult GeminiClient::getModel(const QString &model, const CancelToken &cancel) const
{
    return send(
        request("GET", QLatin1Char('/') + resourceName(model), {}),
        [](const QJsonObject &answer) {
            return answer.value(QLatin1String("name")).isString()
                       ? GeminiFailure()
                       : badResponse(QStringLiteral("the model has no \"name\""));
        },
        cancel);
}

GeminiResult GeminiClient::generate(const QString &prompt, const CancelToken &cancel) const
{
    const QJsonObject body{{QStringLiteral("contents"),
                            QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                   {QStringLiteral("parts"),
                                                    QJsonArray{QJsonObject{
                                                        {QStringLiteral("text"), prompt}}}}}}},
                           {QStringLiteral("generationConfig"),
                            QJsonObject{{QStringLiteral("maxOutputTokens"), 8},
                                        {QStringLiteral("temperature"), 0}}}};
    return send(
        request("POST",
                QLatin1Char('/') + resourceName(m_endpoint.model)
                    + QStringLiteral(":generateContent"),
                body),
        [](const QJsonObject &answer) {
            const QJsonArray candidates = answer.value(QLatin1String("candidates")).toArray();
            const QJsonObject feedback = answer.value(QLatin1String("promptFeedback")).toObject();
            if (candidates.isEmpty()) {
                const QString reason = feedback.value(QLatin1String("blockReason")).toString();
                if (reason.isEmpty())
                    return badResponse(QStringLiteral("no candidates and no promptFeedback"));
                GeminiFailure f;
                f.cls = GeminiFailure::Class::Blocked;
                f.httpStatus = 200;
                f.reason = reason;
                f.message = QStringLiteral("the prompt was blocked (promptFeedback.blockReason %1)")
                                .arg(reason);
                return f;
            }
            const QJsonObject first = candidates.first().toObject();
            const QString finish = first.value(QLatin1String("finishReason")).toString();
            if (finish == QLatin1String("SAFETY") || finish == QLatin1String("BLOCKLIST")
                || finish == QLatin1String("PROHIBITED_CONTENT")) {
                GeminiFailure f;
                f.cls = GeminiFailure::Class::Blocked;
                f.httpStatus = 200;
                f.reason = finish;
                f.message = QStringLiteral("the answer was blocked (finishReason %1)").arg(finish);
                return f;
            }
            if (!first.value(QLatin1String("content"))
                     .toObject()
                     .value(QLatin1String("parts"))
                     .isArray())
                return badResponse(QStringLiteral("the candidate has no content parts"));
            return GeminiFailure();
        },
        cancel);
}

GeminiResult GeminiClient::embed(const QString &text, const CancelToken &cancel) const
{
    const QString model = resourceName(m_endpoint.embeddingModel);
    const QJsonObject body{{QStringLiteral("model"), model},
                           {QStringLiteral("content"),
                            QJsonObject{{QStringLiteral("parts"),
                                         QJsonArray{QJsonObject{{QStringLiteral("text"), text}}}}}},
                           {QStringLiteral("taskType"), QStringLiteral("RETRIEVAL_QUERY")}};
    return send(
        request("POST", QLatin1Char('/') + model + QStringLiteral(":embedContent"), body),
        [](const QJsonObject &answer) {
            const QJsonArray values = answer.value(QLatin1String("embedding"))
                                          .toObject()
                                          .value(QLatin1String("values"))
                                          .toArray();
            return values.isEmpty()
                       ? badResponse(QStringLiteral("the answer has no embedding values"))
                       : GeminiFailure();
        },
        cancel);
}

} // namespace ragdr::core
