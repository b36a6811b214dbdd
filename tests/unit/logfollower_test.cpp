// A followed log whose stream keeps ending (a container that restarts now and then): each stream
// that delivered lines for a while was healthy, so the wait before the next one starts over
// instead of growing towards its cap with every drop of a long incident.
#include "fakeapiserver.h"
#include "testcertificates.h"
#include "wait.h"

#include "core/cluster/kubetime.h"
#include "core/cluster/logfollower.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QtConcurrent>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;
using namespace std::chrono_literals;

TEST(LogFollowerReconnect, AHealthyStreamStartsTheWaitsOver)
{
    QElapsedTimer clock;
    clock.start();
    QList<qint64> asked; // when each log stream was asked for
    QList<qint64> ended; // when the server ended it
    int line = 0;
    FakeApiServer server([&](sandbox::HttpConnection *c, const sandbox::HttpRequest &r) {
        if (!r.path.endsWith(QLatin1String("/log"))) {
            FakeApiServer::sendJson(c,
                                    200,
                                    {{QStringLiteral("metadata"),
                                      QJsonObject{{QStringLiteral("name"), QStringLiteral("p")}}},
                                     {QStringLiteral("spec"),
                                      QJsonObject{
                                          {QStringLiteral("containers"),
                                           QJsonArray{QJsonObject{
                                               {QStringLiteral("name"), QStringLiteral("c")}}}}}}});
            return;
        }
        asked.append(clock.elapsed());
        c->beginStream(200, "text/plain");
        c->writeChunk(kubetime::format(QDateTime::currentDateTimeUtc()).toUtf8()
                      + QByteArrayLiteral(" line ") + QByteArray::number(++line) + '\n');
        // Up for a little more than a second, then the container restarts.
        QTimer::singleShot(1200, c, [&, c] {
            ended.append(clock.elapsed());
            c->endStream();
        });
    });
    ASSERT_TRUE(server.isListening()) << qPrintable(testCertificates().error);
    auto connection = KubeConnection::open(server.access());
    ASSERT_TRUE(connection.has_value()) << qPrintable(connection.error().message);

    CancelToken cancel;
    std::atomic_int received{0};
    QFuture<Status> following = QtConcurrent::run([&, connection = *connection] {
        KubeApi api(connection);
        LogOptions options;
        options.follow = true;
        return LogFollower(api).run(QStringLiteral("p"), options, cancel, [&](const LogLine &) {
            ++received;
            return true;
        });
    });
    const bool fiveStreams = waitUntil([&] { return asked.size() >= 5; }, 30s);
    cancel.cancel();
    ASSERT_TRUE(waitUntil([&] { return following.isFinished(); }, 10s));
    ASSERT_TRUE(fiveStreams) << "streams asked for: " << asked.size();
    EXPECT_GE(received.load(), 4);
    for (qsizetype i = 1; i < 5; ++i) {
        // The first wait of the policy (at most 0.5 s) every time, plus the pod look-up.
        EXPECT_LT(asked.at(i) - ended.at(i - 1), 1200)
            << "wait before stream " << i + 1 << " grew although every stream was healthy";
    }
}
