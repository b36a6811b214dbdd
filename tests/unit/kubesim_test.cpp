// The drill's simulated Kubernetes, piece by piece and without a network: selectors and patches
// as kube-apiserver reads them, the store's history that watches resume from, log lines that are
// a pure function of time, and the controller's rollouts judged by core's RolloutStatus (the
// same rules kubectl applies).
#include "core/cluster/rolloutstatus.h"
#include "sandbox/fieldselector.h"
#include "sandbox/jsonpatch.h"
#include "sandbox/kubecontroller.h"
#include "sandbox/kubelogs.h"
#include "sandbox/kubestore.h"
#include "sandbox/labelselector.h"
#include "wait.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <gtest/gtest.h>

#include <algorithm>

using namespace ragdr;
using namespace ragdr::sandbox;
using namespace std::chrono_literals;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace

TEST(LabelSelector, ParsesAndMatchesLikeKubeApiserver)
{
    const QJsonObject labels = json(R"({"app":"rag-api","tier":"web","env":"prod"})");
    auto matches = [&](const char *selector) {
        auto parsed = LabelSelector::parse(QString::fromUtf8(selector));
        EXPECT_TRUE(parsed.has_value()) << selector;
        return parsed && parsed->matches(labels);
    };
    EXPECT_TRUE(matches("app=rag-api"));
    EXPECT_TRUE(matches("app==rag-api,tier=web"));
    EXPECT_FALSE(matches("app=rag-worker"));
    EXPECT_TRUE(matches("tier in (api, web)"));
    EXPECT_FALSE(matches("tier notin (web)"));
    EXPECT_TRUE(matches("env!=dev"));
    EXPECT_TRUE(matches("env"));
    EXPECT_FALSE(matches("!env"));
    EXPECT_TRUE(matches("!canary"));
    EXPECT_TRUE(matches(""));
    EXPECT_FALSE(LabelSelector::parse(QStringLiteral("a b")).has_value());
    EXPECT_FALSE(LabelSelector::parse(QStringLiteral("tier within (a)")).has_value());
    EXPECT_TRUE(LabelSelector::fromJson(json(R"({"matchLabels":{"app":"rag-api"},
        "matchExpressions":[{"key":"tier","operator":"In","values":["web"]}]})"))
                    .matches(labels));
}

TEST(FieldSelector, SupportsOnlyTheIndexedFields)
{
    const QJsonObject event = json(R"({"metadata":{"name":"e1","namespace":"rag-prod"},
        "involvedObject":{"kind":"Pod","name":"rag-api-1"},"type":"Warning"})");
    auto selector
        = FieldSelector::parse(QStringLiteral(
                                   "involvedObject.kind=Pod,involvedObject.name=rag-api-1"),
                               KubeResource::Events);
    ASSERT_TRUE(selector.has_value());
    EXPECT_TRUE(selector->matches(event));
    EXPECT_TRUE(
        FieldSelector::parse(QStringLiteral("type!=Normal"), KubeResource::Events)->matches(event));
    EXPECT_FALSE(FieldSelector::parse(QStringLiteral("metadata.name==e2"), KubeResource::Events)
                     ->matches(event));
    EXPECT_EQ(FieldSelector::parse(QStringLiteral("metadata.name=rag-api"),
                                   KubeResource::Deployments)
                  ->exactName(),
              QStringLiteral("rag-api"));
    const auto unsupported = FieldSelector::parse(QStringLiteral("spec.replicas=3"),
                                                  KubeResource::Deployments);
    ASSERT_FALSE(unsupported.has_value());
    EXPECT_EQ(unsupported.error().message,
              QStringLiteral("field label not supported: spec.replicas"));
}

TEST(JsonPatch, MergeStrategicAndJsonPatch)
{
    const QJsonObject deployment = json(
        R"({"spec":{"replicas":3,"paused":true,"template":{"metadata":{"labels":{"app":"a"}},
        "spec":{"containers":[{"name":"api","image":"api:1"},{"name":"sidecar","image":"proxy:1"}]}}}})");

    // kubectl rollout restart: the annotation merges into the template; nothing else moves.
    auto restarted = jsonpatch::apply(
        deployment,
        "application/strategic-merge-patch+json",
        R"({"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-24T21:07:44Z"}}}}})");
    ASSERT_TRUE(restarted.has_value());
    const QJsonObject templ = restarted->value(QStringLiteral("spec"))
                                  .toObject()
                                  .value(QStringLiteral("template"))
                                  .toObject();
    EXPECT_EQ(templ.value(QStringLiteral("metadata"))
                  .toObject()
                  .value(QStringLiteral("labels"))
                  .toObject(),
              json(R"({"app":"a"})"));
    EXPECT_EQ(templ.value(QStringLiteral("spec"))
                  .toObject()
                  .value(QStringLiteral("containers"))
                  .toArray()
                  .size(),
              2);

    // kubectl rollout resume: null deletes.
    auto resumed = jsonpatch::apply(deployment,
                                    "application/strategic-merge-patch+json",
                                    R"({"spec":{"paused":null}})");
    EXPECT_FALSE(
        resumed->value(QStringLiteral("spec")).toObject().contains(QStringLiteral("paused")));

    // kubectl set image: containers merge by name, with ordering directives ignored.
    auto image = jsonpatch::apply(
        deployment,
        "application/strategic-merge-patch+json",
        R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"api"},{"name":"sidecar"}],
                                      "containers":[{"name":"api","image":"api:2"}]}}}})");
    const QJsonArray containers = image->value(QStringLiteral("spec"))
                                      .toObject()
                                      .value(QStringLiteral("template"))
                                      .toObject()
                                      .value(QStringLiteral("spec"))
                                      .toObject()
                                      .value(QStringLiteral("containers"))
                                      .toArray();
    ASSERT_EQ(containers.size(), 2);
    EXPECT_EQ(containers.at(0).toObject().value(QStringLiteral("image")).toString(),
              QStringLiteral("api:2"));
    EXPECT_EQ(containers.at(1).toObject().value(QStringLiteral("image")).toString(),
              QStringLiteral("proxy:1"));
    // A merge patch replaces the list instead.
    auto merged = jsonpatch::apply(
        deployment,
        "application/merge-patch+json",
        R"({"spec":{"template":{"spec":{"containers":[{"name":"api","image":"api:3"}]}}}})");
    EXPECT_EQ(merged->value(QStringLiteral("spec"))
                  .toObject()
                  .value(QStringLiteral("template"))
                  .toObject()
                  .value(QStringLiteral("spec"))
                  .toObject()
                  .value(QStringLiteral("containers"))
                  .toArray()
                  .size(),
              1);
    // $patch: delete removes one element.
    auto deleted = jsonpatch::apply(
        deployment,
        "application/strategic-merge-patch+json",
        R"({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}})");
    EXPECT_EQ(deleted->value(QStringLiteral("spec"))
                  .toObject()
                  .value(QStringLiteral("template"))
                  .toObject()
                  .value(QStringLiteral("spec"))
                  .toObject()
                  .value(QStringLiteral("containers"))
                  .toArray()
                  .size(),
              1);

    auto patched = jsonpatch::apply(deployment,
                                    "application/json-patch+json",
                                    R"([{"op":"test","path":"/spec/replicas","value":3},
                                        {"op":"replace","path":"/spec/replicas","value":5},
                                        {"op":"add","path":"/spec/template/metadata/labels/tier","value":"web"},
                                        {"op":"remove","path":"/spec/paused"},
                                        {"op":"copy","from":"/spec/replicas","path":"/spec/minReadySeconds"},
                                        {"op":"add","path":"/spec/template/spec/containers/-","value":{"name":"x"}}])");
    ASSERT_TRUE(patched.has_value()) << qPrintable(patched.error().message);
    const QJsonObject spec = patched->value(QStringLiteral("spec")).toObject();
    EXPECT_EQ(spec.value(QStringLiteral("replicas")).toInt(), 5);
    EXPECT_EQ(spec.value(QStringLiteral("minReadySeconds")).toInt(), 5);
    EXPECT_FALSE(spec.contains(QStringLiteral("paused")));
    EXPECT_EQ(spec.value(QStringLiteral("template"))
                  .toObject()
                  .value(QStringLiteral("spec"))
                  .toObject()
                  .value(QStringLiteral("containers"))
                  .toArray()
                  .size(),
              3);
    EXPECT_FALSE(jsonpatch::apply(deployment,
                                  "application/json-patch+json",
                                  R"([{"op":"test","path":"/spec/replicas","value":4}])")
                     .has_value());
    EXPECT_FALSE(jsonpatch::apply(deployment,
                                  "application/json-patch+json",
                                  R"([{"op":"remove","path":"/spec/nope"}])")
                     .has_value());

    const auto unsupported = jsonpatch::apply(deployment,
                                              "application/apply-patch+yaml",
                                              "spec: {}");
    ASSERT_FALSE(unsupported.has_value());
    EXPECT_EQ(unsupported.error().kind, core::Error::Kind::Refused);
}

TEST(KubeStore, ResourceVersionsAndHistory)
{
    KubeStore store([] { return QDateTime::currentDateTimeUtc(); });
    store.setHistoryLimit(3);
    const QJsonObject a = store.create(KubeResource::Pods,
                                       json(R"({"metadata":{"name":"a","namespace":"ns"}})"));
    const qint64 afterA = store.resourceVersion();
    EXPECT_EQ(a.value(QStringLiteral("metadata"))
                  .toObject()
                  .value(QStringLiteral("resourceVersion"))
                  .toString(),
              QString::number(afterA));
    EXPECT_FALSE(a.value(QStringLiteral("metadata"))
                     .toObject()
                     .value(QStringLiteral("uid"))
                     .toString()
                     .isEmpty());

    // An unchanged object is not written again.
    store.update(KubeResource::Pods, a);
    EXPECT_EQ(store.resourceVersion(), afterA);

    QJsonObject changed = a;
    changed.insert(QStringLiteral("spec"), json(R"({"nodeName":"n1"})"));
    store.update(KubeResource::Pods, changed);
    store.create(KubeResource::Pods, json(R"({"metadata":{"name":"b","namespace":"ns"}})"));
    const QList<KubeChange> changes = store.changesAfter(afterA);
    ASSERT_EQ(changes.size(), 2);
    EXPECT_EQ(changes.at(0).type, QByteArray("MODIFIED"));
    EXPECT_EQ(changes.at(0).previous, a);
    EXPECT_EQ(changes.at(1).type, QByteArray("ADDED"));
    EXPECT_EQ(store.objects(KubeResource::Pods).keys(),
              (QStringList{QStringLiteral("ns/a"), QStringLiteral("ns/b")}));

    // History beyond the limit is gone: a watch from before it must relist (410).
    store.remove(KubeResource::Pods, QStringLiteral("ns/a"));
    EXPECT_FALSE(store.canReplayFrom(afterA - 1));
    EXPECT_TRUE(store.canReplayFrom(afterA));
    store.dropHistory();
    EXPECT_FALSE(store.canReplayFrom(afterA));
    EXPECT_TRUE(store.canReplayFrom(store.resourceVersion()));
    EXPECT_TRUE(store.changesAfter(afterA).isEmpty());
}

TEST(KubeLogs, LinesAreAFunctionOfTime)
{
    const ContainerRun run{1'700'000'000'000, 0, false};
    const QList<LogLine> first = KubeLogs::lines(QStringLiteral("fastapi"),
                                                 QStringLiteral("rag-api-1"),
                                                 QStringLiteral("10.244.0.5"),
                                                 run,
                                                 0,
                                                 run.startedMs + 60'000);
    const QList<LogLine> again = KubeLogs::lines(QStringLiteral("fastapi"),
                                                 QStringLiteral("rag-api-1"),
                                                 QStringLiteral("10.244.0.5"),
                                                 run,
                                                 0,
                                                 run.startedMs + 60'000);
    ASSERT_GT(first.size(), 30);
    ASSERT_EQ(first.size(), again.size());
    for (qsizetype i = 0; i < first.size(); ++i) {
        EXPECT_EQ(first.at(i).ms, again.at(i).ms);
        EXPECT_EQ(first.at(i).text, again.at(i).text);
        if (i > 0) {
            EXPECT_LE(first.at(i - 1).ms, first.at(i).ms);
        }
    }
    EXPECT_EQ(first.first().text, QStringLiteral("INFO:     Started server process [1]"));
    // A window gives exactly the lines inside it: following = consecutive windows.
    const qint64 middle = run.startedMs + 30'000;
    const QList<LogLine> before = KubeLogs::lines(QStringLiteral("fastapi"),
                                                  QStringLiteral("rag-api-1"),
                                                  QString(),
                                                  run,
                                                  0,
                                                  middle);
    const QList<LogLine> after = KubeLogs::lines(QStringLiteral("fastapi"),
                                                 QStringLiteral("rag-api-1"),
                                                 QString(),
                                                 run,
                                                 middle + 1,
                                                 run.startedMs + 60'000);
    EXPECT_EQ(before.size() + after.size(), first.size());
    // A crashed run ends with why.
    const ContainerRun crashed{run.startedMs, run.startedMs + 1200, true};
    const QList<LogLine> crash = KubeLogs::lines(QStringLiteral("fastapi"),
                                                 QStringLiteral("rag-api-1"),
                                                 QString(),
                                                 crashed,
                                                 0,
                                                 run.startedMs + 60'000);
    ASSERT_FALSE(crash.isEmpty());
    EXPECT_EQ(crash.last().text, QStringLiteral("ERROR:    Application startup failed. Exiting."));
    EXPECT_LE(crash.last().ms, crashed.endedMs);
}

namespace {

KubeClusterConfig clusterConfig(int replicas)
{
    KubeClusterConfig config;
    config.name = QStringLiteral("unit");
    config.context = QStringLiteral("unit");
    config.ns = QStringLiteral("rag-prod");
    KubeWorkload w;
    w.name = QStringLiteral("rag-api");
    w.matchLabels = QJsonObject{{QStringLiteral("app"), QStringLiteral("rag-api")}};
    w.replicas = replicas;
    w.role = QStringLiteral("api");
    w.container = QStringLiteral("api");
    w.image = QStringLiteral("rag-api:1");
    w.logs = QStringLiteral("fastapi");
    config.workloads = {w};
    return config;
}

} // namespace

TEST(KubeController, RollingUpdateKeepsCapacityAndFinishesAsKubectlJudges)
{
    std::unique_ptr<KubeController> controller;
    KubeStore store([&] { return controller->now(); });
    controller = std::make_unique<KubeController>(store, clusterConfig(4));
    controller->start();
    const QString key = KubeStore::key(QStringLiteral("rag-prod"), QStringLiteral("rag-api"));
    ASSERT_TRUE(core::RolloutStatus::forDeployment(store.get(KubeResource::Deployments, key)).done);
    EXPECT_EQ(store.objects(KubeResource::Pods).size(), 4);

    // What kubectl rollout restart does: a template annotation and a new generation.
    QJsonObject deployment = store.get(KubeResource::Deployments, key);
    QJsonObject spec = deployment.value(QStringLiteral("spec")).toObject();
    QJsonObject templ = spec.value(QStringLiteral("template")).toObject();
    QJsonObject templMeta = templ.value(QStringLiteral("metadata")).toObject();
    templMeta.insert(QStringLiteral("annotations"),
                     json(R"({"kubectl.kubernetes.io/restartedAt":"2026-11-24T21:07:44Z"})"));
    templ.insert(QStringLiteral("metadata"), templMeta);
    spec.insert(QStringLiteral("template"), templ);
    deployment.insert(QStringLiteral("spec"), spec);
    QJsonObject meta = deployment.value(QStringLiteral("metadata")).toObject();
    meta.insert(QStringLiteral("generation"), 2);
    deployment.insert(QStringLiteral("metadata"), meta);
    store.update(KubeResource::Deployments, deployment);
    EXPECT_EQ(core::RolloutStatus::forDeployment(store.get(KubeResource::Deployments, key)).message,
              QStringLiteral("Waiting for deployment spec update to be observed..."));

    bool done = false;
    for (int tick = 0; tick < 60 && !done; ++tick) {
        controller->tick();
        const QJsonObject d = store.get(KubeResource::Deployments, key);
        const QJsonObject status = d.value(QStringLiteral("status")).toObject();
        // maxUnavailable 0: never fewer than 4 available; maxSurge 25%: never more than 5 pods.
        EXPECT_GE(status.value(QStringLiteral("availableReplicas")).toInt(), 4) << "tick " << tick;
        EXPECT_LE(status.value(QStringLiteral("replicas")).toInt(), 5) << "tick " << tick;
        const core::RolloutStatus rollout = core::RolloutStatus::forDeployment(d);
        EXPECT_FALSE(rollout.failed) << qPrintable(rollout.message);
        done = rollout.done;
    }
    ASSERT_TRUE(done);
    const QJsonObject finished = store.get(KubeResource::Deployments, key);
    EXPECT_EQ(finished.value(QStringLiteral("metadata"))
                  .toObject()
                  .value(QStringLiteral("annotations"))
                  .toObject()
                  .value(QStringLiteral("deployment.kubernetes.io/revision"))
                  .toString(),
              QStringLiteral("2"));
    EXPECT_EQ(store.objects(KubeResource::ReplicaSets).size(), 2);
    bool sawNewReplicaSetAvailable = false;
    for (const QJsonValue &c : finished.value(QStringLiteral("status"))
                                   .toObject()
                                   .value(QStringLiteral("conditions"))
                                   .toArray()) {
        if (c.toObject().value(QStringLiteral("reason")).toString()
            == QLatin1String("NewReplicaSetAvailable"))
            sawNewReplicaSetAvailable = true;
    }
    EXPECT_TRUE(sawNewReplicaSetAvailable);
}

TEST(KubeController, CrashLoopFaultRestartsAndHeals)
{
    std::unique_ptr<KubeController> controller;
    KubeStore store([&] { return controller->now(); });
    controller = std::make_unique<KubeController>(store, clusterConfig(2));
    controller->start();
    controller->setFault(KubeController::Fault::ApiCrashLoop, true);
    int maxRestarts = 0;
    QString lastWaitingReason;
    for (int tick = 0; tick < 20; ++tick) {
        controller->tick();
        for (const QJsonObject &pod : store.objects(KubeResource::Pods)) {
            const QJsonObject c = pod.value(QStringLiteral("status"))
                                      .toObject()
                                      .value(QStringLiteral("containerStatuses"))
                                      .toArray()
                                      .first()
                                      .toObject();
            maxRestarts = std::max(maxRestarts, c.value(QStringLiteral("restartCount")).toInt());
            const QString waiting = c.value(QStringLiteral("state"))
                                        .toObject()
                                        .value(QStringLiteral("waiting"))
                                        .toObject()
                                        .value(QStringLiteral("reason"))
                                        .toString();
            if (!waiting.isEmpty())
                lastWaitingReason = waiting;
        }
    }
    EXPECT_GE(maxRestarts, 2);
    EXPECT_EQ(lastWaitingReason, QStringLiteral("CrashLoopBackOff"));
    const QString podKey = store.objects(KubeResource::Pods).firstKey();
    const auto logs = controller->logTarget(podKey, QStringLiteral("api"));
    ASSERT_TRUE(logs.has_value());
    ASSERT_TRUE(logs->previous.has_value());
    EXPECT_TRUE(logs->previous->crashed);

    controller->setFault(KubeController::Fault::ApiCrashLoop, false);
    for (int tick = 0; tick < 20; ++tick)
        controller->tick();
    const QJsonObject deployment = store.get(KubeResource::Deployments,
                                             KubeStore::key(QStringLiteral("rag-prod"),
                                                            QStringLiteral("rag-api")));
    EXPECT_EQ(deployment.value(QStringLiteral("status"))
                  .toObject()
                  .value(QStringLiteral("readyReplicas"))
                  .toInt(),
              2);
}

// The bench's load faults: pod-storm updates every pod (a round every Kubelet::kStormMs) until
// healed; log-flood adds KubeLogs::kFloodLinesPerSecond lines to a followed log.
TEST(KubeController, PodStormUpdatesEveryPodAndLogFloodAddsLines)
{
    std::unique_ptr<KubeController> controller;
    KubeStore store([&] { return controller->now(); });
    controller = std::make_unique<KubeController>(store, clusterConfig(30));
    controller->start();
    const auto pods = store.objects(KubeResource::Pods);
    ASSERT_EQ(pods.size(), 30);
    const QString stormKey = QStringLiteral("sandbox.ragdr.io/storm");
    auto stormed = [&] {
        int n = 0;
        for (const QJsonObject &pod : store.objects(KubeResource::Pods)) {
            n += pod.value(QStringLiteral("metadata"))
                     .toObject()
                     .value(QStringLiteral("annotations"))
                     .toObject()
                     .contains(stormKey);
        }
        return n;
    };
    EXPECT_EQ(stormed(), 0);
    controller->setFault(KubeController::Fault::PodStorm, true);
    EXPECT_TRUE(test::waitUntil([&] { return stormed() == 30; }, 20s))
        << stormed() << " of 30 pods updated by the storm";
    controller->setFault(KubeController::Fault::PodStorm, false);

    const QString podKey = pods.firstKey();
    const auto quiet = controller->logTarget(podKey, QStringLiteral("api"));
    ASSERT_TRUE(quiet.has_value());
    EXPECT_EQ(quiet->floodFromMs, 0);
    controller->setFault(KubeController::Fault::LogFlood, true);
    const auto flooded = controller->logTarget(podKey, QStringLiteral("api"));
    ASSERT_TRUE(flooded.has_value());
    ASSERT_GT(flooded->floodFromMs, 0);
    const qint64 from = flooded->floodFromMs, to = from + 249;
    const auto before
        = KubeLogs::lines(quiet->flavour, podKey, quiet->podIP, quiet->current, from, to);
    const auto during = KubeLogs::lines(flooded->flavour,
                                        podKey,
                                        flooded->podIP,
                                        flooded->current,
                                        from,
                                        to,
                                        flooded->floodFromMs);
    EXPECT_EQ(during.size() - before.size(), KubeLogs::kFloodLinesPerSecond / 4);
    EXPECT_TRUE(std::is_sorted(during.cbegin(),
                               during.cend(),
                               [](const LogLine &a, const LogLine &b) { return a.ms < b.ms; }));
    controller->setFault(KubeController::Fault::LogFlood, false);
    EXPECT_EQ(controller->logTarget(podKey, QStringLiteral("api"))->floodFromMs, 0);
}
