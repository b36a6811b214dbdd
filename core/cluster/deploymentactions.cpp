#include "deploymentactions.h"

#include "kubepaths.h"
#include "kubetime.h"
#include "rolloutstatus.h"

#include "core/base/backoff.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>

namespace ragdr::core {

namespace {

using namespace std::chrono_literals;

// Between reads of a rollout that the server refused or failed: soon enough for a progress bar.
constexpr Backoff::Policy kRolloutRetryPolicy{500ms, 5s, 30s};

QJsonObject spec(const QJsonObject &o)
{
    return o.value(QLatin1String("spec")).toObject();
}

QJsonObject status(const QJsonObject &o)
{
    return o.value(QLatin1String("status")).toObject();
}

QString resourceVersion(const QJsonObject &o)
{
    return o.value(QLatin1String("metadata"))
        .toObject()
        .value(QLatin1String("resourceVersion"))
        .toString();
}

// How far a rollout is, for a progress bar: new pods made, then new pods available.
double rolloutFraction(const QJsonObject &deployment)
{
    const int desired = spec(deployment).value(QLatin1String("replicas")).toInt(1);
    if (desired <= 0) {
        const int left = status(deployment).value(QLatin1String("replicas")).toInt();
        return left == 0 ? 1.0 : 0.5;
    }
    const double updated
        = std::min(1.0,
                   status(deployment).value(QLatin1String("updatedReplicas")).toInt()
                       / double(desired));
    const double available
        = std::min(1.0,
                   status(deployment).value(QLatin1String("availableReplicas")).toInt()
                       / double(desired));
    return 0.4 * updated + 0.6 * available;
}

} // namespace

DeploymentActions::DeploymentActions(KubeApi &api)
    : m_api(api)
{}

QString DeploymentActions::describeTarget(const QString &name) const
{
    const ClusterAccess &a = m_api.connection().access();
    return QStringLiteral("deployment %1 in namespace %2 (context %3)").arg(name, a.ns, a.context);
}

Result<AccessCheck> DeploymentActions::mayI(const QString &verb,
                                            const QString &resource,
                                            const QString &subresource,
                                            const QString &name,
                                            const CancelToken &cancel,
                                            const QString &group)
{
    const QString ns = m_api.connection().ns();
    QJsonObject attributes{{QStringLiteral("namespace"), ns},
                           {QStringLiteral("verb"), verb},
                           {QStringLiteral("group"), group},
                           {QStringLiteral("resource"), resource},
                           {QStringLiteral("name"), name}};
    if (!subresource.isEmpty())
        attributes.insert(QStringLiteral("subresource"), subresource);
    const QJsonObject review{{QStringLiteral("apiVersion"),
                              QStringLiteral("authorization.k8s.io/v1")},
                             {QStringLiteral("kind"), QStringLiteral("SelfSubjectAccessReview")},
                             {QStringLiteral("spec"),
                              QJsonObject{{QStringLiteral("resourceAttributes"), attributes}}}};
    KubeRequest request;
    request.verb = "POST";
    request.path = kubepaths::selfSubjectAccessReviews();
    request.contentType = "application/json";
    request.body = QJsonDocument(review).toJson(QJsonDocument::Compact);
    auto answer = m_api.json(request,
                             cancel,
                             QStringLiteral("asking whether you may %1 %2").arg(verb, resource));
    if (!answer)
        return fail(answer.error());
    AccessCheck check;
    check.allowed = status(*answer).value(QLatin1String("allowed")).toBool();
    check.reason = status(*answer).value(QLatin1String("reason")).toString();
    check.describe = QStringLiteral("%1 %2%3 %4 in %5")
                         .arg(verb,
                              resource,
                              subresource.isEmpty() ? QString() : QLatin1Char('/') + subresource,
                              name,
                              ns);
    return check;
}

OperationResult DeploymentActions::scale(const QString &name,
                                         int replicas,
                                         std::optional<int> expectedCurrent,
                                         const Progress &progress,
                                         int timeoutSecs)
{
    const QString ns = m_api.connection().ns();
    const QString target = describeTarget(name);
    const CancelToken &cancel = progress.cancelToken();
    QJsonObject evidence{{QStringLiteral("deployment"), name},
                         {QStringLiteral("namespace"), ns},
                         {QStringLiteral("context"), m_api.connection().access().context},
                         {QStringLiteral("replicas"), replicas}};
    const QString untouched = QStringLiteral("%1 was not changed").arg(target);

    progress.set(0.0, QStringLiteral("checking permission"));
    auto allowed = mayI(QStringLiteral("update"),
                        QStringLiteral("deployments"),
                        QStringLiteral("scale"),
                        name,
                        cancel);
    if (!allowed)
        return OperationResult::failure(allowed.error().withUntouched(untouched), evidence);
    evidence.insert(QStringLiteral("permission"),
                    allowed->allowed ? QStringLiteral("allowed") : QStringLiteral("denied"));
    if (!allowed->allowed) {
        return OperationResult::failure(Error::refused(QStringLiteral(
                                                           "the API server says you may not %1%2")
                                                           .arg(allowed->describe,
                                                                allowed->reason.isEmpty()
                                                                    ? QString()
                                                                    : QStringLiteral(": ")
                                                                          + allowed->reason),
                                                       untouched),
                                        evidence);
    }

    progress.set(0.05, QStringLiteral("reading the current scale"));
    auto current = m_api.json(KubeRequest::get(kubepaths::scale(ns, name)),
                              cancel,
                              QStringLiteral("reading the scale of %1").arg(name));
    if (!current)
        return OperationResult::failure(current.error().withUntouched(untouched), evidence);
    const int before = spec(*current).value(QLatin1String("replicas")).toInt();
    evidence.insert(QStringLiteral("replicas_before"), before);
    if (expectedCurrent && *expectedCurrent != before) {
        return OperationResult::failure(Error::refused(QStringLiteral(
                                                           "%1 has %2 replicas now, not the %3 "
                                                           "shown when you decided: someone else "
                                                           "scaled it; look again before scaling")
                                                           .arg(target)
                                                           .arg(before)
                                                           .arg(*expectedCurrent),
                                                       untouched),
                                        evidence);
    }
    if (before != replicas) {
        QJsonObject scaleObject = *current;
        QJsonObject s = spec(scaleObject);
        s.insert(QStringLiteral("replicas"), replicas);
        scaleObject.insert(QStringLiteral("spec"), s);
        scaleObject.remove(QStringLiteral("status"));
        KubeRequest put;
        put.verb = "PUT";
        put.path = kubepaths::scale(ns, name);
        put.contentType = "application/json";
        put.body = QJsonDocument(scaleObject).toJson(QJsonDocument::Compact);
        progress.set(0.1,
                     QStringLiteral("scaling %1 from %2 to %3").arg(name).arg(before).arg(replicas));
        auto response = m_api.call(put, cancel);
        if (!response)
            return OperationResult::failure(response.error().withUntouched(untouched), evidence);
        if (response->status == 409) {
            // A conflict: another change came first, or our own earlier attempt did (a retried
            // request whose first reply was lost). Only the latter is fine.
            auto now = m_api.json(KubeRequest::get(kubepaths::scale(ns, name)),
                                  cancel,
                                  QStringLiteral("re-reading the scale"));
            if (!now || spec(*now).value(QLatin1String("replicas")).toInt() != replicas) {
                return OperationResult::failure(
                    Error::refused(
                        QStringLiteral(
                            "%1 was changed by someone else while it was being scaled (409 "
                            "Conflict); look again before scaling")
                            .arg(target),
                        untouched),
                    evidence);
            }
        } else if (response->status < 200 || response->status > 299) {
            return OperationResult::failure(KubeConnection::errorFrom(response->status,
                                                                      response->body,
                                                                      QStringLiteral("scaling %1")
                                                                          .arg(name))
                                                .withUntouched(untouched),
                                            evidence);
        }
    }
    OperationResult waited
        = waitForRollout(name,
                         progress.sub(0.15, 1.0),
                         timeoutSecs,
                         QStringLiteral("scaling %1 to %2").arg(name).arg(replicas));
    waited.evidence.insert(QStringLiteral("scale"), evidence);
    if (waited.ok()) {
        waited.message = before == replicas
                             ? QStringLiteral("%1 already had %2 replicas; all available")
                                   .arg(target)
                                   .arg(replicas)
                             : QStringLiteral("scaled %1 from %2 to %3; %3 available")
                                   .arg(target)
                                   .arg(before)
                                   .arg(replicas);
    } else if (waited.untouched.isEmpty()) {
        waited.untouched
            = QStringLiteral("the scale to %1 was applied; pods keep converging").arg(replicas);
    }
    return waited;
}

OperationResult DeploymentActions::restart(const QString &name,
                                           const Progress &progress,
                                           int timeoutSecs)
{
    const QString ns = m_api.connection().ns();
    const QString target = describeTarget(name);
    const CancelToken &cancel = progress.cancelToken();
    const QString untouched = QStringLiteral("%1 was not changed").arg(target);
    QJsonObject evidence{{QStringLiteral("deployment"), name},
                         {QStringLiteral("namespace"), ns},
                         {QStringLiteral("context"), m_api.connection().access().context}};

    progress.set(0.0, QStringLiteral("checking permission"));
    auto allowed
        = mayI(QStringLiteral("patch"), QStringLiteral("deployments"), QString(), name, cancel);
    if (!allowed)
        return OperationResult::failure(allowed.error().withUntouched(untouched), evidence);
    if (!allowed->allowed) {
        return OperationResult::failure(Error::refused(QStringLiteral(
                                                           "the API server says you may not %1")
                                                           .arg(allowed->describe),
                                                       untouched),
                                        evidence);
    }
    auto deployment = m_api.json(KubeRequest::get(kubepaths::deployment(ns, name)),
                                 cancel,
                                 QStringLiteral("reading %1").arg(name));
    if (!deployment)
        return OperationResult::failure(deployment.error().withUntouched(untouched), evidence);
    if (spec(*deployment).value(QLatin1String("paused")).toBool()) {
        return OperationResult::failure(Error::refused(QStringLiteral(
                                                           "can't restart paused deployment %1 "
                                                           "(run kubectl rollout resume first)")
                                                           .arg(name),
                                                       untouched),
                                        evidence);
    }
    const QString restartedAt = kubetime::format(QDateTime::currentDateTimeUtc());
    const QJsonObject patch{
        {QStringLiteral("spec"),
         QJsonObject{
             {QStringLiteral("template"),
              QJsonObject{
                  {QStringLiteral("metadata"),
                   QJsonObject{{QStringLiteral("annotations"),
                                QJsonObject{{QStringLiteral("kubectl.kubernetes.io/restartedAt"),
                                             restartedAt}}}}}}}}}};
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("fieldManager"), QStringLiteral("kubectl-rollout"));
    progress.set(0.05, QStringLiteral("restarting %1").arg(name));
    auto patched = m_api.json(KubeRequest::patch(kubepaths::deployment(ns, name),
                                                 "application/strategic-merge-patch+json",
                                                 QJsonDocument(patch).toJson(QJsonDocument::Compact),
                                                 query),
                              cancel,
                              QStringLiteral("restarting %1").arg(name));
    if (!patched)
        return OperationResult::failure(patched.error().withUntouched(untouched), evidence);
    evidence.insert(QStringLiteral("restartedAt"), restartedAt);
    OperationResult waited = waitForRollout(name,
                                            progress.sub(0.1, 1.0),
                                            timeoutSecs,
                                            QStringLiteral("restarting %1").arg(name));
    waited.evidence.insert(QStringLiteral("restart"), evidence);
    if (waited.ok())
        waited.message
            = QStringLiteral("restarted %1: every pod replaced and available").arg(target);
    else if (waited.untouched.isEmpty())
        waited.untouched = QStringLiteral(
                               "the restart was applied (restartedAt %1); pods keep rolling")
                               .arg(restartedAt);
    return waited;
}

OperationResult DeploymentActions::waitForRollout(const QString &name,
                                                  const Progress &progress,
                                                  int timeoutSecs,
                                                  const QString &what)
{
    const QString ns = m_api.connection().ns();
    const CancelToken &cancel = progress.cancelToken();
    QDeadlineTimer deadline{std::chrono::seconds(timeoutSecs)};
    QString lastMessage;
    Backoff backoff(kRolloutRetryPolicy);
    // Waits before the next read, no longer than the deadline; false when cancelled.
    auto pause = [&] {
        const auto left = std::chrono::milliseconds(std::max<qint64>(0, deadline.remainingTime()));
        return Backoff::sleep(std::min(backoff.next(), left), cancel);
    };
    while (!deadline.hasExpired()) {
        auto deployment = m_api.json(KubeRequest::get(kubepaths::deployment(ns, name)),
                                     cancel,
                                     QStringLiteral("reading %1").arg(name));
        if (!deployment) {
            if (deployment.error().kind == Error::Kind::Cancelled
                || deployment.error().kind == Error::Kind::BadInput)
                return OperationResult::failure(deployment.error());
            lastMessage = deployment.error().message;
            if (!pause()) // the API server failed several times in a row: try again later
                return OperationResult::failure(Error::cancelled());
            continue;
        }
        RolloutStatus rollout = RolloutStatus::forDeployment(*deployment);
        progress.set(rolloutFraction(*deployment), rollout.message);
        if (rollout.done)
            return OperationResult::success(rollout.message,
                                            {{QStringLiteral("rollout"), rollout.message}});
        if (rollout.failed)
            return OperationResult::failure(
                Error::failed(QStringLiteral("%1: %2").arg(what, rollout.message)));

        // Watch it (kubectl's fieldSelector watch) until it is done, fails, or the stream ends.
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("fieldSelector"), QStringLiteral("metadata.name=") + name);
        query.addQueryItem(QStringLiteral("watch"), QStringLiteral("1"));
        query.addQueryItem(QStringLiteral("resourceVersion"), resourceVersion(*deployment));
        query.addQueryItem(QStringLiteral("timeoutSeconds"),
                           QString::number(std::max<qint64>(1, deadline.remainingTime() / 1000)));
        KubeRequest request = KubeRequest::get(kubepaths::deployments(ns), query);
        request.timeoutMs = 0;
        std::optional<OperationResult> outcome;
        bool sawEvent = false;
        QByteArray errorBody;
        auto streamed = m_api.stream(
            request,
            cancel,
            [&](const QByteArray &line) {
                const QJsonObject event = QJsonDocument::fromJson(line).object();
                if (event.value(QLatin1String("type")).toString() == QLatin1String("ERROR"))
                    return false; // expired: read it afresh
                sawEvent = true;
                const QJsonObject object = event.value(QLatin1String("object")).toObject();
                rollout = RolloutStatus::forDeployment(object);
                lastMessage = rollout.message;
                progress.set(rolloutFraction(object), rollout.message);
                if (rollout.done)
                    outcome = OperationResult::success(rollout.message,
                                                       {{QStringLiteral("rollout"),
                                                         rollout.message}});
                else if (rollout.failed)
                    outcome = OperationResult::failure(
                        Error::failed(QStringLiteral("%1: %2").arg(what, rollout.message)));
                return !outcome && !deadline.hasExpired();
            },
            &errorBody);
        if (outcome)
            return *outcome;
        if (cancel.isCancelled())
            return OperationResult::failure(Error::cancelled());
        // Refused (403), throttled (429), failed (5xx), unreachable, or a watch that ended with
        // nothing in it: read again after a pause, never at once, so that a server in trouble is
        // not asked hundreds of times a second.
        const bool watchFailed = !streamed || *streamed < 200 || *streamed > 299;
        if (watchFailed && streamed) {
            lastMessage = KubeConnection::errorFrom(*streamed,
                                                    errorBody,
                                                    QStringLiteral("watching %1").arg(name))
                              .message;
        }
        if ((watchFailed || !sawEvent) && !pause())
            return OperationResult::failure(Error::cancelled());
        if (!watchFailed && sawEvent)
            backoff.reset();
    }
    return OperationResult::failure(
        Error::failed(QStringLiteral("%1: timed out after %2 s waiting for the rollout (%3)")
                          .arg(what)
                          .arg(timeoutSecs)
                          .arg(lastMessage)));
}

} // namespace ragdr::core
