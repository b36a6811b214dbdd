#include "serviceswitch.h"

#include "endpointreport.h"
#include "llmcheck.h"

#include "core/cluster/deploymentactions.h"
#include "core/cluster/kubepaths.h"

#include <QJsonDocument>

namespace ragdr::core {

QString ServiceSwitch::previousAnnotation(const QString &key)
{
    return QStringLiteral("ragdr.io/previous-") + key;
}

QJsonObject ServiceSwitch::State::toJson() const
{
    return {{QStringLiteral("context"), context},
            {QStringLiteral("namespace"), ns},
            {QStringLiteral("configmap"), configMap},
            {QStringLiteral("key"), key},
            {QStringLiteral("url"), url},
            {QStringLiteral("endpoint"), endpoint},
            {QStringLiteral("previous_url"), previousUrl},
            {QStringLiteral("previous_endpoint"), previousEndpoint}};
}

ServiceSwitch::ServiceSwitch(KubeApi &api, const Profile &profile)
    : m_api(api)
    , m_profile(profile)
{}

QString ServiceSwitch::endpointFor(const QString &url) const
{
    QString trimmed = url.trimmed();
    while (trimmed.endsWith(QLatin1Char('/')))
        trimmed.chop(1);
    for (const LlmEndpoint &e : m_profile.llmEndpoints) {
        if (e.url == trimmed)
            return e.name;
    }
    return {};
}

Result<ServiceSwitch::State> ServiceSwitch::read(const CancelToken &cancel) const
{
    const LlmSettings &s = m_profile.llm;
    if (!s.hasServiceConfig()) {
        return fail(Error::badInput(
            QStringLiteral("the profile does not say where the service reads its LLM endpoint "
                           "(llm.service_config: {configmap: NAME, key: KEY})")));
    }
    const QString ns = m_api.connection().ns();
    auto configMap = m_api.json(KubeRequest::get(kubepaths::configMaps(ns) + QLatin1Char('/')
                                                 + s.serviceConfigMap),
                                cancel,
                                QStringLiteral("reading ConfigMap %1").arg(s.serviceConfigMap));
    if (!configMap)
        return fail(configMap.error());
    State state;
    state.context = m_api.connection().access().context;
    state.ns = ns;
    state.configMap = s.serviceConfigMap;
    state.key = s.serviceConfigKey;
    const QJsonObject data = configMap->value(QLatin1String("data")).toObject();
    if (!data.contains(s.serviceConfigKey)) {
        return fail(Error::failed(QStringLiteral("ConfigMap %1 in %2 has no key %3: the profile's "
                                                 "llm.service_config does not match the service")
                                      .arg(s.serviceConfigMap, ns, s.serviceConfigKey)));
    }
    state.url = data.value(s.serviceConfigKey).toString();
    state.endpoint = endpointFor(state.url);
    state.previousUrl = configMap->value(QLatin1String("metadata"))
                            .toObject()
                            .value(QLatin1String("annotations"))
                            .toObject()
                            .value(previousAnnotation(s.serviceConfigKey))
                            .toString();
    state.previousEndpoint = endpointFor(state.previousUrl);
    return state;
}

OperationResult ServiceSwitch::run(const LlmEndpoint *target, const Progress &progress)
{
    const CancelToken &cancel = progress.cancelToken();
    const LlmSettings &s = m_profile.llm;
    const QString ns = m_api.connection().ns();
    const QString context = m_api.connection().access().context;
    QJsonObject evidence{{QStringLiteral("context"), context},
                         {QStringLiteral("namespace"), ns},
                         {QStringLiteral("configmap"), s.serviceConfigMap},
                         {QStringLiteral("key"), s.serviceConfigKey}};
    const QString unchanged = QStringLiteral("ConfigMap %1 and the deployments in %2 (context %3) "
                                             "were not changed")
                                  .arg(s.serviceConfigMap, ns, context);

    progress.set(0.0, QStringLiteral("checking permission"));
    DeploymentActions actions(m_api);
    QList<std::pair<QString, QString>> needed{{QStringLiteral("configmaps"), s.serviceConfigMap}};
    for (const DeploymentSpec &d : m_profile.deployments)
        needed.append({QStringLiteral("deployments"), d.name});
    for (const auto &[resource, name] : needed) {
        auto allowed = actions.mayI(QStringLiteral("patch"),
                                    resource,
                                    QString(),
                                    name,
                                    cancel,
                                    resource == QLatin1String("configmaps")
                                        ? QString()
                                        : QStringLiteral("apps"));
        if (!allowed)
            return OperationResult::failure(allowed.error().withUntouched(unchanged), evidence);
        if (!allowed->allowed) {
            return OperationResult::failure(
                Error::refused(QStringLiteral("the API server says you may not %1%2")
                                   .arg(allowed->describe,
                                        allowed->reason.isEmpty()
                                            ? QString()
                                            : QStringLiteral(": ") + allowed->reason),
                               unchanged),
                evidence);
        }
    }

    progress.set(0.05, QStringLiteral("reading ConfigMap %1").arg(s.serviceConfigMap));
    auto state = read(cancel);
    if (!state)
        return OperationResult::failure(state.error().withUntouched(unchanged), evidence);
    QString newUrl;
    if (target) {
        newUrl = target->url;
    } else {
        if (state->previousUrl.isEmpty()) {
            return OperationResult::failure(
                Error::refused(QStringLiteral("ConfigMap %1 carries no record of a switch by "
                                              "ragdr (annotation %2): nothing to switch back to")
                                   .arg(s.serviceConfigMap, previousAnnotation(s.serviceConfigKey)),
                               unchanged),
                evidence);
        }
        newUrl = state->previousUrl;
    }
    evidence.insert(QStringLiteral("before"), state->url);
    evidence.insert(QStringLiteral("after"), newUrl);
    const QString newEndpoint = endpointFor(newUrl);

    const bool change = state->url != newUrl;
    if (change) {
        // What the switch replaces goes into an annotation, so that "switch back" restores it
        // whatever it was; switching back removes the record.
        const QJsonObject patch{{QStringLiteral("metadata"),
                                 QJsonObject{{QStringLiteral("annotations"),
                                              QJsonObject{{previousAnnotation(s.serviceConfigKey),
                                                           target ? QJsonValue(state->url)
                                                                  : QJsonValue::Null}}}}},
                                {QStringLiteral("data"), QJsonObject{{s.serviceConfigKey, newUrl}}}};
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("fieldManager"), QStringLiteral("ragdr"));
        progress.set(0.1,
                     QStringLiteral("setting %1 in %2 to %3")
                         .arg(s.serviceConfigKey, s.serviceConfigMap, newUrl));
        auto patched = m_api.json(KubeRequest::patch(kubepaths::configMaps(ns) + QLatin1Char('/')
                                                         + s.serviceConfigMap,
                                                     "application/merge-patch+json",
                                                     QJsonDocument(patch).toJson(
                                                         QJsonDocument::Compact),
                                                     query),
                                  cancel,
                                  QStringLiteral("patching ConfigMap %1").arg(s.serviceConfigMap));
        if (!patched)
            return OperationResult::failure(patched.error().withUntouched(unchanged), evidence);

        // The pods read the ConfigMap when they start: restart both, as kubectl rollout restart.
        const int count = int(m_profile.deployments.size());
        for (int i = 0; i < count; ++i) {
            const QString name = m_profile.deployments.at(i).name;
            OperationResult restarted = actions.restart(name,
                                                        progress.sub(0.15 + 0.65 * i / count,
                                                                     0.15 + 0.65 * (i + 1) / count));
            evidence.insert(QStringLiteral("restart_") + name, restarted.evidence);
            if (!restarted.ok()) {
                restarted.message = QStringLiteral("%1 now says %2, but restarting %3 failed: %4")
                                        .arg(s.serviceConfigMap, newUrl, name, restarted.message);
                restarted.untouched = QStringLiteral("the ConfigMap change is in place; pods "
                                                     "started before it still use %1")
                                          .arg(state->url);
                restarted.evidence = evidence;
                return restarted;
            }
        }
    }

    const LlmEndpoint *probed = nullptr;
    for (const LlmEndpoint &e : m_profile.llmEndpoints) {
        if (e.name == newEndpoint)
            probed = &e;
    }
    QString what = change ? QStringLiteral("switched the service in %1 (context %2) from %3 to %4; "
                                           "%5 restarted")
                                .arg(ns,
                                     context,
                                     state->url,
                                     newUrl,
                                     [&] {
                                         QStringList names;
                                         for (const DeploymentSpec &d : m_profile.deployments)
                                             names.append(d.name);
                                         return names.join(QStringLiteral(" and "));
                                     }())
                          : QStringLiteral("the service in %1 (context %2) already uses %3")
                                .arg(ns, context, newUrl);
    if (!probed) {
        OperationResult r = OperationResult::success(what, evidence);
        r.warnings.append(
            QStringLiteral("no endpoint of the profile has the URL %1: it was not probed")
                .arg(newUrl));
        return r;
    }
    progress.set(0.85, QStringLiteral("probing %1").arg(probed->name));
    const EndpointReport report
        = LlmCheck::probe(*probed, m_profile.llm, m_profile.llm.attempts, -1, cancel);
    evidence.insert(QStringLiteral("probe"), report.toJson());
    if (report.state != EndpointReport::State::Ok) {
        return OperationResult::failure(
            Error::failed(QStringLiteral("%1, but %2 does not answer: %3")
                              .arg(what, probed->name, report.summary()),
                          QStringLiteral("the switch is in place; switch back or to another "
                                         "endpoint")),
            evidence);
    }
    return OperationResult::success(QStringLiteral("%1; %2 %3")
                                        .arg(what, probed->name, report.summary()),
                                    evidence);
}

} // namespace ragdr::core
