// Faults injected into the drill's second region (drill-b): what kubectl sees of each, and
// that ragdr's watches, scale and permission checks come through them with the server's truth.
// The tests of this binary hold ctest's "drill-b" lock: they never run side by side, and each
// heals the region when it ends, whatever happens.
#include "kubectl.h"
#include "testsandbox.h"
#include "wait.h"

#include "core/cluster/clusteroperations.h"
#include "core/cluster/clusterqueries.h"
#include "core/cluster/kubeapi.h"
#include "core/cluster/kubepaths.h"
#include "core/cluster/resourcewatcher.h"
#include "core/ops/workspace.h"
#include "sandbox/drillkube.h"
#include "ui/cluster/clusterpanel.h"
#include "ui/cluster/regionview.h"

#include <QLabel>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;
using namespace std::chrono_literals;

namespace {

const QString kRegion = QStringLiteral("drill-b");

class FaultsTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_FALSE(Kubectl::program().isEmpty()) << Kubectl::missingMessage();
        m_tmp = makeTempDir();
        m_kube = std::make_unique<sandbox::DrillKube>(TestSandbox::shared().environment().dir());
        m_kubectl = std::make_unique<Kubectl>(TestSandbox::shared().environment().kubeconfigPath(),
                                              m_tmp->path() + QStringLiteral("/cache"));
        m_workspace = Workspace::forProfile(TestSandbox::shared().isolatedProfile(m_tmp->path()));
    }

    void TearDown() override { (void) m_kube->heal(kRegion); }

    const Kubectl &kubectl() const { return *m_kubectl; }
    void scaleWorkers(int replicas) const
    {
        ASSERT_EQ(regionB()
                      .run({QStringLiteral("scale"),
                            QStringLiteral("deployment"),
                            QStringLiteral("rag-worker"),
                            QStringLiteral("--replicas=%1").arg(replicas)})
                      .exitCode,
                  0);
    }
    Kubectl regionB() const { return m_kubectl->withContext(kRegion); }

    void inject(const QString &fault)
    {
        const auto injected = m_kube->inject(fault, kRegion);
        ASSERT_TRUE(injected.has_value()) << qPrintable(injected.error().message);
    }
    void heal()
    {
        const auto healed = m_kube->heal(kRegion);
        ASSERT_TRUE(healed.has_value()) << qPrintable(healed.error().message);
    }

    std::shared_ptr<KubeConnection> connection()
    {
        auto c = m_workspace->kube().forRegion(kRegion);
        EXPECT_TRUE(c.has_value()) << qPrintable(c.error().message);
        return c.value_or(nullptr);
    }

    // The pods of the profile's deployments as the server has them now: name -> resourceVersion.
    QHash<QString, QString> truth()
    {
        KubeApi api(connection());
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("labelSelector"),
                           ClusterQueries::podSelectors(m_workspace->profile()).constFirst());
        auto items = api.list(kubepaths::pods(QStringLiteral("rag-prod")), query, CancelToken());
        EXPECT_TRUE(items.has_value()) << qPrintable(items.error().message);
        return versions(items.value_or(QList<QJsonObject>()));
    }

    static QHash<QString, QString> versions(const QList<QJsonObject> &objects)
    {
        QHash<QString, QString> out;
        for (const QJsonObject &o : objects) {
            const QJsonObject meta = o.value(QStringLiteral("metadata")).toObject();
            out.insert(meta.value(QStringLiteral("name")).toString(),
                       meta.value(QStringLiteral("resourceVersion")).toString());
        }
        return out;
    }

    // A watcher on the region's pods, with the store it keeps.
    struct Watch
    {
        ResourceStore store;
        int batches = 0;
        QList<ResourceWatcher::State> states;
        QStringList details;                      // why it reconnected, each time
        int heard = 0;                            // times the server sent news
        std::unique_ptr<ResourceWatcher> watcher; // last: it goes first, before what it feeds

        QHash<QString, QString> table() const { return versions(store.objects().values()); }
        bool reconnectedBecause(const QString &why) const
        {
            return std::any_of(details.cbegin(), details.cend(), [&](const QString &d) {
                return d.contains(why);
            });
        }
    };

    std::unique_ptr<Watch> watchPods(std::chrono::milliseconds inactivity
                                     = ResourceWatcher::kInactivityTimeout)
    {
        auto w = std::make_unique<Watch>();
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("labelSelector"),
                           ClusterQueries::podSelectors(m_workspace->profile()).constFirst());
        w->watcher = std::make_unique<ResourceWatcher>(connection(),
                                                       kubepaths::pods(QStringLiteral("rag-prod")),
                                                       query);
        w->watcher->setInactivityTimeout(inactivity);
        Watch *raw = w.get();
        QObject::connect(raw->watcher.get(), &ResourceWatcher::batch, [raw](const WatchBatch &b) {
            raw->store.apply(b);
            ++raw->batches;
        });
        QObject::connect(raw->watcher.get(),
                         &ResourceWatcher::stateChanged,
                         [raw](ResourceWatcher::State s, const QString &detail) {
                             raw->states.append(s);
                             if (s == ResourceWatcher::State::Reconnecting)
                                 raw->details.append(detail);
                         });
        QObject::connect(raw->watcher.get(), &ResourceWatcher::heard, [raw] { ++raw->heard; });
        w->watcher->start();
        EXPECT_TRUE(waitUntil([raw] { return raw->batches > 0; }, 15s));
        return w;
    }

    // The watcher's table ends equal to a fresh list of the server's pods.
    void expectTableIsTheTruth(Watch &w)
    {
        QHash<QString, QString> server;
        const bool equal = waitUntil(
            [&] {
                server = truth();
                return w.table() == server;
            },
            20s);
        EXPECT_TRUE(equal) << "the watched table differs from the server: " << w.table().size()
                           << " rows against " << server.size();
    }

    // Requests region B's API server has answered so far.
    qint64 requestsServed() const
    {
        const auto status = m_kube->status();
        EXPECT_TRUE(status.has_value()) << qPrintable(status.error().message);
        for (const QJsonValue &c :
             status.value_or(QJsonObject()).value(QStringLiteral("clusters")).toArray()) {
            if (c.toObject().value(QStringLiteral("name")).toString() == kRegion)
                return c.toObject().value(QStringLiteral("requests")).toInteger();
        }
        return -1;
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<sandbox::DrillKube> m_kube;
    std::unique_ptr<Kubectl> m_kubectl;
    std::unique_ptr<Workspace> m_workspace;
};

} // namespace

TEST_F(FaultsTest, AWatchThatExpiresRelistsAndEndsWithTheServersTruth)
{
    auto w = watchPods();
    const int relistsBefore = w->watcher->relists();
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("watch-expire")));
    ASSERT_EQ(regionB()
                  .run({QStringLiteral("rollout"),
                        QStringLiteral("restart"),
                        QStringLiteral("deployment"),
                        QStringLiteral("rag-worker")})
                  .exitCode,
              0);
    EXPECT_TRUE(waitUntil([&] { return w->watcher->relists() > relistsBefore; }, 20s))
        << "the watcher never relisted after 410 Expired";
    ASSERT_NO_FATAL_FAILURE(heal());
    ASSERT_EQ(regionB()
                  .run({QStringLiteral("rollout"),
                        QStringLiteral("status"),
                        QStringLiteral("deployment"),
                        QStringLiteral("rag-worker"),
                        QStringLiteral("--timeout=60s")})
                  .exitCode,
              0);
    expectTableIsTheTruth(*w);
}

TEST_F(FaultsTest, AWatchWhoseServerGoesAwayReconnectsAndCatchesUp)
{
    auto w = watchPods();
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("region-down")));
    EXPECT_TRUE(
        waitUntil([&] { return w->states.contains(ResourceWatcher::State::Reconnecting); }, 20s))
        << "the watcher never noticed its server was gone";
    ASSERT_NO_FATAL_FAILURE(heal());
    // Changes made while it reconnects are not lost.
    ASSERT_NO_FATAL_FAILURE(scaleWorkers(3));
    EXPECT_TRUE(
        waitUntil([&] { return w->watcher->state() == ResourceWatcher::State::Watching; }, 40s));
    expectTableIsTheTruth(*w);
    ASSERT_NO_FATAL_FAILURE(scaleWorkers(2));
    expectTableIsTheTruth(*w);
}

// A watch that stays open and says nothing (watch-stall: a proxy that lost its upstream) is
// noticed by its silence and opened again from where it was; what changed meanwhile arrives.
TEST_F(FaultsTest, ASilentWatchIsNoticedAndCatchesUp)
{
    // The drill sends a bookmark every second: four silent seconds are a stall.
    auto w = watchPods(4s);
    ASSERT_TRUE(
        waitUntil([&] { return w->watcher->state() == ResourceWatcher::State::Watching; }, 20s));
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("watch-stall")));
    EXPECT_TRUE(waitUntil([&] { return w->reconnectedBecause(QStringLiteral("silent")); }, 30s))
        << "the watcher never noticed that its watch had gone silent";
    // The new watch is accepted (headers) and stays silent too: that is no news.
    const int heardAtSilence = w->heard;
    EXPECT_TRUE(
        waitUntil([&] { return w->watcher->state() == ResourceWatcher::State::Watching; }, 20s));
    EXPECT_EQ(w->heard, heardAtSilence) << "the headers of a silent watch counted as news";
    // Changes made while it is cut off are not lost.
    ASSERT_NO_FATAL_FAILURE(scaleWorkers(3));
    ASSERT_NO_FATAL_FAILURE(heal());
    EXPECT_TRUE(
        waitUntil([&] { return w->watcher->state() == ResourceWatcher::State::Watching; }, 60s));
    expectTableIsTheTruth(*w);
    ASSERT_NO_FATAL_FAILURE(scaleWorkers(2));
    expectTableIsTheTruth(*w);
}

// kubectl rollout status's wait, with a watch the server refuses (403): it reads again after a
// pause that grows, instead of asking hundreds of times a second until its deadline.
TEST_F(FaultsTest, TheRolloutWaitBacksOffWhenTheServerRefusesItsWatch)
{
    const QString app = uniqueName(QStringLiteral("stuck"));
    // Its pod never schedules: the rollout never completes.
    const KubectlRun created
        = regionB().run({QStringLiteral("create"),
                         QStringLiteral("-f"),
                         QStringLiteral("-"),
                         QStringLiteral("--validate=false")},
                        json(deploymentJson(app,
                                            1,
                                            {{QStringLiteral("sandbox.ragdr.io/simulate"),
                                              QStringLiteral("unschedulable")}})));
    ASSERT_EQ(created.exitCode, 0) << qPrintable(created.all());
    const DeploymentCleanup cleanup(regionB(), app);
    auto workspace = Workspace::forProfile(
        TestSandbox::shared().isolatedProfile(m_tmp->path() + QStringLiteral("/stuck"), {app}));
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("deny:watch:deployments")));
    const qint64 before = requestsServed();
    QSignalSpy done(ClusterOperations::rolloutStatus(*workspace, kRegion, app, 6),
                    &Operation::finished);
    ASSERT_TRUE(done.wait(60000));
    const qint64 asked = requestsServed() - before;
    const auto r = done.first().at(0).value<OperationResult>();
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.message.contains(QStringLiteral("timed out"))) << qPrintable(r.message);
    // A read and a refused watch per round, rounds 0.25-0.5 s apart and doubling: about ten
    // requests in six seconds. Without a pause it is thousands.
    EXPECT_LT(asked, 40) << "requests in 6 s of waiting: " << asked;
}

// One line per region covers every feed: with the events denied, the Cluster panel says so,
// naming the feed and the server's reason, while the pods and deployments stay watched; it used
// to follow the pods alone and say "Watching".
TEST_F(FaultsTest, TheClusterPanelSaysWhichFeedIsDeniedAndWhy)
{
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("deny:list:events")));
    ui::ClusterPanel panel(m_workspace.get());
    panel.show();
    ui::RegionView *view = panel.regionView(kRegion);
    ASSERT_NE(view, nullptr);
    auto *line = view->findChild<QLabel *>(QStringLiteral("connectionLabel"));
    ASSERT_NE(line, nullptr);
    const bool said = waitUntil(
        [&] {
            const QString text = line->text();
            return text.contains(QStringLiteral("events denied"))
                   && text.contains(QStringLiteral("cannot list resource \"events\""))
                   && text.contains(QStringLiteral("pods, deployments watched"))
                   && text.contains(QStringLiteral("last event"));
        },
        30s);
    EXPECT_TRUE(said) << qPrintable(line->text());
    EXPECT_FALSE(line->property("connected").toBool());

    // Allowed again: the feed comes back on its own, and the line says all is watched.
    ASSERT_NO_FATAL_FAILURE(heal());
    EXPECT_TRUE(waitUntil([&] { return line->property("connected").toBool(); }, 60s))
        << qPrintable(line->text());
    EXPECT_TRUE(line->text().startsWith(QStringLiteral("Watching namespace rag-prod")))
        << qPrintable(line->text());
}

TEST_F(FaultsTest, ScaleGoesThroughApiServerErrorsAndTheTableFollows)
{
    auto w = watchPods();
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("apiserver-errors")));
    auto await = [](Operation *op) {
        QSignalSpy done(op, &Operation::finished);
        EXPECT_TRUE(done.wait(120000));
        return done.first().at(0).value<OperationResult>();
    };
    const OperationResult up = await(
        ClusterOperations::scale(*m_workspace, kRegion, QStringLiteral("rag-api"), 5, 3, {}));
    EXPECT_TRUE(up.ok()) << qPrintable(up.message);
    ASSERT_NO_FATAL_FAILURE(heal());
    expectTableIsTheTruth(*w);
    int apiPods = 0;
    for (const QJsonObject &pod : w->store.objects()) {
        if (pod.value(QStringLiteral("metadata"))
                    .toObject()
                    .value(QStringLiteral("labels"))
                    .toObject()
                    .value(QStringLiteral("app"))
                == QLatin1String("rag-api")
            && pod.value(QStringLiteral("metadata"))
                   .toObject()
                   .value(QStringLiteral("deletionTimestamp"))
                   .isUndefined()) {
            ++apiPods;
        }
    }
    EXPECT_EQ(apiPods, 5);
    const OperationResult down = await(
        ClusterOperations::scale(*m_workspace, kRegion, QStringLiteral("rag-api"), 3, 5, {}));
    EXPECT_TRUE(down.ok()) << qPrintable(down.message);
}

TEST_F(FaultsTest, ScaleThatRbacForbidsIsRefusedBeforeAnythingChanges)
{
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("deny:update:deployments/scale")));
    QSignalSpy
        done(ClusterOperations::scale(*m_workspace, kRegion, QStringLiteral("rag-api"), 4, {}, {}),
             &Operation::finished);
    ASSERT_TRUE(done.wait(60000));
    const auto r = done.first().at(0).value<OperationResult>();
    EXPECT_EQ(r.exitCode(), 3) << qPrintable(r.message);
    EXPECT_TRUE(r.message.contains(QStringLiteral("may not update deployments/scale rag-api")))
        << qPrintable(r.message);
    EXPECT_TRUE(r.untouched.contains(QStringLiteral("was not changed"))) << qPrintable(r.untouched);
    EXPECT_TRUE(
        regionB()
            .run({QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("rag-api")})
            .out.contains(QLatin1String("3/3")));
}

TEST_F(FaultsTest, EveryFaultAsKubectlSeesIt)
{
    sandbox::DrillKube kube(TestSandbox::shared().environment().dir());
    const QString region = QStringLiteral("drill-b");
    struct Healer
    {
        sandbox::DrillKube &kube;
        QString region;
        ~Healer() { (void) kube.heal(region); }
    } healer{kube, region};
    const Kubectl b = kubectl().withContext(region);
    auto inject = [&](const QString &fault) {
        const auto injected = kube.inject(fault, region);
        ASSERT_TRUE(injected.has_value()) << qPrintable(injected.error().message);
    };
    auto heal = [&] {
        const auto healed = kube.heal(region);
        ASSERT_TRUE(healed.has_value()) << qPrintable(healed.error().message);
    };
    auto podsOf = [&](const QString &app) {
        QList<QStringList> out;
        for (const QStringList &row : rows(b.run({QStringLiteral("get"),
                                                  QStringLiteral("pods"),
                                                  QStringLiteral("-l"),
                                                  QStringLiteral("app=") + app,
                                                  QStringLiteral("--no-headers")})
                                               .out)) {
            if (row.value(2) != QLatin1String("Terminating"))
                out.append(row);
        }
        return out;
    };
    auto allIn = [&](const QString &app, const QStringList &states) {
        const QList<QStringList> pods = podsOf(app);
        return !pods.isEmpty() && std::all_of(pods.begin(), pods.end(), [&](const QStringList &r) {
            return states.contains(r.value(2));
        });
    };

    // api-crashloop: the API's containers crash, restart and back off; their previous run says why.
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("api-crashloop")));
    ASSERT_TRUE(waitUntil(
        [&] { return allIn(QStringLiteral("rag-api"), {QStringLiteral("CrashLoopBackOff")}); },
        20000))
        << qPrintable(b.run({QStringLiteral("get"), QStringLiteral("pods")}).out);
    const QStringList crashing = podsOf(QStringLiteral("rag-api")).first();
    EXPECT_EQ(crashing.value(1), QStringLiteral("0/1"));
    EXPECT_NE(crashing.value(3), QStringLiteral("0"));
    const KubectlRun previous = b.run(
        {QStringLiteral("logs"), crashing.value(0), QStringLiteral("--previous")});
    EXPECT_TRUE(previous.out.contains(QLatin1String("Application startup failed")))
        << qPrintable(previous.all());
    EXPECT_TRUE(
        b.run({QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("rag-api")})
            .out.contains(QLatin1String("0/3")));

    // worker-down: the workers fail and stay down between restarts.
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("worker-down")));
    EXPECT_TRUE(
        waitUntil([&] { return allIn(QStringLiteral("rag-worker"), {QStringLiteral("Error")}); },
                  20000))
        << qPrintable(b.run({QStringLiteral("get"), QStringLiteral("pods")}).out);

    // Healed, everything runs again; the restart counts stay.
    ASSERT_NO_FATAL_FAILURE(heal());
    EXPECT_TRUE(waitUntil(
        [&] {
            return allIn(QStringLiteral("rag-api"), {QStringLiteral("Running")})
                   && allIn(QStringLiteral("rag-worker"), {QStringLiteral("Running")});
        },
        30000))
        << qPrintable(b.run({QStringLiteral("get"), QStringLiteral("pods")}).out);
    EXPECT_TRUE(waitUntil(
        [&] {
            return b
                .run(
                    {QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("rag-api")})
                .out.contains(QLatin1String("3/3"));
        },
        20000));

    // apiserver-errors: a share of requests answer 500, the rest work.
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("apiserver-errors")));
    int failures = 0;
    int successes = 0;
    for (int i = 0; i < 40 && (failures == 0 || successes == 0); ++i) {
        const KubectlRun r = b.run({QStringLiteral("get"),
                                    QStringLiteral("deployment"),
                                    QStringLiteral("rag-api"),
                                    QStringLiteral("-o"),
                                    QStringLiteral("name")});
        if (r.exitCode == 0)
            ++successes;
        else if (r.err.contains(QLatin1String("InternalError")))
            ++failures;
    }
    EXPECT_GT(failures, 0);
    EXPECT_GT(successes, 0);
    ASSERT_NO_FATAL_FAILURE(heal());

    // RBAC that says no: the request is forbidden and the pre-check knows it.
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("deny:patch:deployments/scale")));
    const KubectlRun forbidden = b.run({QStringLiteral("scale"),
                                        QStringLiteral("deployment"),
                                        QStringLiteral("rag-api"),
                                        QStringLiteral("--replicas=4")});
    EXPECT_NE(forbidden.exitCode, 0);
    EXPECT_TRUE(forbidden.err.contains(QLatin1String("Forbidden"))) << qPrintable(forbidden.all());
    const KubectlRun canI = b.run({QStringLiteral("auth"),
                                   QStringLiteral("can-i"),
                                   QStringLiteral("patch"),
                                   QStringLiteral("deployments"),
                                   QStringLiteral("--subresource=scale")});
    EXPECT_TRUE(canI.out.startsWith(QLatin1String("no"))) << qPrintable(canI.all());
    const KubectlRun canGet = b.run({QStringLiteral("auth"),
                                     QStringLiteral("can-i"),
                                     QStringLiteral("get"),
                                     QStringLiteral("pods")});
    EXPECT_EQ(canGet.out.trimmed(), QStringLiteral("yes")) << qPrintable(canGet.all());
    ASSERT_NO_FATAL_FAILURE(heal());

    // watch-expire: open watches get 410 Expired; kubectl's rollout status relists and still
    // sees its rollout through.
    auto watch = b.start({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-w")});
    readLinesUntil(
        *watch, [](const QStringList &l) { return !l.isEmpty(); }, 10000);
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("watch-expire")));
    const QStringList watched = readLinesUntil(
        *watch,
        [](const QStringList &l) { return !l.filter(QStringLiteral("Expired")).isEmpty(); },
        15000);
    stop(*watch);
    EXPECT_FALSE(watched.filter(QStringLiteral("Expired")).isEmpty())
        << qPrintable(watched.join(QLatin1Char('\n')));
    ASSERT_EQ(b.run({QStringLiteral("rollout"),
                     QStringLiteral("restart"),
                     QStringLiteral("deployment"),
                     QStringLiteral("rag-worker")})
                  .exitCode,
              0);
    const KubectlRun status = b.run({QStringLiteral("rollout"),
                                     QStringLiteral("status"),
                                     QStringLiteral("deployment"),
                                     QStringLiteral("rag-worker"),
                                     QStringLiteral("--timeout=60s"),
                                     QStringLiteral("-v=6")});
    EXPECT_EQ(status.exitCode, 0) << qPrintable(status.all().right(3000));
    EXPECT_TRUE(status.out.contains(QLatin1String("successfully rolled out")));
    ASSERT_NO_FATAL_FAILURE(heal());

    // region-down: the region's API server stops answering; healed, it answers again.
    ASSERT_NO_FATAL_FAILURE(inject(QStringLiteral("region-down")));
    const KubectlRun down = b.run(
        {QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("--request-timeout=5s")});
    EXPECT_NE(down.exitCode, 0);
    EXPECT_TRUE(down.err.contains(QLatin1String("refused"))) << qPrintable(down.all());
    // The other region is untouched.
    EXPECT_EQ(kubectl()
                  .run({QStringLiteral("get"),
                        QStringLiteral("pods"),
                        QStringLiteral("-o"),
                        QStringLiteral("name")})
                  .exitCode,
              0);
    ASSERT_NO_FATAL_FAILURE(heal());
    const KubectlRun up = b.run({QStringLiteral("get"), QStringLiteral("pods")});
    EXPECT_EQ(up.exitCode, 0) << qPrintable(up.all());
}
