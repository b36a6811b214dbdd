// ragdr pods | deployments | scale | restart | rollout-status | logs | events | export-manifests
#include "clicontext.h"

#include "core/cluster/clusteroperations.h"
#include "core/cluster/clusterqueries.h"
#include "core/cluster/humanduration.h"
#include "core/cluster/kubetime.h"
#include "core/cluster/logfollower.h"
#include "core/ops/workspace.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ragdr::cli {

using namespace ragdr::core;

namespace {

// Runs a read-only look-up against the region's API server as an operation (off this thread,
// cancellable, not journalled), leaving its rows in *out.
template<typename Rows, typename Query>
OperationResult lookUp(const CliContext &c, const QString &title, Rows *out, Query query)
{
    Workspace &ws = c.ws;
    const QString region = c.region;
    return c.await(ws.runner().start({QStringLiteral("cluster.get"),
                                      title,
                                      {{QStringLiteral("region"), region}},
                                      false},
                                     [&ws, region, out, query](const Progress &progress) {
                                         auto connection = ws.kube().forRegion(region);
                                         if (!connection)
                                             return OperationResult::failure(connection.error());
                                         KubeApi api(*connection);
                                         auto rows = query(api, progress.cancelToken());
                                         if (!rows)
                                             return OperationResult::failure(rows.error());
                                         *out = *rows;
                                         return OperationResult::success(QString());
                                     }));
}

QString age(const QDateTime &created)
{
    if (!created.isValid())
        return QStringLiteral("<unknown>");
    return humanDuration(
        std::chrono::milliseconds(created.msecsTo(QDateTime::currentDateTimeUtc())));
}

bool parseCount(const QString &text, int *value)
{
    bool ok = false;
    *value = text.toInt(&ok);
    return ok && *value >= 0;
}

} // namespace

int podsCommand(const CliContext &c)
{
    const QStringList selectors = c.flag(QStringLiteral("selector"))
                                      ? QStringList{c.option(QStringLiteral("selector"))}
                                      : ClusterQueries::podSelectors(c.ws.profile());
    QList<PodRow> pods;
    const OperationResult r = lookUp(c,
                                     QStringLiteral("List pods"),
                                     &pods,
                                     [selectors](KubeApi &api, const CancelToken &cancel) {
                                         return ClusterQueries::pods(api, selectors, cancel);
                                     });
    if (!r.ok())
        return c.report(r);
    if (c.json) {
        QJsonArray rows;
        for (const PodRow &p : std::as_const(pods)) {
            rows.append(QJsonObject{{QStringLiteral("name"), p.name},
                                    {QStringLiteral("ready"), p.ready},
                                    {QStringLiteral("status"), p.status},
                                    {QStringLiteral("restarts"), p.restarts},
                                    {QStringLiteral("age"), age(p.created)},
                                    {QStringLiteral("ip"), p.ip},
                                    {QStringLiteral("node"), p.node}});
        }
        term::outJson(rows);
        return 0;
    }
    QList<QStringList> rows;
    for (const PodRow &p : std::as_const(pods))
        rows.append({p.name, p.ready, p.status, p.restarts, age(p.created), p.ip, p.node});
    term::printTable({QStringLiteral("name"),
                     QStringLiteral("ready"),
                     QStringLiteral("status"),
                     QStringLiteral("restarts"),
                     QStringLiteral("age"),
                     QStringLiteral("ip"),
                     QStringLiteral("node")},
                    rows);
    return 0;
}

int deploymentsCommand(const CliContext &c)
{
    QList<DeploymentRow> deployments;
    const Profile profile = c.ws.profile();
    const OperationResult r = lookUp(c,
                                     QStringLiteral("List deployments"),
                                     &deployments,
                                     [profile](KubeApi &api, const CancelToken &cancel) {
                                         return ClusterQueries::deployments(api, profile, cancel);
                                     });
    if (!r.ok())
        return c.report(r);
    QJsonArray json;
    QList<QStringList> rows;
    for (const DeploymentRow &d : std::as_const(deployments)) {
        const DeploymentSpec *spec = nullptr;
        for (const DeploymentSpec &s : profile.deployments) {
            if (s.name == d.name)
                spec = &s;
        }
        json.append(
            QJsonObject{{QStringLiteral("name"), d.name},
                        {QStringLiteral("desired"), d.desired},
                        {QStringLiteral("ready"), d.ready},
                        {QStringLiteral("updated"), d.updated},
                        {QStringLiteral("available"), d.available},
                        {QStringLiteral("rollout"), d.rollout},
                        {QStringLiteral("rollout_done"), d.rolloutDone},
                        {QStringLiteral("images"), d.images},
                        {QStringLiteral("recovery_replicas"), spec ? spec->recoveryReplicas : -1}});
        rows.append({d.name,
                     QStringLiteral("%1/%2").arg(d.ready).arg(d.desired),
                     QString::number(d.updated),
                     QString::number(d.available),
                     age(d.created),
                     spec ? QString::number(spec->recoveryReplicas) : QString(),
                     d.rollout});
    }
    if (c.json) {
        term::outJson(json);
        return 0;
    }
    term::printTable({QStringLiteral("name"),
                     QStringLiteral("ready"),
                     QStringLiteral("up-to-date"),
                     QStringLiteral("available"),
                     QStringLiteral("age"),
                     QStringLiteral("recovery"),
                     QStringLiteral("rollout")},
                    rows);
    return 0;
}

int scaleCommand(const CliContext &c)
{
    int replicas = 0;
    if (c.args.size() != 3 || !parseCount(c.args.at(2), &replicas))
        return c.usage(
            QStringLiteral("scale takes a deployment and a number of replicas: scale rag-api 5"));
    std::optional<int> expected;
    if (c.flag(QStringLiteral("expect"))) {
        int e = 0;
        if (!parseCount(c.option(QStringLiteral("expect")), &e))
            return c.usage(QStringLiteral(
                "--expect takes the number of replicas you expect the deployment to have now"));
        expected = e;
    }
    return c.report(c.await(ClusterOperations::scale(
        c.ws, c.region, c.args.at(1), replicas, expected, c.option(QStringLiteral("confirm")))));
}

int restartCommand(const CliContext &c)
{
    if (c.args.size() != 2)
        return c.usage(QStringLiteral("restart takes a deployment: restart rag-api"));
    return c.report(c.await(ClusterOperations::restart(c.ws, c.region, c.args.at(1))));
}

int rolloutStatusCommand(const CliContext &c)
{
    if (c.args.size() != 2)
        return c.usage(QStringLiteral("rollout-status takes a deployment: rollout-status rag-api"));
    int timeout = 300;
    if (c.flag(QStringLiteral("timeout"))
        && !parseCount(c.option(QStringLiteral("timeout")), &timeout))
        return c.usage(QStringLiteral("--timeout takes seconds"));
    return c.report(
        c.await(ClusterOperations::rolloutStatus(c.ws, c.region, c.args.at(1), timeout)));
}

int logsCommand(const CliContext &c)
{
    if (c.args.size() != 2)
        return c.usage(
            QStringLiteral("logs takes a pod: logs rag-api-7d9f-abcde [-f] [--previous]"));
    LogOptions options;
    options.follow = c.flag(QStringLiteral("follow"));
    options.previous = c.flag(QStringLiteral("previous"));
    options.container = c.option(QStringLiteral("container"));
    if (c.flag(QStringLiteral("tail"))
        && !parseCount(c.option(QStringLiteral("tail")), &options.tailLines))
        return c.usage(QStringLiteral("--tail takes a number of lines"));
    const bool timestamps = c.flag(QStringLiteral("timestamps"));
    const bool json = c.json;
    Workspace &ws = c.ws;
    const QString region = c.region;
    const QString pod = c.args.at(1);
    const OperationResult r = c.await(
        ws.runner().start({QStringLiteral("cluster.logs"),
                           QStringLiteral("Logs of %1").arg(pod),
                           {{QStringLiteral("pod"), pod}, {QStringLiteral("region"), region}},
                           false},
                          [&ws, region, pod, options, timestamps, json](const Progress &progress) {
                              auto connection = ws.kube().forRegion(region);
                              if (!connection)
                                  return OperationResult::failure(connection.error());
                              KubeApi api(*connection);
                              auto done = LogFollower(api).run(
                                  pod,
                                  options,
                                  progress.cancelToken(),
                                  [&](const LogLine &line) {
                                      if (json) {
                                          term::out(QString::fromUtf8(
                                              QJsonDocument(
                                                  QJsonObject{{QStringLiteral("time"),
                                                               kubetime::formatNano(line.at)},
                                                              {QStringLiteral("line"), line.text}})
                                                  .toJson(QJsonDocument::Compact)));
                                      } else {
                                          term::out(timestamps ? kubetime::formatNano(line.at)
                                                                    + QLatin1Char(' ') + line.text
                                                              : line.text);
                                      }
                                      return true;
                                  },
                                  [](LogFollower::State state, const QString &detail) {
                                      if (state != LogFollower::State::Streaming
                                          && !detail.isEmpty())
                                          term::err(QStringLiteral("ragdr: %1").arg(detail));
                                  });
                              if (!done)
                                  return OperationResult::failure(done.error());
                              return OperationResult::success(QString());
                          }),
        false);
    if (!r.ok())
        return c.report(r);
    return 0;
}

int eventsCommand(const CliContext &c)
{
    const QString forObject = c.option(QStringLiteral("for"));
    QList<EventRow> events;
    const OperationResult r = lookUp(c,
                                     QStringLiteral("List events"),
                                     &events,
                                     [forObject](KubeApi &api, const CancelToken &cancel) {
                                         return ClusterQueries::events(api, forObject, cancel);
                                     });
    if (!r.ok())
        return c.report(r);
    QJsonArray json;
    QList<QStringList> rows;
    for (const EventRow &e : std::as_const(events)) {
        json.append(QJsonObject{{QStringLiteral("last_seen"), e.lastSeen},
                                {QStringLiteral("type"), e.type},
                                {QStringLiteral("reason"), e.reason},
                                {QStringLiteral("object"), e.object},
                                {QStringLiteral("message"), e.message},
                                {QStringLiteral("count"), e.count}});
        rows.append({e.lastSeen, e.type, e.reason, e.object, e.message});
    }
    if (c.json) {
        term::outJson(json);
        return 0;
    }
    term::printTable({QStringLiteral("last seen"),
                     QStringLiteral("type"),
                     QStringLiteral("reason"),
                     QStringLiteral("object"),
                     QStringLiteral("message")},
                    rows);
    return 0;
}

int exportManifestsCommand(const CliContext &c)
{
    if (c.args.size() != 2)
        return c.usage(QStringLiteral("export-manifests takes a directory"));
    return c.report(c.await(ClusterOperations::exportManifests(c.ws, c.region, c.args.at(1))));
}

} // namespace ragdr::cli
