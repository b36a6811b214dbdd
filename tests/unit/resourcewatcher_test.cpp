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
