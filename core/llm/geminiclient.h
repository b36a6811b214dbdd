#pragma once

#include "geminifailure.h"
#include "retrypolicy.h"

#include "core/base/canceltoken.h"
#include "core/profile/profile.h"

#include <QJsonObject>
#include <QList>

#include <functional>

namespace ragdr::core {

struct GeminiRequest;

// The outcome of one Gemini call after its retries: the answer, or why there is none, with every
// try and wait it took (what the panel and the tests look at).
struct GeminiResult
{
    bool ok = false;
    bool cancelled = false;
    QJsonObject json;      // the answer, when ok
    GeminiFailure failure; // the last try's failure, when not ok
    qint64 latencyMs = 0;  // the last try's round trip
    int tries = 0;
    QList<qint64> waitsMs; // the waits between tries, as measured

    QJsonObject toJson() const;
};

// Gemini's REST API on one endpoint with one key, blocking on an operation's worker thread; the
// requests go through the LLM thread (GeminiTransport). The key goes in x-goog-api-key only.
class GeminiClient final
{
public:
    GeminiClient(LlmEndpoint endpoint, QByteArray key, RetryPolicy policy, int timeoutMs);

    // GET /models: the cheapest check of the key and of reachability.
    GeminiResult listModels(const CancelToken &cancel) const;
    // GET /models/{model}: the configured model exists.
    GeminiResult getModel(const QString &model, const CancelToken &cancel) const;
    // POST /models/{model}:generateContent with a tiny prompt; a blocked answer is a failure.
    GeminiResult generate(const QString &prompt, const CancelToken &cancel) const;
    // POST /models/{embedding model}:embedContent (RETRIEVAL_QUERY); values must be there.
    GeminiResult embed(const QString &text, const CancelToken &cancel) const;

    // "gemini-2.0-flash" or "models/gemini-2.0-flash" -> "models/gemini-2.0-flash".
    static QString resourceName(const QString &model);

private:
    // A 200's body checked: an empty failure when it is the documented answer.
    using Validator = std::function<GeminiFailure(const QJsonObject &)>;
    GeminiResult send(const GeminiRequest &request,
                      const Validator &validate,
                      const CancelToken &cancel) const;
    GeminiRequest request(const QByteArray &verb,
                          const QString &path,
                          const QJsonObject &body) const;

    LlmEndpoint m_endpoint;
    QByteArray m_key;
    RetryPolicy m_policy;
    int m_timeoutMs;
};

} // namespace ragdr::core
