#include "llmcheck.h"

#include "embeddingdimension.h"
#include "endpointpool.h"
#include "geminiclient.h"

#include "core/secrets/secretstore.h"

#include <QLoggingCategory>

namespace ragdr::core {

Q_LOGGING_CATEGORY(lcLlm, "ragdr.llm", QtWarningMsg)

namespace {

const QString kPrompt = QStringLiteral("Reply with the single word: ok");
const QString kEmbedText = QStringLiteral("ragdr embedding dimension probe");

QString keyNameOf(const LlmEndpoint &e)
{
    return e.key.source == SecretRef::Source::None ? QString() : e.key.location;
}

} // namespace

EndpointReport LlmCheck::probe(const LlmEndpoint &endpoint,
                               const LlmSettings &settings,
                               int attempts,
                               int databaseDimension,
                               const CancelToken &cancel)
{
    EndpointReport report;
    report.name = endpoint.name;
    report.url = endpoint.url;
    report.model = endpoint.model;
    report.embeddingModel = endpoint.embeddingModel;
    report.keyName = keyNameOf(endpoint);
    report.databaseDimension = databaseDimension;
    report.checkedAt = QDateTime::currentDateTimeUtc();
    report.state = EndpointReport::State::Failed;

    auto key = SecretStore::read(endpoint.key);
    if (!key || key->isEmpty()) {
        report.failedStep = QStringLiteral("key");
        report.failure.cls = GeminiFailure::Class::NoKey;
        report.failure.message
            = key ? QStringLiteral("the profile names no key for %1").arg(endpoint.name)
                  : key.error().message;
        return report;
    }
    report.keyMask = SecretStore::mask(*key);
    const GeminiClient client(endpoint, *key, RetryPolicy(settings, attempts), settings.timeoutMs);

    // Each probe in turn; the first failure ends the check of this endpoint.
    auto step = [&](const QString &name, const GeminiResult &result) {
        QJsonObject json = result.toJson();
        json.insert(QStringLiteral("step"), name);
        report.steps.append(json);
        if (result.ok)
            return true;
        report.failedStep = name;
        report.failure = result.failure;
        return false;
    };
    if (!step(QStringLiteral("models.list"), client.listModels(cancel)))
        return report;
    if (!step(QStringLiteral("models.get"), client.getModel(endpoint.model, cancel)))
        return report;
    const GeminiResult generated = client.generate(kPrompt, cancel);
    report.latencyMs = generated.latencyMs;
    if (!step(QStringLiteral("generate"), generated))
        return report;
    if (!endpoint.embeddingModel.isEmpty()) {
        const GeminiResult embedded = client.embed(kEmbedText, cancel);
        if (!step(QStringLiteral("embed"), embedded))
            return report;
        report.embeddingDimension = int(embedded.json.value(QLatin1String("embedding"))
                                            .toObject()
                                            .value(QLatin1String("values"))
                                            .toArray()
                                            .size());
        if (databaseDimension > 0 && report.embeddingDimension != databaseDimension) {
            report.failedStep = QStringLiteral("embed");
            report.failure.cls = GeminiFailure::Class::DimensionMismatch;
            report.failure.httpStatus = 200;
            report.failure.message
                = QStringLiteral("%1 returns %2-dimensional embeddings, the database holds "
                                 "%3-dimensional ones: retrieval would compare unlike vectors")
                      .arg(endpoint.embeddingModel)
                      .arg(report.embeddingDimension)
                      .arg(databaseDimension);
            return report;
        }
    }
    report.state = EndpointReport::State::Ok;
    return report;
}

OperationResult LlmCheck::run(const Profile &profile,
                              const Options &options,
                              EndpointPool &pool,
                              const Progress &progress)
{
    const QString untouched = QStringLiteral("nothing was changed: the check only reads");
    QList<LlmEndpoint> endpoints = profile.llmEndpoints;
    if (!options.endpoint.isEmpty()) {
        endpoints.removeIf([&](const LlmEndpoint &e) { return e.name != options.endpoint; });
        if (endpoints.isEmpty()) {
            QStringList names;
            for (const LlmEndpoint &e : profile.llmEndpoints)
                names.append(e.name);
            return OperationResult::failure(Error::badInput(
                QStringLiteral("the profile has no LLM endpoint \"%1\" (it has: %2)")
                    .arg(options.endpoint, names.join(QStringLiteral(", ")))));
        }
    }
    if (endpoints.isEmpty())
        return OperationResult::failure(
            Error::badInput(QStringLiteral("the profile lists no LLM endpoints (llm.endpoints)")));

    QStringList warnings;
    QJsonObject evidence;
    int databaseDimension = -1;
    const Region *region = options.region.isEmpty() ? &profile.regions.constFirst()
                                                    : profile.region(options.region);
    if (region && profile.schema.hasEmbeddings()
        && std::any_of(endpoints.cbegin(), endpoints.cend(), [](const LlmEndpoint &e) {
               return !e.embeddingModel.isEmpty();
           })) {
        progress.set(0.02, QStringLiteral("reading the database's embedding dimension"));
        if (auto fact = EmbeddingDimension::of(profile, *region, progress.cancelToken())) {
            databaseDimension = fact->dimension;
            evidence.insert(QStringLiteral("database_dimension"), fact->dimension);
            evidence.insert(QStringLiteral("dimension_source"), fact->source);
        } else {
            warnings.append(QStringLiteral("could not check the embedding dimension: %1")
                                .arg(fact.error().message));
        }
    }

    QList<EndpointReport> reports;
    QString live;
    QStringList failures;
    for (int i = 0; i < endpoints.size(); ++i) {
        const LlmEndpoint &e = endpoints.at(i);
        if (progress.isCancelled())
            return OperationResult::failure(Error::cancelled(untouched));
        EndpointReport report;
        if (!live.isEmpty() || (options.endpoint.isEmpty() && pool.isCooling(e.name))) {
            report.name = e.name;
            report.url = e.url;
            report.model = e.model;
            report.embeddingModel = e.embeddingModel;
            report.keyName = keyNameOf(e);
            report.state = live.isEmpty() ? EndpointReport::State::CoolingDown
                                          : EndpointReport::State::Standby;
            report.cooledUntil = pool.cooledUntil(e.name);
            if (report.state == EndpointReport::State::CoolingDown)
                failures.append(QStringLiteral("%1: %2").arg(e.name, report.summary()));
            reports.append(report);
            continue;
        }
        // With another endpoint to fall back on, an endpoint gets fewer tries (LiteLLM's
        // fallback): the next one answers sooner than a long backoff here would.
        bool another = false;
        for (int j = i + 1; j < endpoints.size(); ++j)
            another = another || !pool.isCooling(endpoints.at(j).name);
        const int attempts = another ? profile.llm.attemptsBeforeFailover : profile.llm.attempts;
        progress.set(0.05 + 0.9 * i / endpoints.size(), QStringLiteral("probing %1").arg(e.name));
        report = probe(e, profile.llm, attempts, databaseDimension, progress.cancelToken());
        if (progress.isCancelled())
            return OperationResult::failure(Error::cancelled(untouched));
        if (report.state == EndpointReport::State::Ok) {
            pool.succeeded(e.name);
            report.live = true;
            live = e.name;
        } else {
            // A missing key is ours to fix and costs the provider nothing: no cooldown for it.
            if (report.failure.cls != GeminiFailure::Class::NoKey)
                pool.failed(e.name);
            report.cooledUntil = pool.cooledUntil(e.name);
            failures.append(QStringLiteral("%1: %2").arg(e.name, report.summary()));
            qCInfo(lcLlm) << "endpoint" << e.name << "failed:" << report.failure.className();
        }
        reports.append(report);
    }

    QJsonArray json;
    for (const EndpointReport &r : std::as_const(reports))
        json.append(r.toJson());
    evidence.insert(QStringLiteral("endpoints"), json);
    evidence.insert(QStringLiteral("live"), live);
    if (region)
        evidence.insert(QStringLiteral("region"), region->name);
    if (live.isEmpty()) {
        OperationResult r
            = OperationResult::failure(Error::failed(QStringLiteral("no LLM endpoint answers: %1")
                                                         .arg(failures.join(QStringLiteral("; "))),
                                                     untouched),
                                       evidence);
        r.warnings = warnings;
        return r;
    }
    const EndpointReport *liveReport = nullptr;
    for (const EndpointReport &r : std::as_const(reports)) {
        if (r.live)
            liveReport = &r;
    }
    QString message = QStringLiteral("%1 %2").arg(live, liveReport->summary());
    if (!failures.isEmpty())
        message += QStringLiteral(" (failed over: %1)").arg(failures.join(QStringLiteral("; ")));
    OperationResult r = OperationResult::success(message, evidence);
    r.warnings = warnings;
    return r;
}

} // namespace ragdr::core
