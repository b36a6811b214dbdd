// Gemini's error bodies as Google documents them, each classified; the retry schedule; the
// profile's llm section.
#include "core/llm/geminifailure.h"
#include "core/llm/retrypolicy.h"
#include "core/profile/profileloader.h"

#include <QNetworkReply>

#include <gtest/gtest.h>

using namespace ragdr::core;
using Class = GeminiFailure::Class;

namespace {

// Verbatim shapes from ai.google.dev's error page and from public reports of real answers.
const QByteArray kInvalidKey = R"({
  "error": {
    "code": 400,
    "message": "API key not valid. Please pass a valid API key.",
    "status": "INVALID_ARGUMENT",
    "details": [
      {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
       "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
      {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
       "message": "API key not valid. Please pass a valid API key."}
    ]
  }
})";

const QByteArray kQuotaPerMinute = R"({
  "error": {
    "code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
      {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
       "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count",
                       "quotaId": "GenerateContentPaidTierInputTokensPerModelPerMinute",
                       "quotaDimensions": {"location": "global", "model": "gemini-2.0-flash"},
                       "quotaValue": "4000000"}]},
      {"@type": "type.googleapis.com/google.rpc.Help",
       "links": [{"description": "Learn more about Gemini API quotas",
                  "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
      {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "47.43s"}
    ]
  }
})";

QByteArray quotaPerDay()
{
    QByteArray body = kQuotaPerMinute;
    return body.replace("GenerateContentPaidTierInputTokensPerModelPerMinute",
                        "GenerateRequestsPerDayPerProjectPerModel-FreeTier");
}

GeminiFailure classify(int status,
                       const QByteArray &body,
                       const QByteArray &type = "application/json")
{
    return GeminiFailure::fromHttp(status, body, type);
}

} // namespace

TEST(GeminiFailure, InvalidKeyFromErrorInfoIsNotRetryable)
{
    const GeminiFailure f = classify(400, kInvalidKey);
    EXPECT_EQ(f.cls, Class::InvalidKey);
    EXPECT_EQ(f.reason, QStringLiteral("API_KEY_INVALID"));
    EXPECT_EQ(f.googleStatus, QStringLiteral("INVALID_ARGUMENT"));
    EXPECT_FALSE(f.isRetryable());
    EXPECT_TRUE(f.advice().contains(QStringLiteral("replace it")));
}

TEST(GeminiFailure, PermissionClassesFromTheirReasons)
{
    EXPECT_EQ(
        classify(
            403,
            R"({"error":{"code":403,"message":"Generative Language API has not been used in project 1 before or it is disabled.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED","domain":"googleapis.com"}]}})")
            .cls,
        Class::ApiDisabled);
    EXPECT_EQ(
        classify(
            403,
            R"({"error":{"code":403,"message":"Permission denied: Consumer 'api_key:x' has been suspended.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"CONSUMER_SUSPENDED"}]}})")
            .cls,
        Class::ConsumerSuspended);
    EXPECT_EQ(
        classify(
            403,
            R"({"error":{"code":403,"message":"Method doesn't allow unregistered callers (callers without established identity).","status":"PERMISSION_DENIED"}})")
            .cls,
        Class::PermissionDenied);
    EXPECT_EQ(
        classify(
            400,
            R"({"error":{"code":400,"message":"User location is not supported for the API use without a billing account linked.","status":"FAILED_PRECONDITION"}})")
            .cls,
        Class::Billing);
}

TEST(GeminiFailure, QuotaPerMinuteCarriesRetryDelayAndQuotaId)
{
    const GeminiFailure f = classify(429, kQuotaPerMinute);
    EXPECT_EQ(f.cls, Class::QuotaPerMinute);
    EXPECT_EQ(f.retryDelayMs, 47430);
    EXPECT_EQ(f.quotaId, QStringLiteral("GenerateContentPaidTierInputTokensPerModelPerMinute"));
    EXPECT_EQ(f.helpUrl, QStringLiteral("https://ai.google.dev/gemini-api/docs/rate-limits"));
    EXPECT_TRUE(f.isRetryable());
}

TEST(GeminiFailure, QuotaPerDayIsNotRetried)
{
    const GeminiFailure f = classify(429, quotaPerDay());
    EXPECT_EQ(f.cls, Class::QuotaPerDay);
    EXPECT_FALSE(f.isRetryable());
}

TEST(GeminiFailure, ServerSideClasses)
{
    EXPECT_EQ(
        classify(
            404,
            R"({"error":{"code":404,"message":"models/x is not found for API version v1beta","status":"NOT_FOUND"}})")
            .cls,
        Class::UnknownModel);
    EXPECT_EQ(
        classify(
            500,
            R"({"error":{"code":500,"message":"An internal error has occurred.","status":"INTERNAL"}})")
            .cls,
        Class::ServerError);
    EXPECT_EQ(
        classify(
            503,
            R"({"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}})")
            .cls,
        Class::Overloaded);
    EXPECT_EQ(
        classify(
            504,
            R"({"error":{"code":504,"message":"Deadline expired before operation could complete.","status":"DEADLINE_EXCEEDED"}})")
            .cls,
        Class::Timeout);
}

TEST(GeminiFailure, BodiesGoogleDoesNotDocumentStillGetAClassAndAClearMessage)
{
    const GeminiFailure html = classify(
        502,
        "<!DOCTYPE html><html><head><title>Error 502 (Server Error)!!1</title></head></html>",
        "text/html; charset=UTF-8");
    EXPECT_EQ(html.cls, Class::ServerError);
    EXPECT_TRUE(html.message.contains(QStringLiteral("HTML page \"Error 502 (Server Error)!!1\"")))
        << qPrintable(html.message);

    const GeminiFailure cut = classify(503,
                                       R"({"error": {"code": 503, "message": "The model is ov)");
    EXPECT_EQ(cut.cls, Class::Overloaded);
    EXPECT_TRUE(cut.message.contains(QStringLiteral("cut short"))) << qPrintable(cut.message);

    const GeminiFailure array = classify(429, "[" + kQuotaPerMinute + "]");
    EXPECT_EQ(array.cls, Class::QuotaPerMinute);
    EXPECT_EQ(array.retryDelayMs, 47430);

    const GeminiFailure text = classify(403, "Forbidden by corporate proxy", "text/plain");
    EXPECT_EQ(text.cls, Class::PermissionDenied);
    EXPECT_TRUE(text.message.contains(QStringLiteral("Forbidden by corporate proxy")));

    EXPECT_EQ(classify(200, "<html>captive portal</html>", "text/html").cls, Class::BadResponse);
    EXPECT_EQ(classify(418, "").cls, Class::Unexpected);
}

TEST(GeminiFailure, NetworkErrors)
{
    EXPECT_EQ(GeminiFailure::fromNetwork(QNetworkReply::HostNotFoundError, {}).cls, Class::Dns);
    EXPECT_EQ(GeminiFailure::fromNetwork(QNetworkReply::SslHandshakeFailedError, {}).cls,
              Class::Tls);
    EXPECT_EQ(GeminiFailure::fromNetwork(QNetworkReply::TimeoutError, {}).cls, Class::Timeout);
    EXPECT_EQ(GeminiFailure::fromNetwork(QNetworkReply::ConnectionRefusedError, {}).cls,
              Class::Connection);
    EXPECT_FALSE(GeminiFailure::fromNetwork(QNetworkReply::HostNotFoundError, {}).isRetryable());
    EXPECT_TRUE(GeminiFailure::fromNetwork(QNetworkReply::RemoteHostClosedError, {}).isRetryable());
}

TEST(GeminiFailure, JsonRoundTrip)
{
    const GeminiFailure f = classify(429, kQuotaPerMinute);
    const GeminiFailure back = GeminiFailure::fromJson(f.toJson());
    EXPECT_EQ(back.cls, f.cls);
    EXPECT_EQ(back.retryDelayMs, f.retryDelayMs);
    EXPECT_EQ(back.quotaId, f.quotaId);
    EXPECT_EQ(GeminiFailure::parseDurationMs(QStringLiteral("2s")), 2000);
    EXPECT_EQ(GeminiFailure::parseDurationMs(QStringLiteral("0.5s")), 500);
    EXPECT_EQ(GeminiFailure::parseDurationMs(QStringLiteral("soon")), -1);
}

TEST(RetryPolicy, ExponentialWithJitterCappedAndNeverForConfigErrors)
{
    LlmSettings s;
    s.initialDelayMs = 1000;
    s.maxDelayMs = 5000;
    s.maxTotalWaitMs = 60000;
    const RetryPolicy policy(s, 5);
    const GeminiFailure overloaded = classify(503,
                                              R"({"error":{"code":503,"status":"UNAVAILABLE"}})");
    EXPECT_EQ(policy.nextDelayMs(1, overloaded, 0, 0.0), 1000);
    EXPECT_EQ(policy.nextDelayMs(2, overloaded, 0, 0.0), 2000);
    EXPECT_EQ(policy.nextDelayMs(2, overloaded, 0, 0.5), 2500); // jitter up to the initial delay
    EXPECT_EQ(policy.nextDelayMs(4, overloaded, 0, 0.9), 5000); // one wait capped
    EXPECT_FALSE(policy.nextDelayMs(5, overloaded, 0, 0.0));    // out of attempts
    EXPECT_FALSE(policy.nextDelayMs(1, classify(400, kInvalidKey), 0, 0.0));
    EXPECT_FALSE(policy.nextDelayMs(1, classify(429, quotaPerDay()), 0, 0.0));
}

TEST(RetryPolicy, QuotaWaitsItsRetryDelayWithinTheTotalCap)
{
    LlmSettings s;
    s.maxTotalWaitMs = 60000;
    const RetryPolicy policy(s, 5);
    const GeminiFailure quota = classify(429, kQuotaPerMinute);
    EXPECT_EQ(policy.nextDelayMs(1, quota, 0, 0.7), 47430);
    EXPECT_FALSE(policy.nextDelayMs(2, quota, 47430, 0.0)); // a second 47 s wait passes 60 s
}

TEST(Profile, LlmSectionReadsItsSettings)
{
    const QByteArray yaml = "ragdr_profile: 1\nservice: rag\n"
                            "regions:\n"
                            "  - name: eu\n"
                            "    kube: {context: c, namespace: rag-prod}\n"
                            "    database: {host: db, name: rag, user: rag_app}\n"
                            "    repositories: [{name: primary, path: /backups}]\n"
                            "llm:\n"
                            "  probe_interval: 30s\n"
                            "  timeout: 1.5s\n"
                            "  retry: {attempts: 3, before_failover: 1, initial_delay: 250ms, "
                            "max_delay: 4s, max_total_wait: 10s}\n"
                            "  cooldown: 2m\n"
                            "  status_feed: https://status.example/incidents.json\n"
                            "  service_config: {configmap: rag-config, key: GEMINI_BASE_URL}\n"
                            "  endpoints:\n"
                            "    - {name: a, url: 'https://g.example/v1beta/', model: m, "
                            "key: {keychain: k}, ca_file: ca.crt}\n";
    auto p = ProfileLoader::loadText(yaml, QStringLiteral("/etc/ragdr/p.yaml"));
    ASSERT_TRUE(p) << qPrintable(p.error().message);
    EXPECT_EQ(p->llm.probeIntervalSecs, 30);
    EXPECT_EQ(p->llm.timeoutMs, 1500);
    EXPECT_EQ(p->llm.attempts, 3);
    EXPECT_EQ(p->llm.attemptsBeforeFailover, 1);
    EXPECT_EQ(p->llm.initialDelayMs, 250);
    EXPECT_EQ(p->llm.maxDelayMs, 4000);
    EXPECT_EQ(p->llm.maxTotalWaitMs, 10000);
    EXPECT_EQ(p->llm.cooldownSecs, 120);
    EXPECT_EQ(p->llm.serviceConfigMap, QStringLiteral("rag-config"));
    EXPECT_EQ(p->llm.serviceConfigKey, QStringLiteral("GEMINI_BASE_URL"));
    ASSERT_EQ(p->llmEndpoints.size(), 1);
    EXPECT_EQ(p->llmEndpoints.first().url, QStringLiteral("https://g.example/v1beta"));
    EXPECT_EQ(p->llmEndpoints.first().caFile, QStringLiteral("/etc/ragdr/ca.crt"));

    QByteArray bad = yaml;
    bad.replace("timeout: 1.5s", "timeout: soon");
    auto refused = ProfileLoader::loadText(bad, QStringLiteral("/etc/ragdr/p.yaml"));
    ASSERT_FALSE(refused);
    EXPECT_TRUE(
        refused.error().message.contains(QStringLiteral("llm.timeout: expected a duration")))
        << qPrintable(refused.error().message);
}

TEST(Profile, RunbookProfileHasProbesOffAndTheServiceConfig)
{
    auto p = ProfileLoader::loadFile(
        QStringLiteral(RAGDR_SOURCE_DIR "/resources/profiles/rag-prod.yaml"));
    ASSERT_TRUE(p) << qPrintable(p.error().message);
    EXPECT_EQ(p->llm.probeIntervalSecs, 0);
    EXPECT_TRUE(p->llm.hasServiceConfig());
    EXPECT_EQ(p->llmEndpoints.size(), 2);
}
