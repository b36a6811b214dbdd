// The cluster printers against the cases of the code they port:
//   kubernetes pkg/printers/internalversion/printers_test.go (TestPrintPod, TestPrintPodwide,
//     TestPrintPodWithRestartableInitContainer, TestPrintPodConditions, TestPrintNonTerminatedPod,
//     TestPrintDeployment, TestPrintEvent),
//   apimachinery pkg/util/duration/duration_test.go,
//   kubectl pkg/polymorphichelpers/rollout_status_test.go.
// Each Go case becomes a JSON object (what the API server sends) and the cells it must print.
// The Go tests use time.Now(); here "now" is fixed and timestamps are written relative to it.
#include "core/cluster/humanduration.h"
#include "core/cluster/kubeprinters.h"
#include "core/cluster/kubetime.h"
#include "core/cluster/rolloutstatus.h"
#include "sandbox/kubeserverprinters.h"
#include "sandbox/kubetable.h"

#include <QJsonDocument>
#include <QRegularExpression>

#include <gtest/gtest.h>

// Readable failures: gtest finds this by argument-dependent lookup (QString is in the global namespace).
void PrintTo(const QString &s, std::ostream *os)
{
    *os << '"' << s.toStdString() << '"';
}

using namespace ragdr::core;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const QDateTime kNow = QDateTime::fromString(QStringLiteral("2026-11-24T12:00:00Z"), Qt::ISODate);

// "@-10s" in a JSON text becomes now - 10 s, "@-5d" now - 5 days, and so on.
QString at(const QString &offset)
{
    const QChar unit = offset.back();
    const qint64 n = offset.left(offset.size() - 1).toLongLong();
    qint64 secs = n;
    if (unit == QLatin1Char('m'))
        secs = n * 60;
    else if (unit == QLatin1Char('h'))
        secs = n * 3600;
    else if (unit == QLatin1Char('d'))
        secs = n * 86400;
    return kubetime::format(kNow.addSecs(secs));
}

QJsonObject json(const char *text)
{
    QString s = QString::fromUtf8(text);
    static const QRegularExpression rel(QStringLiteral("@([-+]\\d+[smhd])"));
    QString out;
    qsizetype last = 0;
    for (auto it = rel.globalMatch(s); it.hasNext();) {
        const auto m = it.next();
        out += s.mid(last, m.capturedStart() - last) + at(m.captured(1));
        last = m.capturedEnd();
    }
    out += s.mid(last);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(out.toUtf8(), &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError) << qPrintable(error.errorString()) << "\n"
                                                     << text;
    return doc.object();
}

QStringList strings(const QJsonArray &cells)
{
    QStringList out;
    for (const QJsonValue &v : cells)
        out.append(v.isString() ? v.toString() : QString::number(v.toInteger()));
    return out;
}

QStringList narrowPod(const char *pod)
{
    return strings(KubePrinters::pod(json(pod), kNow).narrowCells(KubePrinters::podColumns()));
}

QStringList widePod(const char *pod)
{
    return strings(KubePrinters::pod(json(pod), kNow).cells);
}

QStringList list(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *i : items)
        out.append(QString::fromUtf8(i));
    return out;
}

} // namespace

// --- duration.go ------------------------------------------------------------------------------

TEST(HumanDuration, Values)
{
    EXPECT_EQ(humanDuration(seconds(1)), QStringLiteral("1s"));
    EXPECT_EQ(humanDuration(seconds(70)), QStringLiteral("70s"));
    EXPECT_EQ(humanDuration(seconds(190)), QStringLiteral("3m10s"));
    EXPECT_EQ(humanDuration(minutes(70)), QStringLiteral("70m"));
    EXPECT_EQ(humanDuration(hours(47)), QStringLiteral("47h"));
    EXPECT_EQ(humanDuration(hours(49)), QStringLiteral("2d1h"));
    EXPECT_EQ(humanDuration(hours(8 * 24 + 2)), QStringLiteral("8d"));
    EXPECT_EQ(humanDuration(hours(367 * 24)), QStringLiteral("367d"));
    EXPECT_EQ(humanDuration(hours(365 * 2 * 24 + 25)), QStringLiteral("2y1d"));
    EXPECT_EQ(humanDuration(hours(365 * 8 * 24 + 2)), QStringLiteral("8y"));
}

TEST(HumanDuration, Boundaries)
{
    const milliseconds ms(1);
    const hours day(24);
    const hours year = 365 * day;
    const struct
    {
        milliseconds d;
        const char *want;
    } cases[] = {
        {seconds(-2), "<invalid>"},
        {seconds(-2) + ms, "0s"},
        {milliseconds(0), "0s"},
        {seconds(1) - ms, "0s"},
        {minutes(2) - ms, "119s"},
        {minutes(2), "2m"},
        {minutes(2) + seconds(1), "2m1s"},
        {minutes(10) - ms, "9m59s"},
        {minutes(10), "10m"},
        {minutes(10) + seconds(1), "10m"},
        {hours(3) - ms, "179m"},
        {hours(3), "3h"},
        {hours(3) + minutes(1), "3h1m"},
        {hours(8) - ms, "7h59m"},
        {hours(8), "8h"},
        {hours(8) + minutes(59), "8h"},
        {2 * day - ms, "47h"},
        {2 * day, "2d"},
        {2 * day + hours(1), "2d1h"},
        {8 * day - ms, "7d23h"},
        {8 * day, "8d"},
        {8 * day + hours(23), "8d"},
        {2 * year - ms, "729d"},
        {2 * year, "2y"},
        {2 * year + hours(23), "2y"},
        {2 * year + hours(23) + minutes(59), "2y"},
        {2 * year + hours(24) - ms, "2y"},
        {2 * year + hours(24), "2y1d"},
        {3 * year, "3y"},
        {4 * year, "4y"},
        {5 * year, "5y"},
        {6 * year, "6y"},
        {7 * year, "7y"},
        {8 * year - ms, "7y364d"},
        {8 * year, "8y"},
        {8 * year + 364 * day, "8y"},
        {9 * year, "9y"},
    };
    for (const auto &c : cases)
        EXPECT_EQ(humanDuration(c.d), QString::fromUtf8(c.want)) << c.d.count() << " ms";
}

TEST(ShortHumanDuration, Boundaries)
{
    const milliseconds ms(1);
    const hours day(24);
    const struct
    {
        milliseconds d;
        const char *want;
    } cases[] = {
        {seconds(-2), "<invalid>"}, {seconds(-2) + ms, "0s"},
        {milliseconds(0), "0s"},    {seconds(1) - ms, "0s"},
        {seconds(1), "1s"},         {seconds(2) - ms, "1s"},
        {minutes(1) - ms, "59s"},   {minutes(1), "1m"},
        {minutes(2) - ms, "1m"},    {hours(1) - ms, "59m"},
        {hours(1), "1h"},           {hours(2) - ms, "1h"},
        {day - ms, "23h"},          {day, "1d"},
        {2 * day - ms, "1d"},       {365 * day - ms, "364d"},
        {365 * day, "1y"},          {2 * 365 * day - ms, "1y"},
        {2 * 365 * day, "2y"},
    };
    for (const auto &c : cases)
        EXPECT_EQ(shortHumanDuration(c.d), QString::fromUtf8(c.want)) << c.d.count() << " ms";
}

TEST(KubeTime, ParsesEveryPrecisionTheApiWrites)
{
    EXPECT_EQ(kubetime::parse(QStringLiteral("2026-11-24T12:00:00Z")), kNow);
    EXPECT_EQ(kubetime::parse(QStringLiteral("2026-11-24T12:00:00.250000Z")), kNow.addMSecs(250));
    EXPECT_EQ(kubetime::parse(QStringLiteral("2026-11-24T12:00:00.123456789Z")), kNow.addMSecs(123));
    EXPECT_EQ(kubetime::parse(QStringLiteral("2026-11-24T13:00:00+01:00")), kNow);
    EXPECT_FALSE(kubetime::parse(QString()).isValid());
    EXPECT_FALSE(kubetime::parse(QStringLiteral("0001-01-01T00:00:00Z")).isValid());
    EXPECT_EQ(kubetime::formatNano(kNow.addMSecs(120)), QStringLiteral("2026-11-24T12:00:00.12Z"));
    EXPECT_EQ(kubetime::formatNano(kNow), QStringLiteral("2026-11-24T12:00:00Z"));
    EXPECT_EQ(translateTimestampSince(QString(), kNow), QStringLiteral("<unknown>"));
}

// --- TestPrintPod ------------------------------------------------------------------------------

TEST(PrintPod, ReadyCountsAndRestarts)
{
    // test1: name, num of containers, restarts, container ready status
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test1"},"spec":{"containers":[{},{}]},
        "status":{"phase":"podPhase","containerStatuses":[
          {"ready":true,"restartCount":3,"state":{"running":{}}},{"restartCount":3}]}})"),
              list({"test1", "1/2", "podPhase", "6", "<unknown>"}));
    // test2: container error overwrites pod phase
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test2"},"spec":{"containers":[{},{}]},
        "status":{"phase":"podPhase","containerStatuses":[
          {"ready":true,"restartCount":3,"state":{"running":{}}},
          {"state":{"waiting":{"reason":"ContainerWaitingReason"}},"restartCount":3}]}})"),
              list({"test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"}));
    // test3: terminated state; the first container overwrites the rest
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test3"},"spec":{"containers":[{},{}]},
        "status":{"phase":"podPhase","containerStatuses":[
          {"state":{"waiting":{"reason":"ContainerWaitingReason"}},"restartCount":3},
          {"state":{"terminated":{"reason":"ContainerTerminatedReason"}},"restartCount":3}]}})"),
              list({"test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"}));
    // test4: ready is not enough for reporting running
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test4"},"spec":{"containers":[{},{}]},
        "status":{"phase":"podPhase","containerStatuses":[
          {"ready":true,"restartCount":3,"state":{"running":{}}},{"ready":true,"restartCount":3}]}})"),
              list({"test4", "1/2", "podPhase", "6", "<unknown>"}));
    // test5: the pod's reason replaces its phase
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test5"},"spec":{"containers":[{},{}]},
        "status":{"reason":"podReason","phase":"podPhase","containerStatuses":[
          {"ready":true,"restartCount":3,"state":{"running":{}}},{"ready":true,"restartCount":3}]}})"),
              list({"test5", "1/2", "podReason", "6", "<unknown>"}));
}

TEST(PrintPod, CompletedContainerBesideARunningOne)
{
    // test6 without and with the Ready condition
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test6"},"spec":{"containers":[{},{}]},
        "status":{"phase":"Running","reason":"","containerStatuses":[
          {"ready":true,"restartCount":3,"state":{"terminated":{"reason":"Completed","exitCode":0}}},
          {"ready":true,"restartCount":3,"state":{"running":{}}}]}})"),
              list({"test6", "1/2", "NotReady", "6", "<unknown>"}));
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test6"},"spec":{"containers":[{},{}]},
        "status":{"phase":"Running","reason":"","containerStatuses":[
          {"ready":true,"restartCount":3,"state":{"terminated":{"reason":"Completed","exitCode":0}}},
          {"ready":true,"restartCount":3,"state":{"running":{}}}],
          "conditions":[{"type":"Ready","status":"True","lastProbeTime":"@-0s"}]}})"),
              list({"test6", "1/2", "Running", "6", "<unknown>"}));
}

TEST(PrintPod, InitContainers)
{
    // test7: 1 init container restarting and 1 container not running
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"test7"},"spec":{"initContainers":[{}],"containers":[{}]},
        "status":{"phase":"podPhase",
          "initContainerStatuses":[{"ready":false,"restartCount":3,"state":{"running":{}},
             "lastState":{"terminated":{"finishedAt":"@-10s"}}}],
          "containerStatuses":[{"ready":false,"restartCount":0,"state":{"waiting":{}}}]}})"),
              list({"test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"}));
    // test8: 2 init containers, one restarting and the other not running
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"test8"},"spec":{"initContainers":[{},{}],"containers":[{}]},
        "status":{"phase":"podPhase",
          "initContainerStatuses":[
            {"ready":false,"restartCount":3,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"@-10s"}}},
            {"ready":false,"state":{"waiting":{}}}],
          "containerStatuses":[{"ready":false,"state":{"waiting":{}}}]}})"),
              list({"test8", "0/1", "Init:0/2", "3 (10s ago)", "<unknown>"}));
    // test9: one completed without restarts and the other restarting
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"test9"},"spec":{"initContainers":[{},{}],"containers":[{}]},
        "status":{"phase":"podPhase",
          "initContainerStatuses":[
            {"ready":false,"state":{"terminated":{}}},
            {"ready":false,"restartCount":3,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"@-10s"}}}],
          "containerStatuses":[{"ready":false,"state":{"waiting":{}}}]}})"),
              list({"test9", "0/1", "Init:1/2", "3 (10s ago)", "<unknown>"}));
    // test10: one completed with restarts and the other restarting
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"test10"},"spec":{"initContainers":[{},{}],"containers":[{}]},
        "status":{"phase":"podPhase",
          "initContainerStatuses":[
            {"ready":false,"restartCount":2,"state":{"terminated":{}},"lastState":{"terminated":{"finishedAt":"@-2m"}}},
            {"ready":false,"restartCount":3,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"@-10s"}}}],
          "containerStatuses":[{"ready":false,"state":{"waiting":{}}}]}})"),
              list({"test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"}));
    // test11: init container completed with restarts and one container restarting
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"test11"},"spec":{"initContainers":[{}],"containers":[{}]},
        "status":{"phase":"Running",
          "initContainerStatuses":[
            {"ready":false,"restartCount":2,"state":{"terminated":{}},"lastState":{"terminated":{"finishedAt":"@-2m"}}}],
          "containerStatuses":[
            {"ready":false,"restartCount":4,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"@-20s"}}}]}})"),
              list({"test11", "0/1", "Running", "4 (20s ago)", "<unknown>"}));
}

TEST(PrintPod, InitContainerFailures)
{
    // Not in printers_test.go, but the branches of printPod it ports: a failed init container
    // by reason, by signal and by exit code, and a waiting one with its reason.
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"a"},"spec":{"initContainers":[{"name":"i"}],"containers":[{}]},
        "status":{"phase":"Pending","initContainerStatuses":[
          {"name":"i","state":{"terminated":{"reason":"Error","exitCode":1}}}]}})")[2],
              QStringLiteral("Init:Error"));
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"a"},"spec":{"initContainers":[{"name":"i"}],"containers":[{}]},
        "status":{"phase":"Pending","initContainerStatuses":[
          {"name":"i","state":{"terminated":{"signal":9,"exitCode":137}}}]}})")[2],
              QStringLiteral("Init:Signal:9"));
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"a"},"spec":{"initContainers":[{"name":"i"}],"containers":[{}]},
        "status":{"phase":"Pending","initContainerStatuses":[
          {"name":"i","state":{"terminated":{"exitCode":2}}}]}})")[2],
              QStringLiteral("Init:ExitCode:2"));
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"a"},"spec":{"initContainers":[{"name":"i"}],"containers":[{}]},
        "status":{"phase":"Pending","initContainerStatuses":[
          {"name":"i","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}})")[2],
              QStringLiteral("Init:CrashLoopBackOff"));
    // PodInitializing is what every init container says before it starts: still Init:N/M.
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"a"},"spec":{"initContainers":[{"name":"i"}],"containers":[{}]},
        "status":{"phase":"Pending","initContainerStatuses":[
          {"name":"i","state":{"waiting":{"reason":"PodInitializing"}}}]}})")[2],
              QStringLiteral("Init:0/1"));
    // Containers that exited without a reason.
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"a"},"spec":{"containers":[{}]},
        "status":{"phase":"Running","containerStatuses":[{"state":{"terminated":{"signal":15}}}]}})")
                  [2],
              QStringLiteral("Signal:15"));
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"a"},"spec":{"containers":[{}]},
        "status":{"phase":"Running","containerStatuses":[{"state":{"terminated":{"exitCode":3}}}]}})")
                  [2],
              QStringLiteral("ExitCode:3"));
}

TEST(PrintPod, RestartAges)
{
    // test12: restarted 5d ago
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test12"},"spec":{"containers":[{}]},
        "status":{"phase":"Running","containerStatuses":[
          {"ready":true,"restartCount":3,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"@-5d"}}}]}})"),
              list({"test12", "1/1", "Running", "3 (5d ago)", "<unknown>"}));
    // test13: one never restarted, the other 10d ago
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test13"},"spec":{"containers":[{},{}]},
        "status":{"phase":"Running","containerStatuses":[
          {"ready":true,"restartCount":0,"state":{"running":{}}},
          {"ready":true,"restartCount":3,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"@-10d"}}}]}})"),
              list({"test13", "2/2", "Running", "3 (10d ago)", "<unknown>"}));
    // test14: 5d and 20d ago; the latest counts
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test14"},"spec":{"containers":[{},{}]},
        "status":{"phase":"Running","containerStatuses":[
          {"ready":true,"restartCount":6,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"@-5d"}}},
          {"ready":true,"restartCount":3,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"@-20d"}}}]}})"),
              list({"test14", "2/2", "Running", "9 (5d ago)", "<unknown>"}));
}

TEST(PrintPod, SchedulingGatedSucceededFailedAndDeletion)
{
    // test15
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test15"},"spec":{"containers":[{},{}]},
        "status":{"phase":"podPhase","conditions":[
          {"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}})"),
              list({"test15", "0/2", "SchedulingGated", "0", "<unknown>"}));
    // test16: succeeded, with the row condition
    const KubeTableRow succeeded
        = KubePrinters::pod(json(R"({"metadata":{"name":"test16"},"spec":{"containers":[{}]},
        "status":{"phase":"Succeeded","containerStatuses":[
          {"ready":false,"restartCount":0,"state":{"terminated":{"reason":"Completed","exitCode":0}}}]}})"),
                            kNow);
    EXPECT_EQ(strings(succeeded.narrowCells(KubePrinters::podColumns())),
              list({"test16", "0/1", "Completed", "0", "<unknown>"}));
    ASSERT_EQ(succeeded.conditions.size(), 1);
    EXPECT_EQ(
        succeeded.conditions.at(0).toObject(),
        json(
            R"({"type":"Completed","status":"True","reason":"Succeeded","message":"The pod has completed successfully."})"));
    // test17: failed
    const KubeTableRow failed
        = KubePrinters::pod(json(R"({"metadata":{"name":"test17"},"spec":{"containers":[{}]},
        "status":{"phase":"Failed","containerStatuses":[
          {"ready":false,"restartCount":0,"state":{"terminated":{"reason":"Error","exitCode":1}}}]}})"),
                            kNow);
    EXPECT_EQ(strings(failed.narrowCells(KubePrinters::podColumns())),
              list({"test17", "0/1", "Error", "0", "<unknown>"}));
    EXPECT_EQ(
        failed.conditions.at(0).toObject(),
        json(
            R"({"type":"Completed","status":"True","reason":"Failed","message":"The pod failed."})"));
    // test18: succeeded with deletion stays Completed (a terminal phase is never "Terminating")
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"test18","deletionTimestamp":"@-10s"},"spec":{"containers":[{}]},
        "status":{"phase":"Succeeded","containerStatuses":[
          {"ready":false,"restartCount":0,"state":{"terminated":{"reason":"Completed","exitCode":0}}}]}})"),
              list({"test18", "0/1", "Completed", "0", "<unknown>"}));
    // test19: running with deletion
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"test19","deletionTimestamp":"@-10s"},"spec":{"containers":[{}]},
        "status":{"phase":"Running","containerStatuses":[
          {"ready":false,"restartCount":0,"state":{"running":{}}}]}})"),
              list({"test19", "0/1", "Terminating", "0", "<unknown>"}));
    // test20: pending with deletion
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"test20","deletionTimestamp":"@-10s"},"spec":{"containers":[{}]},
        "status":{"phase":"Pending"}})"),
              list({"test20", "0/1", "Terminating", "0", "<unknown>"}));
    // NodeLost under deletion reads Unknown (printPod's NodeUnreachablePodReason branch).
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"lost","deletionTimestamp":"@-10s"},"spec":{"containers":[{}]},
        "status":{"phase":"Running","reason":"NodeLost"}})")[2],
              QStringLiteral("Unknown"));
}

TEST(PrintPod, AgeFromCreationTimestamp)
{
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"p","creationTimestamp":"@-190s"},"spec":{"containers":[{}]},
        "status":{"phase":"Pending"}})")[4],
              QStringLiteral("3m10s"));
    // Created 1.9 s "in the future" (clock skew) still prints 0s, as TestPrintDeployment expects.
    EXPECT_EQ(narrowPod(
                  R"({"metadata":{"name":"p","creationTimestamp":"@+1s"},"spec":{"containers":[{}]},
        "status":{"phase":"Pending"}})")[4],
              QStringLiteral("0s"));
}

// --- TestPrintPodWithRestartableInitContainer ---------------------------------------------------

TEST(PrintPod, RestartableInitContainers)
{
    const char *spec = R"("spec":{"initContainers":[
        {"name":"restartable-init-1","restartPolicy":"Always"},
        {"name":"restartable-init-2","restartPolicy":"Always"}],"containers":[{}]})";
    auto pod = [&](const char *name, const char *status) {
        const QString text = QStringLiteral(R"({"metadata":{"name":"%1"},%2,"status":%3})")
                                 .arg(QString::fromUtf8(name),
                                      QString::fromUtf8(spec),
                                      QString::fromUtf8(status));
        return narrowPod(text.toUtf8().constData());
    };
    // the first one running but not started
    EXPECT_EQ(pod("test1", R"({"phase":"Pending",
        "initContainerStatuses":[
          {"name":"restartable-init-1","ready":false,"restartCount":3,"state":{"running":{}},"started":false,
           "lastState":{"terminated":{"finishedAt":"@-10s"}}},
          {"name":"restartable-init-2","ready":false,"state":{"waiting":{}},"started":false}],
        "containerStatuses":[{"ready":false,"restartCount":0,"state":{"waiting":{}}}],
        "conditions":[{"type":"Initialized","status":"False"}]})"),
              list({"test1", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"}));
    // the first one started, the second running but not started
    EXPECT_EQ(pod("test1", R"({"phase":"Pending",
        "initContainerStatuses":[
          {"name":"restartable-init-1","ready":false,"restartCount":3,"state":{"running":{}},"started":true,
           "lastState":{"terminated":{"finishedAt":"@-10s"}}},
          {"name":"restartable-init-2","ready":false,"state":{"running":{}},"started":false}],
        "containerStatuses":[{"ready":false,"restartCount":0,"state":{"waiting":{}}}],
        "conditions":[{"type":"Initialized","status":"False"}]})"),
              list({"test1", "0/3", "Init:1/2", "3 (10s ago)", "<unknown>"}));
    // both started and the container running
    EXPECT_EQ(pod("test2", R"({"phase":"Running",
        "initContainerStatuses":[
          {"name":"restartable-init-1","ready":false,"restartCount":3,"state":{"running":{}},"started":true,
           "lastState":{"terminated":{"finishedAt":"@-10s"}}},
          {"name":"restartable-init-2","ready":false,"state":{"running":{}},"started":true}],
        "containerStatuses":[{"ready":true,"restartCount":4,"state":{"running":{}},
          "lastState":{"terminated":{"finishedAt":"@-20s"}}}],
        "conditions":[{"type":"Initialized","status":"True"}]})"),
              list({"test2", "1/3", "Running", "7 (10s ago)", "<unknown>"}));
    // both completed with non-zero codes and the container completed
    EXPECT_EQ(pod("test3", R"({"phase":"Succeeded",
        "initContainerStatuses":[
          {"name":"restartable-init-1","ready":false,"restartCount":3,
           "state":{"terminated":{"reason":"Error","exitCode":137}},"started":false,
           "lastState":{"terminated":{"finishedAt":"@-10s"}}},
          {"name":"restartable-init-2","ready":false,"state":{"terminated":{"reason":"Error","exitCode":137}},"started":false}],
        "containerStatuses":[{"ready":false,"restartCount":4,"state":{"terminated":{"reason":"Completed","exitCode":0}},
          "lastState":{"terminated":{"finishedAt":"@-20s"}}}],
        "conditions":[{"type":"Initialized","status":"True"}]})"),
              list({"test3", "0/3", "Completed", "7 (10s ago)", "<unknown>"}));
    // statuses for containers that do not exist
    EXPECT_EQ(narrowPod(R"({"metadata":{"name":"test4"},"spec":{
          "initContainers":[{"name":"init1","image":"initimage"},
                            {"name":"sidecar1","image":"sidecarimage","restartPolicy":"Always"}],
          "containers":[{"name":"container1","image":"containerimage"}]},
        "status":{"phase":"Running",
          "initContainerStatuses":[{"name":"initinvalid"},{"name":"init1"},{"name":"sidecar1"}],
          "containerStatuses":[{"name":"containerinvalid"},{"name":"container1"}]}})"),
              list({"test4", "0/2", "Init:0/2", "0", "<unknown>"}));
}

// --- TestPrintPodwide -------------------------------------------------------------------------

TEST(PrintPod, Wide)
{
    EXPECT_EQ(
        widePod(R"({"metadata":{"name":"test1"},
        "spec":{"containers":[{},{}],"nodeName":"test1","readinessGates":[
          {"conditionType":"condition1"},{"conditionType":"condition2"},{"conditionType":"condition3"}]},
        "status":{"conditions":[{"type":"condition1","status":"False"},{"type":"condition2","status":"True"}],
          "phase":"podPhase","podIPs":[{"ip":"1.1.1.1"}],
          "containerStatuses":[{"ready":true,"restartCount":3,"state":{"running":{}}},{"restartCount":3}],
          "nominatedNodeName":"node1"}})"),
        list({"test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"}));
    // dual stack: the first IP
    EXPECT_EQ(
        widePod(R"({"metadata":{"name":"test1"},
        "spec":{"containers":[{},{}],"nodeName":"test1","readinessGates":[
          {"conditionType":"condition1"},{"conditionType":"condition2"},{"conditionType":"condition3"}]},
        "status":{"conditions":[{"type":"condition1","status":"False"},{"type":"condition2","status":"True"}],
          "phase":"podPhase","podIPs":[{"ip":"1.1.1.1"},{"ip":"2001:db8::"}],
          "containerStatuses":[{"ready":true,"restartCount":3,"state":{"running":{}}},{"restartCount":3}],
          "nominatedNodeName":"node1"}})"),
        list({"test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"}));
    // no node, no IP
    EXPECT_EQ(widePod(R"({"metadata":{"name":"test2"},"spec":{"containers":[{},{}],"nodeName":""},
        "status":{"phase":"podPhase","containerStatuses":[
          {"ready":true,"restartCount":3,"state":{"running":{}}},
          {"state":{"waiting":{"reason":"ContainerWaitingReason"}},"restartCount":3}]}})"),
              list({"test2",
                    "1/2",
                    "ContainerWaitingReason",
                    "6",
                    "<unknown>",
                    "<none>",
                    "<none>",
                    "<none>",
                    "<none>"}));
    // v1's single podIP field when podIPs is absent
    EXPECT_EQ(
        widePod(
            R"({"metadata":{"name":"p"},"spec":{"containers":[{}]},"status":{"podIP":"10.0.0.9"}})")[5],
        QStringLiteral("10.0.0.9"));
}

// --- TestPrintPodConditions and TestPrintNonTerminatedPod ---------------------------------------

TEST(PrintPod, ConditionsAndPhases)
{
    const char *statuses
        = R"("containerStatuses":[{"ready":true,"restartCount":3,"state":{"running":{}}},{"restartCount":3}])";
    auto row = [&](const char *phase) {
        const QString text = QStringLiteral(
                                 R"({"metadata":{"name":"test1","labels":{"a":"1","b":"2"}},
            "spec":{"containers":[{},{}]},"status":{"phase":"%1",%2}})")
                                 .arg(QString::fromUtf8(phase), QString::fromUtf8(statuses));
        return KubePrinters::pod(json(text.toUtf8().constData()), kNow);
    };
    const QList<KubeColumn> columns = KubePrinters::podColumns();
    EXPECT_EQ(strings(row("Running").narrowCells(columns)),
              list({"test1", "1/2", "Running", "6", "<unknown>"}));
    EXPECT_TRUE(row("Running").conditions.isEmpty());
    EXPECT_EQ(strings(row("Pending").narrowCells(columns)),
              list({"test1", "1/2", "Pending", "6", "<unknown>"}));
    EXPECT_EQ(strings(row("Unknown").narrowCells(columns)),
              list({"test1", "1/2", "Unknown", "6", "<unknown>"}));
    EXPECT_EQ(strings(row("Succeeded").narrowCells(columns)),
              list({"test1", "1/2", "Succeeded", "6", "<unknown>"}));
    EXPECT_EQ(row("Succeeded").conditions.at(0).toObject().value(QStringLiteral("reason")).toString(),
              QStringLiteral("Succeeded"));
    EXPECT_EQ(strings(row("Failed").narrowCells(columns)),
              list({"test1", "1/2", "Failed", "6", "<unknown>"}));
    EXPECT_EQ(row("Failed").conditions.at(0).toObject().value(QStringLiteral("reason")).toString(),
              QStringLiteral("Failed"));
}

TEST(PrintPod, ColumnsAreKubeApiserversPodColumns)
{
    QStringList names;
    QList<int> priorities;
    for (const KubeColumn &c : KubePrinters::podColumns()) {
        names.append(c.name);
        priorities.append(c.priority);
    }
    EXPECT_EQ(names,
              list({"Name",
                    "Ready",
                    "Status",
                    "Restarts",
                    "Age",
                    "IP",
                    "Node",
                    "Nominated Node",
                    "Readiness Gates"}));
    EXPECT_EQ(priorities, (QList<int>{0, 0, 0, 0, 0, 1, 1, 1, 1}));
    EXPECT_EQ(KubePrinters::podColumns().at(0).format, QStringLiteral("name"));
}

// --- TestPrintDeployment, replica sets and selectors ---------------------------------------------

TEST(PrintDeployment, NarrowAndWide)
{
    const QJsonObject deployment = json(R"({"metadata":{"name":"test1","creationTimestamp":"@+1s"},
        "spec":{"replicas":5,"template":{"spec":{"containers":[
            {"name":"fake-container1","image":"fake-image1"},{"name":"fake-container2","image":"fake-image2"}]}},
          "selector":{"matchLabels":{"foo":"bar"}}},
        "status":{"replicas":10,"updatedReplicas":2,"availableReplicas":1,"unavailableReplicas":4}})");
    const KubeTableRow row = KubePrinters::deployment(deployment, kNow);
    EXPECT_EQ(row.narrowCells(KubePrinters::deploymentColumns()),
              (QJsonArray{QStringLiteral("test1"),
                          QStringLiteral("0/5"),
                          2,
                          1,
                          QStringLiteral("0s")}));
    EXPECT_EQ(row.cells,
              (QJsonArray{QStringLiteral("test1"),
                          QStringLiteral("0/5"),
                          2,
                          1,
                          QStringLiteral("0s"),
                          QStringLiteral("fake-container1,fake-container2"),
                          QStringLiteral("fake-image1,fake-image2"),
                          QStringLiteral("foo=bar")}));
}

TEST(PrintReplicaSet, Cells)
{
    const QJsonObject rs = json(
        R"({"metadata":{"name":"rag-api-6d4cf56db6","creationTimestamp":"@-3h"},
        "spec":{"replicas":3,"selector":{"matchLabels":{"app":"rag-api","pod-template-hash":"6d4cf56db6"}},
          "template":{"spec":{"containers":[{"name":"api","image":"rag-api:1"}]}}},
        "status":{"replicas":3,"readyReplicas":2}})");
    EXPECT_EQ(ragdr::sandbox::KubeServerPrinters::replicaSet(rs, kNow).cells,
              (QJsonArray{QStringLiteral("rag-api-6d4cf56db6"),
                          3,
                          3,
                          2,
                          QStringLiteral("3h"),
                          QStringLiteral("api"),
                          QStringLiteral("rag-api:1"),
                          QStringLiteral("app=rag-api,pod-template-hash=6d4cf56db6")}));
}

TEST(PrintDeployment, LabelSelectorsAsKubectlPrintsThem)
{
    EXPECT_EQ(KubePrinters::formatLabelSelector(json(R"({"matchLabels":{"b":"2","a":"1"},
        "matchExpressions":[{"key":"tier","operator":"In","values":["web","api"]},
                            {"key":"canary","operator":"DoesNotExist"},
                            {"key":"zone","operator":"NotIn","values":["x"]},
                            {"key":"env","operator":"Exists"}]})")),
              QStringLiteral("a=1,b=2,!canary,env,tier in (api,web),zone notin (x)"));
    EXPECT_EQ(KubePrinters::formatLabelSelector(QJsonObject()), QString());
    EXPECT_EQ(KubePrinters::formatLabelSelector(
                  json(R"({"matchExpressions":[{"key":"a","operator":"Near"}]})")),
              QStringLiteral("<invalid>"));
    EXPECT_EQ(ragdr::sandbox::KubeServerPrinters::formatLabels(json(R"({"b":"2","a":"1"})")),
              QStringLiteral("a=1,b=2"));
    EXPECT_EQ(ragdr::sandbox::KubeServerPrinters::formatLabels(QJsonObject()),
              QStringLiteral("<none>"));
}

// --- TestPrintEvent -------------------------------------------------------------------------------

TEST(PrintEvent, NarrowAndWide)
{
    const QList<KubeColumn> columns = KubePrinters::eventColumns();
    // Basic event; no generate options
    const QJsonObject basic = json(R"({"source":{"component":"kubelet"},
        "involvedObject":{"kind":"Pod","name":"Pod Name","fieldPath":"spec.containers{foo}"},
        "reason":"Event Reason","message":"Message Data","firstTimestamp":"@-3d","lastTimestamp":"@-2d",
        "count":6,"type":"Normal","metadata":{"name":"event1"}})");
    EXPECT_EQ(KubePrinters::event(basic, kNow).narrowCells(columns),
              (QJsonArray{QStringLiteral("2d"),
                          QStringLiteral("Normal"),
                          QStringLiteral("Event Reason"),
                          QStringLiteral("pod/Pod Name"),
                          QStringLiteral("Message Data")}));

    auto wide = [&](const char *event) { return KubePrinters::event(json(event), kNow).cells; };
    auto expected = [](const char *last, const char *source, qint64 count, const char *name) {
        return QJsonArray{QString::fromUtf8(last),
                          QStringLiteral("Warning"),
                          QStringLiteral("Event Reason"),
                          QStringLiteral("deployment/Deployment Name"),
                          QStringLiteral("spec.containers{foo}"),
                          QString::fromUtf8(source),
                          QStringLiteral("Message Data"),
                          QStringLiteral("3d"),
                          count,
                          QString::fromUtf8(name)};
    };
    // Basic event; generate options=Wide
    EXPECT_EQ(wide(R"({"source":{"component":"kubelet","host":"Node1"},
        "involvedObject":{"kind":"Deployment","name":"Deployment Name","fieldPath":"spec.containers{foo}"},
        "reason":"Event Reason","message":"Message Data","firstTimestamp":"@-3d","lastTimestamp":"@-2d",
        "count":6,"type":"Warning","metadata":{"name":"event2"}})"),
              expected("2d", "kubelet, Node1", 6, "event2"));
    // w/o FirstTimestamp: eventTime stands in
    EXPECT_EQ(wide(R"({"source":{"component":"kubelet","host":"Node1"},
        "involvedObject":{"kind":"Deployment","name":"Deployment Name","fieldPath":"spec.containers{foo}"},
        "reason":"Event Reason","message":"Message Data","eventTime":"@-3d","lastTimestamp":"@-3d",
        "count":1,"type":"Warning","metadata":{"name":"event3"}})"),
              expected("3d", "kubelet, Node1", 1, "event3"));
    // w/o LastTimestamp: the first seen stands in
    EXPECT_EQ(wide(R"({"source":{"component":"kubelet","host":"Node1"},
        "involvedObject":{"kind":"Deployment","name":"Deployment Name","fieldPath":"spec.containers{foo}"},
        "reason":"Event Reason","message":"Message Data","eventTime":"@-3d","firstTimestamp":"@-3d",
        "count":1,"type":"Warning","metadata":{"name":"event4"}})"),
              expected("3d", "kubelet, Node1", 1, "event4"));
    // w/o both
    EXPECT_EQ(wide(R"({"source":{"component":"kubelet","host":"Node1"},
        "involvedObject":{"kind":"Deployment","name":"Deployment Name","fieldPath":"spec.containers{foo}"},
        "reason":"Event Reason","message":"Message Data","eventTime":"@-3d",
        "count":1,"type":"Warning","metadata":{"name":"event5"}})"),
              expected("3d", "kubelet, Node1", 1, "event5"));
    // an event series: its count and last observed time
    EXPECT_EQ(wide(R"({"source":{"component":"kubelet","host":"Node1"},
        "involvedObject":{"kind":"Deployment","name":"Deployment Name","fieldPath":"spec.containers{foo}"},
        "series":{"count":2,"lastObservedTime":"@-2d"},
        "reason":"Event Reason","message":"Message Data","eventTime":"@-3d",
        "type":"Warning","metadata":{"name":"event6"}})"),
              expected("2d", "kubelet, Node1", 2, "event6"));
    // a singleton without count counts 1
    EXPECT_EQ(wide(R"({"source":{"component":"kubelet","host":"Node1"},
        "involvedObject":{"kind":"Deployment","name":"Deployment Name","fieldPath":"spec.containers{foo}"},
        "reason":"Event Reason","message":"Message Data","eventTime":"@-3d",
        "type":"Warning","metadata":{"name":"event7"}})"),
              expected("3d", "kubelet, Node1", 1, "event7"));
    // empty source: reportingComponent and reportingInstance
    EXPECT_EQ(wide(R"({"reportingComponent":"kubelet","reportingInstance":"test",
        "involvedObject":{"kind":"Deployment","name":"Deployment Name","fieldPath":"spec.containers{foo}"},
        "reason":"Event Reason","message":"Message Data","firstTimestamp":"@-3d","lastTimestamp":"@-2d",
        "count":6,"type":"Warning","metadata":{"name":"event2"}})"),
              expected("2d", "kubelet, test", 6, "event2"));
}

TEST(PrintEvent, ColumnsAreKubeApiserversEventColumns)
{
    QStringList names;
    QStringList narrow;
    for (const KubeColumn &c : KubePrinters::eventColumns()) {
        names.append(c.name);
        if (c.priority == 0)
            narrow.append(c.name);
    }
    EXPECT_EQ(names,
              list({"Last Seen",
                    "Type",
                    "Reason",
                    "Object",
                    "Subobject",
                    "Source",
                    "Message",
                    "First Seen",
                    "Count",
                    "Name"}));
    EXPECT_EQ(narrow, list({"Last Seen", "Type", "Reason", "Object", "Message"}));
}

// --- rollout_status_test.go -------------------------------------------------------------------------

namespace {

RolloutStatus rollout(qint64 generation, qint64 specReplicas, const char *status)
{
    const QString text = QStringLiteral(
                             R"({"metadata":{"namespace":"bar","name":"foo","generation":%1},
        "spec":{"replicas":%2},"status":%3})")
                             .arg(generation)
                             .arg(specReplicas)
                             .arg(QString::fromUtf8(status));
    return RolloutStatus::forDeployment(json(text.toUtf8().constData()));
}

} // namespace

TEST(RolloutStatus, DeploymentStatusViewer)
{
    RolloutStatus s = rollout(
        0, 1, R"({"observedGeneration":1,"replicas":1,"updatedReplicas":0,"availableReplicas":1})");
    EXPECT_EQ(s.message,
              QStringLiteral("Waiting for deployment \"foo\" rollout to finish: 0 out of 1 new "
                             "replicas have been updated..."));
    EXPECT_FALSE(s.done);

    s = rollout(1,
                1,
                R"({"observedGeneration":1,"replicas":2,"updatedReplicas":1,"availableReplicas":2})");
    EXPECT_EQ(s.message,
              QStringLiteral("Waiting for deployment \"foo\" rollout to finish: 1 old replicas are "
                             "pending termination..."));
    EXPECT_FALSE(s.done);

    s = rollout(
        1,
        2,
        R"({"observedGeneration":1,"replicas":2,"updatedReplicas":2,"availableReplicas":1,"unavailableReplicas":1})");
    EXPECT_EQ(s.message,
              QStringLiteral("Waiting for deployment \"foo\" rollout to finish: 1 of 2 updated "
                             "replicas are available..."));
    EXPECT_FALSE(s.done);

    s = rollout(1,
                2,
                R"({"observedGeneration":1,"replicas":2,"updatedReplicas":2,"availableReplicas":2})");
    EXPECT_EQ(s.message, QStringLiteral("deployment \"foo\" successfully rolled out"));
    EXPECT_TRUE(s.done);
    EXPECT_FALSE(s.failed);

    s = rollout(2,
                2,
                R"({"observedGeneration":1,"replicas":2,"updatedReplicas":2,"availableReplicas":2})");
    EXPECT_EQ(s.message, QStringLiteral("Waiting for deployment spec update to be observed..."));
    EXPECT_FALSE(s.done);
}

TEST(RolloutStatus, ProgressDeadlineExceededIsAnError)
{
    const RolloutStatus s = rollout(3,
                                    3,
                                    R"({"observedGeneration":3,"replicas":4,"updatedReplicas":1,
        "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"},
                      {"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}]})");
    EXPECT_TRUE(s.failed);
    EXPECT_FALSE(s.done);
    EXPECT_EQ(s.message, QStringLiteral("deployment \"foo\" exceeded its progress deadline"));
    // ...but only once the controller has observed the current generation.
    EXPECT_FALSE(rollout(4, 3, R"({"observedGeneration":3,"conditions":[
        {"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}]})")
                     .failed);
}

TEST(RolloutStatus, RevisionMustMatch)
{
    const QJsonObject d = json(R"({"metadata":{"name":"foo","generation":1,
        "annotations":{"deployment.kubernetes.io/revision":"4"}},"spec":{"replicas":1},
        "status":{"observedGeneration":1,"replicas":1,"updatedReplicas":1,"availableReplicas":1}})");
    EXPECT_TRUE(RolloutStatus::forDeployment(d, 4).done);
    const RolloutStatus wrong = RolloutStatus::forDeployment(d, 3);
    EXPECT_TRUE(wrong.failed);
    EXPECT_EQ(wrong.message,
              QStringLiteral("desired revision (3) is different from the running revision (4)"));
}

// --- Table -----------------------------------------------------------------------------------------

TEST(KubeTable, ShapeKubectlAccepts)
{
    const QJsonObject pod = json(
        R"({"metadata":{"name":"rag-api-1","namespace":"rag-prod","labels":{"app":"rag-api"},
        "creationTimestamp":"@-60m"},"spec":{"containers":[{"name":"api"}],"nodeName":"node-b"},
        "status":{"phase":"Running","podIP":"10.244.0.152","containerStatuses":[
          {"name":"api","ready":true,"restartCount":0,"state":{"running":{}}}]}})");
    ragdr::sandbox::KubeTableOptions options;
    options.resourceVersion = QStringLiteral("1007");
    options.continueToken = QStringLiteral("abc");
    options.remainingItemCount = 3;
    const QJsonObject table = ragdr::sandbox::KubeTable::build(ragdr::sandbox::KubeResource::Pods,
                                                               {pod},
                                                               kNow,
                                                               options);
    EXPECT_EQ(table.value(QStringLiteral("kind")).toString(), QStringLiteral("Table"));
    EXPECT_EQ(table.value(QStringLiteral("apiVersion")).toString(),
              QStringLiteral("meta.k8s.io/v1"));
    EXPECT_EQ(table.value(QStringLiteral("metadata")).toObject(),
              json(R"({"resourceVersion":"1007","continue":"abc","remainingItemCount":3})"));
    const QJsonArray columns = table.value(QStringLiteral("columnDefinitions")).toArray();
    ASSERT_EQ(columns.size(), 9);
    EXPECT_EQ(columns.at(0).toObject().value(QStringLiteral("format")).toString(),
              QStringLiteral("name"));
    EXPECT_EQ(columns.at(5).toObject().value(QStringLiteral("priority")).toInt(), 1);
    const QJsonObject row = table.value(QStringLiteral("rows")).toArray().at(0).toObject();
    EXPECT_EQ(strings(row.value(QStringLiteral("cells")).toArray()),
              list({"rag-api-1",
                    "1/1",
                    "Running",
                    "0",
                    "60m",
                    "10.244.0.152",
                    "node-b",
                    "<none>",
                    "<none>"}));
    const QJsonObject object = row.value(QStringLiteral("object")).toObject();
    EXPECT_EQ(object.value(QStringLiteral("kind")).toString(),
              QStringLiteral("PartialObjectMetadata"));
    EXPECT_EQ(object.value(QStringLiteral("apiVersion")).toString(),
              QStringLiteral("meta.k8s.io/v1"));
    EXPECT_EQ(object.value(QStringLiteral("metadata"))
                  .toObject()
                  .value(QStringLiteral("namespace"))
                  .toString(),
              QStringLiteral("rag-prod"));
    EXPECT_FALSE(row.contains(QStringLiteral("conditions")));

    // Watch events after the first carry no columns; every row still lines up with them.
    options.includeColumns = false;
    options.includeObject = ragdr::sandbox::KubeTableOptions::IncludeObject::None;
    const QJsonObject event = ragdr::sandbox::KubeTable::build(ragdr::sandbox::KubeResource::Pods,
                                                               {pod},
                                                               kNow,
                                                               options);
    EXPECT_TRUE(event.value(QStringLiteral("columnDefinitions")).isNull());
    EXPECT_FALSE(event.value(QStringLiteral("rows"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .contains(QStringLiteral("object")));
}
