#include "geminisimulator.h"

#include "httpserver.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <QUuid>

namespace ragdr::sandbox {

namespace {

const QString kDocs = QStringLiteral("https://ai.google.dev/gemini-api/docs/rate-limits");

QJsonObject detail(const char *type, QJsonObject fields)
{
    fields.insert(QStringLiteral("@type"),
                  QString(QStringLiteral("type.googleapis.com/") + QLatin1String(type)));
    return fields;
}

// google.rpc.Status as Google's front end sends it.
QJsonObject googleError(int code,
                        const QString &status,
                        const QString &message,
                        QJsonArray details = {})
{
    QJsonObject error{{QStringLiteral("code"), code},
                      {QStringLiteral("message"), message},
                      {QStringLiteral("status"), status}};
    if (!details.isEmpty())
        error.insert(QStringLiteral("details"), details);
    return {{QStringLiteral("error"), error}};
}

QJsonObject invalidKey()
{
    const QString message = QStringLiteral("API key not valid. Please pass a valid API key.");
    return googleError(400,
                       QStringLiteral("INVALID_ARGUMENT"),
                       message,
                       {detail("google.rpc.ErrorInfo",
                               {{QStringLiteral("reason"), QStringLiteral("API_KEY_INVALID")},
                                {QStringLiteral("domain"), QStringLiteral("googleapis.com")},
                                {QStringLiteral("metadata"),
                                 QJsonObject{
                                     {QStringLiteral("service"),
                                      QStringLiteral("generativelanguage.googleapis.com")}}}}),
                        detail("google.rpc.LocalizedMessage",
                               {{QStringLiteral("locale"), QStringLiteral("en-US")},
                                {QStringLiteral("message"), message}})});
}

QJsonObject quotaExceeded(bool perDay, const QString &model, const QString &retryDelay)
{
    const QString quotaId
        = perDay ? QStringLiteral("GenerateRequestsPerDayPerProjectPerModel-FreeTier")
                 : QStringLiteral("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
    QJsonArray details{
        detail("google.rpc.QuotaFailure",
               {{QStringLiteral("violations"),
                 QJsonArray{QJsonObject{
                     {QStringLiteral("quotaMetric"),
                      QStringLiteral(
                          "generativelanguage.googleapis.com/generate_content_free_tier_requests")},
                     {QStringLiteral("quotaId"), quotaId},
                     {QStringLiteral("quotaDimensions"),
                      QJsonObject{{QStringLiteral("location"), QStringLiteral("global")},
                                  {QStringLiteral("model"), model}}},
                     {QStringLiteral("quotaValue"),
                      perDay ? QStringLiteral("200") : QStringLiteral("15")}}}}}),
        detail("google.rpc.Help",
               {{QStringLiteral("links"),
                 QJsonArray{QJsonObject{{QStringLiteral("description"),
                                         QStringLiteral("Learn more about Gemini API quotas")},
                                        {QStringLiteral("url"), kDocs}}}}}),
        detail("google.rpc.RetryInfo", {{QStringLiteral("retryDelay"), retryDelay}})};
    return googleError(429,
                       QStringLiteral("RESOURCE_EXHAUSTED"),
                       QStringLiteral("You exceeded your current quota, please check your plan and "
                                      "billing details. For more information on this error, head "
                                      "to: %1.")
                           .arg(kDocs),
                       details);
}

QJsonObject apiDisabled()
{
    const QString project = QStringLiteral("573187041123");
    return googleError(
        403,
        QStringLiteral("PERMISSION_DENIED"),
        QStringLiteral("Generative Language API has not been used in project %1 before or it is "
                       "disabled. Enable it by visiting https://console.developers.google.com/apis/"
                       "api/generativelanguage.googleapis.com/overview?project=%1 then retry. If "
                       "you enabled this API recently, wait a few minutes for the action to "
                       "propagate to our systems and retry.")
            .arg(project),
        {detail("google.rpc.ErrorInfo",
                {{QStringLiteral("reason"), QStringLiteral("SERVICE_DISABLED")},
                 {QStringLiteral("domain"), QStringLiteral("googleapis.com")},
                 {QStringLiteral("metadata"),
                  QJsonObject{{QStringLiteral("consumer"),
                               QString(QStringLiteral("projects/") + project)},
                              {QStringLiteral("service"),
                               QStringLiteral("generativelanguage.googleapis.com")}}}})});
}

QJsonObject notFound(const QString &what)
{
    return googleError(404,
                       QStringLiteral("NOT_FOUND"),
                       QStringLiteral("%1 is not found for API version v1beta, or is not supported "
                                      "for generateContent. Call ListModels to see the list of "
                                      "available models and their supported methods.")
                           .arg(what));
}

QJsonObject modelJson(const QString &model, bool embedding)
{
    return {{QStringLiteral("name"), QString(QStringLiteral("models/") + model)},
            {QStringLiteral("version"), QStringLiteral("001")},
            {QStringLiteral("displayName"), model},
            {QStringLiteral("description"), QStringLiteral("The drill's simulated %1").arg(model)},
            {QStringLiteral("inputTokenLimit"), embedding ? 2048 : 1048576},
            {QStringLiteral("outputTokenLimit"), embedding ? 1 : 8192},
            {QStringLiteral("supportedGenerationMethods"),
             embedding
                 ? QJsonArray{QStringLiteral("embedContent")}
                 : QJsonArray{QStringLiteral("generateContent"), QStringLiteral("countTokens")}},
            {QStringLiteral("temperature"), 1},
            {QStringLiteral("topP"), 0.95},
            {QStringLiteral("topK"), 40}};
}

// Deterministic values from the text, unit length, so that equal texts embed equally.
QJsonArray embedding(const QByteArray &text, int dimension)
{
    QJsonArray values;
    QByteArray seed = QCryptographicHash::hash(text, QCryptographicHash::Sha256);
    double norm = 0;
    QList<double> raw;
    for (int i = 0; i < dimension; ++i) {
        if (i % 32 == 0 && i > 0)
            seed = QCryptographicHash::hash(seed, QCryptographicHash::Sha256);
        const double v = (quint8(seed.at(i % 32)) - 127.5) / 127.5;
        raw.append(v);
        norm += v * v;
    }
    norm = std::sqrt(norm);
    for (double v : raw)
        values.append(v / norm);
    return values;
}

struct FaultInfo
{
    const char *name;
    const char *what;
};

constexpr FaultInfo kFaults[] = {
    {"llm-invalid-key", "every key is refused (400 API_KEY_INVALID), as after a revocation"},
    {"llm-403", "the API is disabled in the key's project (403 SERVICE_DISABLED)"},
    {"llm-429", "the per-minute quota is exceeded (429 with QuotaFailure and RetryInfo)"},
    {"llm-429-day", "the per-day quota is used up (429, a PerDay quotaId)"},
    {"llm-503", "the model is overloaded (503 UNAVAILABLE)"},
    {"llm-500", "an internal error (500 INTERNAL)"},
    {"llm-slow", "answers come late (delayMs, 5 s by default)"},
    {"llm-down", "the endpoint's host refuses connections"},
    {"llm-dim-768", "embeddings have 768 values instead of the configured dimension"},
    {"llm-blocked", "generateContent blocks the prompt (promptFeedback.blockReason SAFETY)"},
    {"llm-html", "a proxy answers 502 with an HTML page"},
    {"llm-truncated", "a 503 whose JSON body is cut short"},
    {"llm-array", "a 429 whose error object is wrapped in a JSON array"},
};

} // namespace

GeminiSimulator::GeminiSimulator(Config config,
                                 QSslConfiguration tls,
                                 std::shared_ptr<QSet<QByteArray>> keys)
    : m_config(std::move(config))
    , m_tls(std::move(tls))
    , m_keys(std::move(keys))
{}

GeminiSimulator::~GeminiSimulator() = default;

QStringList GeminiSimulator::faultNames()
{
    QStringList names;
    for (const FaultInfo &f : kFaults)
        names.append(QString::fromLatin1(f.name));
    return names;
}

core::Status GeminiSimulator::start()
{
    m_server = std::make_unique<HttpServer>(m_tls, [this](HttpConnection *c, const HttpRequest &r) {
        handle(c, r);
    });
    if (auto listening = m_server->listen(m_config.port); !listening)
        return listening;
    m_config.port = m_server->port();
    return {};
}

core::Status GeminiSimulator::inject(const QString &fault, const QJsonObject &params)
{
    if (!faultNames().contains(fault)) {
        return core::fail(
            core::Error::badInput(QStringLiteral("no LLM fault \"%1\" (there are: %2)")
                                      .arg(fault, faultNames().join(QStringLiteral(", ")))));
    }
    m_fault = fault;
    m_params = params;
    m_remaining = params.value(QLatin1String("count")).toInt(0);
    if (fault == QLatin1String("llm-down"))
        m_server->stop();
    return {};
}

void GeminiSimulator::heal()
{
    const bool wasDown = m_fault == QLatin1String("llm-down");
    m_fault.clear();
    m_params = {};
    m_remaining = 0;
    if (wasDown || !m_server->isListening())
        m_server->listen(m_config.port);
}

QJsonObject GeminiSimulator::status() const
{
    return {{QStringLiteral("name"), m_config.name},
            {QStringLiteral("port"), m_config.port},
            {QStringLiteral("listening"), m_server && m_server->isListening()},
            {QStringLiteral("fault"), m_fault},
            {QStringLiteral("requests"), m_requests}};
}

void GeminiSimulator::handle(HttpConnection *connection, const HttpRequest &request)
{
    ++m_requests;
    if (m_fault == QLatin1String("llm-slow")) {
        const int delay = m_params.value(QLatin1String("delayMs")).toInt(5000);
        QPointer<HttpConnection> guard(connection);
        QTimer::singleShot(delay, this, [this, guard, request] {
            if (guard && guard->isOpen())
                answer(guard, request);
        });
        return;
    }
    answer(connection, request);
}

bool GeminiSimulator::answerFault(HttpConnection *connection)
{
    if (m_fault.isEmpty() || m_fault == QLatin1String("llm-slow")
        || m_fault == QLatin1String("llm-dim-768") || m_fault == QLatin1String("llm-blocked"))
        return false;
    auto send = [connection](int code, const QJsonObject &body) {
        connection->respond(code,
                            "application/json; charset=UTF-8",
                            QJsonDocument(body).toJson(QJsonDocument::Indented));
    };
    const QString retryDelay
        = m_params.value(QLatin1String("retryDelay")).toString(QStringLiteral("2s"));
    const QString model = m_config.models.value(0);
    if (m_fault == QLatin1String("llm-invalid-key"))
        send(400, invalidKey());
    else if (m_fault == QLatin1String("llm-403"))
        send(403, apiDisabled());
    else if (m_fault == QLatin1String("llm-429"))
        send(429, quotaExceeded(false, model, retryDelay));
    else if (m_fault == QLatin1String("llm-429-day"))
        send(429, quotaExceeded(true, model, retryDelay));
    else if (m_fault == QLatin1String("llm-503"))
        send(503,
             googleError(503,
                         QStringLiteral("UNAVAILABLE"),
                         QStringLiteral("The model is overloaded. Please try again later.")));
    else if (m_fault == QLatin1String("llm-500"))
        send(500,
             googleError(500,
                         QStringLiteral("INTERNAL"),
                         QStringLiteral(
                             "An internal error has occurred. Please retry or report in "
                             "https://developers.generativeai.google/guide/troubleshooting")));
    else if (m_fault == QLatin1String("llm-html"))
        connection
            ->respond(502,
                      "text/html; charset=UTF-8",
                      "<!DOCTYPE html>\n<html lang=en><head><title>Error 502 (Server Error)!!1"
                      "</title></head><body><p><b>502.</b> That's an error.</p><p>The server "
                      "encountered a temporary error and could not complete your request."
                      "</p></body></html>\n");
    else if (m_fault == QLatin1String("llm-truncated"))
        connection
            ->respond(503,
                      "application/json; charset=UTF-8",
                      "{\n  \"error\": {\n    \"code\": 503,\n    \"message\": \"The model is ov");
    else if (m_fault == QLatin1String("llm-array"))
        connection->respond(429,
                            "application/json; charset=UTF-8",
                            QJsonDocument(QJsonArray{quotaExceeded(false, model, retryDelay)})
                                .toJson(QJsonDocument::Indented));
    else
        return false;
    return true;
}

void GeminiSimulator::answer(HttpConnection *connection, const HttpRequest &request)
{
    auto send = [connection](int code, const QJsonObject &body) {
        connection->respond(code,
                            "application/json; charset=UTF-8",
                            QJsonDocument(body).toJson(QJsonDocument::Indented));
    };
    QByteArray key = request.header("x-goog-api-key");
    if (key.isEmpty())
        key = request.queryValue(QStringLiteral("key")).toUtf8();
    if (key.isEmpty()) {
        send(403,
             googleError(403,
                         QStringLiteral("PERMISSION_DENIED"),
                         QStringLiteral(
                             "Method doesn't allow unregistered callers (callers without "
                             "established identity). Please use API Key or other form "
                             "of API consumer identity to call this API.")));
        return;
    }
    if (!m_fault.isEmpty()) {
        const bool answered = answerFault(connection);
        if (m_remaining > 0 && --m_remaining == 0)
            heal();
        if (answered)
            return;
    }
    if (!m_keys->contains(key)) {
        send(400, invalidKey());
        return;
    }

    const QString prefix = QStringLiteral("/v1beta/");
    if (!request.path.startsWith(prefix)) {
        send(404, notFound(request.path));
        return;
    }
    const QString rest = request.path.mid(prefix.size());
    if (rest == QLatin1String("models") && request.method == "GET") {
        QJsonArray models;
        for (const QString &m : m_config.models)
            models.append(modelJson(m, false));
        for (const QString &m : m_config.embeddingModels)
            models.append(modelJson(m, true));
        send(200, {{QStringLiteral("models"), models}});
        return;
    }
    if (!rest.startsWith(QLatin1String("models/"))) {
        send(404, notFound(request.path));
        return;
    }
    const QString target = rest.mid(7);
    const qsizetype colon = target.indexOf(QLatin1Char(':'));
    const QString model = colon < 0 ? target : target.left(colon);
    const QString method = colon < 0 ? QString() : target.mid(colon + 1);
    const bool generative = m_config.models.contains(model);
    const bool embedder = m_config.embeddingModels.contains(model);
    if (!generative && !embedder) {
        send(404, notFound(QStringLiteral("models/") + model));
        return;
    }
    if (method.isEmpty() && request.method == "GET") {
        send(200, modelJson(model, embedder));
        return;
    }
    if (method == QLatin1String("generateContent") && generative && request.method == "POST") {
        // A model thinks before it answers: tens of milliseconds, never the same twice.
        QPointer<HttpConnection> guard(connection);
        QTimer::singleShot(int(QRandomGenerator::global()->bounded(40, 120)),
                           this,
                           [this, guard, model] {
                               if (guard && guard->isOpen())
                                   generated(guard, model);
                           });
        return;
    }
    if (method == QLatin1String("embedContent") && embedder && request.method == "POST") {
        const int dimension = m_fault == QLatin1String("llm-dim-768") ? 768 : m_config.dimension;
        send(200,
             {{QStringLiteral("embedding"),
               QJsonObject{{QStringLiteral("values"), embedding(request.body, dimension)}}}});
        return;
    }
    send(400,
         googleError(400,
                     QStringLiteral("INVALID_ARGUMENT"),
                     QStringLiteral("models/%1 does not support %2").arg(model, method)));
}

void GeminiSimulator::generated(HttpConnection *connection, const QString &model)
{
    auto send = [connection](const QJsonObject &body) {
        connection->respond(200,
                            "application/json; charset=UTF-8",
                            QJsonDocument(body).toJson(QJsonDocument::Indented));
    };
    const QJsonObject usage{{QStringLiteral("promptTokenCount"), 8},
                            {QStringLiteral("candidatesTokenCount"), 1},
                            {QStringLiteral("totalTokenCount"), 9}};
    if (m_fault == QLatin1String("llm-blocked")) {
        send({{QStringLiteral("promptFeedback"),
               QJsonObject{{QStringLiteral("blockReason"), QStringLiteral("SAFETY")}}},
              {QStringLiteral("usageMetadata"), usage},
              {QStringLiteral("modelVersion"), model}});
        return;
    }
    send({{QStringLiteral("candidates"),
           QJsonArray{QJsonObject{{QStringLiteral("content"),
                                   QJsonObject{{QStringLiteral("parts"),
                                                QJsonArray{QJsonObject{{QStringLiteral("text"),
                                                                        QStringLiteral("ok")}}}},
                                               {QStringLiteral("role"), QStringLiteral("model")}}},
                                  {QStringLiteral("finishReason"), QStringLiteral("STOP")},
                                  {QStringLiteral("index"), 0}}}},
          {QStringLiteral("usageMetadata"), usage},
          {QStringLiteral("modelVersion"), model},
          {QStringLiteral("responseId"), QUuid::createUuid().toString(QUuid::Id128)}});
}

} // namespace ragdr::sandbox
