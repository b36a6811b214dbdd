#include "checkregistry.h"

#include "platformchecks.h"
#include "recoverychecks.h"

#include "core/health/endpointchecks.h"
#include "core/health/goldenquerycheck.h"

namespace ragdr::core {

const QList<CheckRegistry::Kind> &CheckRegistry::kinds()
{
    // One entry per check kind. To add one: write the function (CheckContext in, CheckOutcome
    // out; see checkoutcome.h for the verdicts) and list it here.
    static const QList<Kind> all{
        {QStringLiteral("api-status"),
         QStringLiteral("GET /status in every region: the HTTP code, the status, each component"),
         EndpointChecks::needsEndpoints,
         EndpointChecks::status},
        {QStringLiteral("api-metrics"),
         QStringLiteral("two scrapes of /metrics: request rate, error ratio, latency quantiles"),
         EndpointChecks::needsEndpoints,
         EndpointChecks::metrics},
        {QStringLiteral("golden-queries"),
         QStringLiteral("the profile's sample RAG queries find the documents they expect"),
         GoldenQueryCheck::needs,
         GoldenQueryCheck::run},
        {QStringLiteral("pods-ready"),
         QStringLiteral("every deployment of the profile has all its pods ready, in every region"),
         PlatformChecks::needsDeployments,
         PlatformChecks::podsReady},
        {QStringLiteral("backup-verified"),
         QStringLiteral("the newest backup of every region passed a verification"),
         {},
         PlatformChecks::newestBackupVerified},
        {QStringLiteral("config-exported"),
         QStringLiteral("the Kubernetes configuration is saved with the newest backup, unchanged"),
         {},
         PlatformChecks::configurationExported},
        {QStringLiteral("restored-data"),
         QStringLiteral("the live database holds every row of the backup the incident restored"),
         {},
         RecoveryChecks::restoredData},
        {QStringLiteral("llm"),
         QStringLiteral("Gemini answers: the LLM panel's check, every endpoint asked afresh"),
         RecoveryChecks::needsLlm,
         RecoveryChecks::llmAnswers},
    };
    return all;
}

const CheckRegistry::Kind *CheckRegistry::find(const QString &name)
{
    for (const Kind &k : kinds()) {
        if (k.name == name)
            return &k;
    }
    return nullptr;
}

QStringList CheckRegistry::names()
{
    QStringList out;
    for (const Kind &k : kinds())
        out.append(k.name);
    return out;
}

} // namespace ragdr::core
