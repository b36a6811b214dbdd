// What a server in trouble does to a watch without saying so, from a fake API server: a watch
// that ends at once, a watch that sends an ERROR event. Each is a failure that backs off; neither
// may turn into a loop that asks the server again at once, for ever.
#include "fakeapiserver.h"
#include "testcertificates.h"
#include "wait.h"

#include "core/cluster/resourcewatcher.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;
using namespace std::chrono_literals;

namespace {

const QString kPods = QStringLiteral("/api/v1/namespaces/ns/pods");

bool isWatch(const sandbox::HttpRequest &r)
{
    return r.queryValue(QStringLiteral("watch")) == QLatin1String("1");
}

// An empty list at resourceVersion 10.
void answerList(sandbox::HttpConnection *c)
{
    FakeApiServer::sendJson(c,
                            200,
                            {{QStringLiteral("kind"), QStringLiteral("PodList")},
                             {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                             {QStringLiteral("metadata"),
                              QJsonObject{
                                  {QStringLiteral("resourceVersion"), QStringLiteral("10")}}},
                             {QStringLiteral("items"), QJsonArray()}});
}

// A watcher of the fake server's pods and the reasons it gave each time it reconnected.
struct Watched
{
    QStringList reconnects;
    std::unique_ptr<ResourceWatcher> watcher;

    explicit Watched(const FakeApiServer &server)
        : Watched(server.access())
    {}

    explicit Watched(const ClusterAccess &access)
    {
        auto connection = KubeConnection::open(access);
        EXPECT_TRUE(connection.has_value()) << qPrintable(connection.error().message);
        watcher = std::make_unique<ResourceWatcher>(connection.value_or(nullptr),
                                                    kPods,
                                                    QUrlQuery());
        QObject::connect(watcher.get(),
                         &ResourceWatcher::stateChanged,
                         [this](ResourceWatcher::State s, const QString &detail) {
                             if (s == ResourceWatcher::State::Reconnecting)
                                 reconnects.append(detail);
                         });
        watcher->start();
    }
};

} // namespace

TEST(ResourceWatcherFailures, AWatchThatEndsAtOnceWithNothingInItBacksOff)
{
    FakeApiServer server([](sandbox::HttpConnection *c, const sandbox::HttpRequest &r) {
        if (isWatch(r))
            c->respond(200, "application/json", QByteArray()); // accepted, and over at once
        else
            answerList(c);
    });
    ASSERT_TRUE(server.isListening()) << qPrintable(testCertificates().error);
    Watched w(server);
    ASSERT_TRUE(waitUntil([&] { return w.reconnects.size() >= 3; }, 20s))
        << "watches asked: " << server.count(QStringLiteral("watch"))
        << "; a watch that ends at once was renewed at once";
    EXPECT_TRUE(w.reconnects.first().contains(QStringLiteral("ended at once")))
        << qPrintable(w.reconnects.first());
    // Three failures: at most the three watches that failed and the one after the last wait.
    EXPECT_LE(server.count(QStringLiteral("watch")), 4);
}

TEST(ResourceWatcherFailures, AnErrorEventEndsTheWatchAsAFailureAndBacksOff)
{
    FakeApiServer server([](sandbox::HttpConnection *c, const sandbox::HttpRequest &r) {
        if (!isWatch(r)) {
            answerList(c);
            return;
        }
        c->beginStream(200, "application/json");
        const QJsonObject status{{QStringLiteral("kind"), QStringLiteral("Status")},
                                 {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                 {QStringLiteral("status"), QStringLiteral("Failure")},
                                 {QStringLiteral("message"),
                                  QStringLiteral("etcdserver: request timed out")},
                                 {QStringLiteral("reason"), QStringLiteral("InternalError")},
                                 {QStringLiteral("code"), 500}};
        c->writeChunk(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("ERROR")},
                                                {QStringLiteral("object"), status}})
                          .toJson(QJsonDocument::Compact)
                      + '\n');
        c->endStream();
    });
    ASSERT_TRUE(server.isListening()) << qPrintable(testCertificates().error);
    Watched w(server);
    ASSERT_TRUE(waitUntil([&] { return w.reconnects.size() >= 3; }, 20s))
        << "watches asked: " << server.count(QStringLiteral("watch"))
        << "; an ERROR event did not count as a failure";
    EXPECT_TRUE(w.reconnects.first().contains(QStringLiteral("etcdserver: request timed out")))
        << qPrintable(w.reconnects.first());
    EXPECT_LE(server.count(QStringLiteral("watch")), 4);
    // What a failed watch had sent may not be whole: it lists again.
    EXPECT_GE(server.count(QStringLiteral("list")), 3);
}

// The kubeconfig's disable-compression is applied, not just read: no gzip is asked for.
TEST(KubeConnectionRequests, DisableCompressionAsksForNoGzip)
{
    QList<QByteArray> encodings;
    FakeApiServer server([&](sandbox::HttpConnection *c, const sandbox::HttpRequest &r) {
        encodings.append(r.header("accept-encoding"));
        answerList(c);
    });
    ASSERT_TRUE(server.isListening()) << qPrintable(testCertificates().error);
    auto listOnce = [&](bool disableCompression) {
        ClusterAccess access = server.access();
        access.disableCompression = disableCompression;
        Watched w(access);
        ASSERT_TRUE(waitUntil([&] { return !encodings.isEmpty(); }, 10s));
    };
    listOnce(false);
    ASSERT_FALSE(encodings.isEmpty());
    EXPECT_TRUE(encodings.constLast().contains("gzip")) << encodings.constLast().constData();
    encodings.clear();
    listOnce(true);
    ASSERT_FALSE(encodings.isEmpty());
    EXPECT_EQ(encodings.constFirst(), QByteArray("identity"));
}

namespace {

QJsonObject pod(int i, int resourceVersion)
{
    return {{QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"), QStringLiteral("p%1").arg(i)},
                         {QStringLiteral("resourceVersion"), QString::number(resourceVersion)}}}};
}

QByteArray event(const char *type, const QJsonObject &object)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("type"), QLatin1String(type)},
                                     {QStringLiteral("object"), object}})
               .toJson(QJsonDocument::Compact)
           + '\n';
}

} // namespace

// The watcher derives rows as pages and events arrive and holds only those (a list of thousands of
// pods never holds their JSON at once); what leaves is still the list in order, then each name
// once, the last change winning, and a name deleted and added again in one batch as an upsert.
TEST(ResourceWatcherBatches, DerivedRowsLeaveInOrderOncePerNameWithTheLastChange)
{
    static constexpr int kListed = 600; // two pages of 500
    FakeApiServer server([](sandbox::HttpConnection *c, const sandbox::HttpRequest &r) {
        if (!isWatch(r)) {
            const int from = r.queryValue(QStringLiteral("continue")).toInt();
            const int to = std::min(kListed, from + r.queryValue(QStringLiteral("limit")).toInt());
            QJsonArray items;
            for (int i = from; i < to; ++i)
                items.append(pod(i, 10));
            QJsonObject meta{{QStringLiteral("resourceVersion"), QStringLiteral("10")}};
            if (to < kListed)
                meta.insert(QStringLiteral("continue"), QString::number(to));
            FakeApiServer::sendJson(c,
                                    200,
                                    {{QStringLiteral("kind"), QStringLiteral("PodList")},
                                     {QStringLiteral("metadata"), meta},
                                     {QStringLiteral("items"), items}});
            return;
        }
        // One chunk, so that every event falls into one batch; the stream stays open.
        c->beginStream(200, "application/json");
        c->writeChunk(event("DELETED", pod(0, 11)) + event("ADDED", pod(0, 12))
                      + event("MODIFIED", pod(1, 13)) + event("DELETED", pod(1, 14))
                      + event("MODIFIED", pod(2, 15)) + event("MODIFIED", pod(2, 16)));
    });
    ASSERT_TRUE(server.isListening()) << qPrintable(testCertificates().error);
    auto connection = KubeConnection::open(server.access());
    ASSERT_TRUE(connection.has_value()) << qPrintable(connection.error().message);
    ResourceWatcher watcher(*connection, kPods, QUrlQuery());
    watcher.setTransform([](const QJsonObject &o) {
        return QVariant(o.value(QStringLiteral("metadata"))
                            .toObject()
                            .value(QStringLiteral("resourceVersion"))
                            .toString());
    });
    QList<WatchBatch> batches;
    QObject::connect(&watcher, &ResourceWatcher::batch, [&](const WatchBatch &b) {
        batches.append(b);
    });
    watcher.start();
    ASSERT_TRUE(waitUntil([&] { return batches.size() >= 2; }, 20s))
        << batches.size() << " batches; lists asked: " << server.count(QStringLiteral("list"));

    const WatchBatch &listed = batches.at(0);
    EXPECT_TRUE(listed.reset);
    EXPECT_TRUE(listed.upserts.isEmpty()) << "JSON objects left with derived rows";
    ASSERT_EQ(listed.names.size(), kListed);
    ASSERT_EQ(listed.derived.size(), kListed);
    for (int i = 0; i < kListed; ++i)
        ASSERT_EQ(listed.names.at(i), QStringLiteral("p%1").arg(i));
    EXPECT_EQ(listed.derived.constFirst().toString(), QStringLiteral("10"));

    const WatchBatch &changed = batches.at(1);
    EXPECT_FALSE(changed.reset);
    EXPECT_TRUE(changed.upserts.isEmpty());
    EXPECT_EQ(changed.names, (QStringList{QStringLiteral("p0"), QStringLiteral("p2")}));
    ASSERT_EQ(changed.derived.size(), 2);
    EXPECT_EQ(changed.derived.at(0).toString(), QStringLiteral("12"));
    EXPECT_EQ(changed.derived.at(1).toString(), QStringLiteral("16"));
    EXPECT_EQ(changed.deletions, QStringList{QStringLiteral("p1")});
}
