// Keys in a real OS keychain (gnome-keyring's Secret Service under dbus-run-session, reached
// through QtKeychain and libsecret): stored, rotated only after validation, read, deleted; and one
// test that runs the key flows through the CLI and the core and then looks for every key it used
// in the logs, the journal, the exports and the argv and environment of every child process.
#include "childrecorder.h"
#include "llmsandbox.h"
#include "ragdrcli.h"
#include "secretservicesession.h"
#include "testsandbox.h"

#include "core/llm/endpointpool.h"
#include "core/llm/llmcheck.h"
#include "core/llm/llmkeys.h"
#include "core/ops/workspace.h"
#include "core/secrets/secretstore.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QMutex>
#include <QProcess>

#include <gtest/gtest.h>

using namespace ragdr;
using namespace ragdr::core;
using namespace ragdr::test;

namespace {

const QString kKeyName = QStringLiteral("ragdr-drill/gemini");

// One Secret Service for the whole binary: QtKeychain and GDBus bind to the first session bus
// they see.
SecretServiceSession &secretService(QString *error)
{
    static SecretServiceSession session;
    static bool started = false;
    static QString why;
    if (!started && why.isEmpty()) {
        started = session.start(&why);
    }
    *error = why;
    return session;
}

OperationResult await(Operation *op)
{
    std::optional<OperationResult> result;
    QObject::connect(op, &Operation::finished, [&](const OperationResult &r) { result = r; });
    EXPECT_TRUE(QTest::qWaitFor([&] { return result.has_value(); }, 120000));
    return result.value_or(OperationResult());
}

class KeychainTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        QString why;
        secretService(&why);
        ASSERT_TRUE(why.isEmpty()) << qPrintable(why);
        m_tmp = makeTempDir();
        // The drill profile's endpoints keep their keychain entry.
        m_ws = Workspace::forProfile(TestSandbox::shared().isolatedProfile(m_tmp->path()));
        SecretStore::removeKeychain(kKeyName);
    }

    void TearDown() override { SecretStore::removeKeychain(kKeyName); }

    QByteArray stored() const
    {
        auto entry = SecretStore::readKeychain(kKeyName);
        EXPECT_TRUE(entry) << qPrintable(entry ? QString() : entry.error().message);
        return entry && *entry ? **entry : QByteArray();
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<Workspace> m_ws;
};

TEST_F(KeychainTest, StoresRotatesOnlyAValidatedKeyReadsAndDeletes)
{
    const QByteArray first = LlmSandbox::drillKey();
    auto issued = LlmSandbox::drill().issueKey();
    ASSERT_TRUE(issued) << qPrintable(issued.error().message);
    const QByteArray second = *issued;

    const OperationResult set = await(
        LlmKeys::set(*m_ws, QStringLiteral("gemini-primary"), first, false));
    ASSERT_TRUE(set.ok()) << qPrintable(set.message);
    EXPECT_EQ(stored(), first);
    EXPECT_EQ(set.evidence.value(QLatin1String("stored_in")).toString(), QStringLiteral("keychain"));

    // A key the provider refuses never replaces the one that works.
    const OperationResult bogus = await(
        LlmKeys::set(*m_ws, kKeyName, "AIzaSyBogusKeyTheDrillNeverIssued000000", false));
    EXPECT_EQ(bogus.errorKind, Error::Kind::Refused) << qPrintable(bogus.message);
    EXPECT_TRUE(bogus.message.contains(QStringLiteral("invalid-key")));
    EXPECT_EQ(stored(), first);

    const OperationResult rotated = await(LlmKeys::set(*m_ws, kKeyName, second, false));
    ASSERT_TRUE(rotated.ok()) << qPrintable(rotated.message);
    EXPECT_EQ(stored(), second);
    EXPECT_EQ(rotated.evidence.value(QLatin1String("previous_key")).toString(),
              SecretStore::mask(first));

    const OperationResult valid = await(LlmKeys::validate(*m_ws, QStringLiteral("gemini-backup")));
    EXPECT_TRUE(valid.ok()) << qPrintable(valid.message);
    EndpointPool pool;
    const OperationResult checked = LlmCheck::run(m_ws->profile(), {}, pool, Progress());
    EXPECT_TRUE(checked.ok()) << "the check reads its key from the keychain: "
                              << qPrintable(checked.message);

    const OperationResult listed = await(LlmKeys::list(*m_ws));
    const QJsonObject key
        = listed.evidence.value(QLatin1String("keys")).toArray().first().toObject();
    EXPECT_EQ(key.value(QLatin1String("key")).toString(), SecretStore::mask(second));
    EXPECT_TRUE(listed.evidence.value(QLatin1String("keychain"))
                    .toObject()
                    .value(QLatin1String("available"))
                    .toBool());

    const OperationResult deleted = await(LlmKeys::remove(*m_ws, kKeyName));
    EXPECT_TRUE(deleted.ok()) << qPrintable(deleted.message);
    auto gone = SecretStore::readKeychain(kKeyName);
    ASSERT_TRUE(gone);
    EXPECT_FALSE(gone->has_value());
}

// Everything this process logs while the test runs.
QMutex s_logMutex;
QByteArray s_log;
void captureLog(QtMsgType, const QMessageLogContext &, const QString &message)
{
    const QMutexLocker lock(&s_logMutex);
    s_log += message.toUtf8() + '\n';
}

TEST_F(KeychainTest, NoKeyUsedAppearsInLogsJournalExportsOrAnyChildsArgvOrEnvironment)
{
    auto issued = LlmSandbox::drill().issueKey();
    ASSERT_TRUE(issued) << qPrintable(issued.error().message);
    const QList<QByteArray> keys{LlmSandbox::drillKey(),
                                 *issued,
                                 "AIzaSyBogusKeyTheDrillNeverIssued111111"};
    const QString profile = LlmSandbox::writeProfile(m_tmp->path(), true);
    const QString exports = m_tmp->path() + QStringLiteral("/exports");

    s_log.clear();
    qSetMessagePattern(QStringLiteral("%{category} %{message}"));
    const QtMessageHandler previous = qInstallMessageHandler(captureLog);
    QLoggingCategory::setFilterRules(QStringLiteral("ragdr.*=true"));
    ChildRecorder recorder;

    QByteArray output;
    int cliRuns = 0;
    auto ragdr = [&](const QStringList &args, const QByteArray &input = {}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_LOGGING_RULES"),
                   QStringLiteral("ragdr.*=true")); // every log line
        p.setProcessEnvironment(env);
        p.start(QCoreApplication::applicationDirPath() + QStringLiteral("/ragdr"),
                QStringList{QStringLiteral("--profile"), profile} + args);
        // Started means exec'd: ragdr is its own program now, and takes longer than this to
        // reach main, so it is seen however busy the machine is.
        if (p.waitForStarted())
            recorder.look(p.processId());
        p.write(input);
        p.closeWriteChannel();
        EXPECT_TRUE(p.waitForFinished(120000));
        ++cliRuns;
        output += p.readAllStandardOutput() + p.readAllStandardError();
        return p.exitCode();
    };
    EXPECT_EQ(ragdr({QStringLiteral("llm"), QStringLiteral("keys"), QStringLiteral("set"), kKeyName},
                    keys.at(0) + '\n'),
              0)
        << output.constData();
    EXPECT_EQ(ragdr({QStringLiteral("llm"), QStringLiteral("keys"), QStringLiteral("set"), kKeyName},
                    keys.at(2) + '\n'),
              3);
    EXPECT_EQ(ragdr({QStringLiteral("llm"), QStringLiteral("keys"), QStringLiteral("set"), kKeyName},
                    keys.at(1) + '\n'),
              0);
    EXPECT_EQ(ragdr({QStringLiteral("--json"),
                     QStringLiteral("llm"),
                     QStringLiteral("keys"),
                     QStringLiteral("list")}),
              0);
    EXPECT_EQ(ragdr({QStringLiteral("llm"),
                     QStringLiteral("keys"),
                     QStringLiteral("validate"),
                     kKeyName}),
              0);
    EXPECT_EQ(ragdr({QStringLiteral("--json"), QStringLiteral("llm"), QStringLiteral("check")}), 0)
        << output.constData();
    EXPECT_EQ(ragdr({QStringLiteral("llm"),
                     QStringLiteral("check"),
                     QStringLiteral("--session-key"),
                     kKeyName},
                    keys.at(0) + '\n'),
              0);
    EXPECT_EQ(ragdr({QStringLiteral("export-manifests"), exports}), 0) << output.constData();
    EXPECT_EQ(ragdr({QStringLiteral("journal")}), 0);
    // The same flows in this process, whose log is captured.
    EXPECT_TRUE(await(LlmKeys::validate(*m_ws, kKeyName)).ok());
    EXPECT_FALSE(await(LlmKeys::set(*m_ws, kKeyName, keys.at(2), false)).ok());

    recorder.stop();
    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules({});

    // The recorder saw the CLI runs, so that "nothing found" means something.
    int ragdrSeen = 0;
    for (const ChildRecorder::Seen &s : recorder.seen()) {
        // The test's own runs: a child a ragdr forks shows ragdr's command line until it execs.
        if (s.parent == QCoreApplication::applicationPid() && s.cmdline.contains("/ragdr\0"))
            ++ragdrSeen;
        for (const QByteArray &key : keys) {
            EXPECT_FALSE(s.cmdline.contains(key)) << "a key in the argv of pid " << s.pid;
            EXPECT_FALSE(s.environ.contains(key)) << "a key in the environment of pid " << s.pid;
        }
    }
    EXPECT_EQ(ragdrSeen, cliRuns) << "the recorder saw every ragdr run";
    EXPECT_GT(s_log.size(), 0) << "this process logged nothing: the capture did not work";

    QList<std::pair<QString, QByteArray>> places{{QStringLiteral("CLI output and logs"), output},
                                                 {QStringLiteral("this process's log"), s_log}};
    const QString sandbox = TestSandbox::shared().environment().dir();
    for (const QString &dir : QStringList{m_tmp->path(),
                                          sandbox + QStringLiteral("/llm"),
                                          sandbox + QStringLiteral("/kube")}) {
        QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            // Where the simulated provider keeps the keys it issued: its own store, not ours.
            if (file.endsWith(QLatin1String("/llm/keys")))
                continue;
            QFile f(file);
            if (f.open(QIODevice::ReadOnly))
                places.append({file, f.readAll()});
        }
    }
    bool sawJournal = false;
    for (const auto &[where, text] : places) {
        sawJournal = sawJournal || where.endsWith(QLatin1String("journal.jsonl"));
        for (const QByteArray &key : keys)
            EXPECT_FALSE(text.contains(key)) << "a key in " << qPrintable(where);
    }
    EXPECT_TRUE(sawJournal) << "the journal was among the files searched";
    EXPECT_TRUE(output.contains(SecretStore::mask(keys.at(1)).toUtf8())) << "keys show as …abcd";
}

} // namespace
