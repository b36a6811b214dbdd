#include "core/profile/profileloader.h"

#include <gtest/gtest.h>

using namespace ragdr::core;

namespace {

const QString kPath = QStringLiteral("/etc/ragdr/test.yaml");

QByteArray minimal(const QByteArray &regionExtra = {}, const QByteArray &topExtra = {})
{
    return "ragdr_profile: 1\n"
           "service: rag\n"
           + topExtra
           + "regions:\n"
             "  - name: eu\n"
             "    kube: {context: c, namespace: rag-prod}\n"
             "    database:\n"
             "      host: db\n"
             "      name: rag\n"
             "      user: rag_app\n"
             "    repositories:\n"
             "      - {name: primary, path: /backups}\n"
           + regionExtra;
}

QString errorOf(const QByteArray &yaml)
{
    auto p = ProfileLoader::loadText(yaml, kPath);
    EXPECT_FALSE(p.has_value()) << "the profile was accepted";
    if (p)
        return {};
    EXPECT_EQ(p.error().kind, Error::Kind::BadInput);
    return p.error().message;
}

} // namespace

TEST(Profile, RunbookProfileCarriesTheRunbookValues)
{
    auto p = ProfileLoader::loadFile(
        QStringLiteral(RAGDR_SOURCE_DIR "/resources/profiles/rag-prod.yaml"));
    ASSERT_TRUE(p.has_value()) << qPrintable(p.error().message);
    EXPECT_EQ(p->backup.naming, QStringLiteral("rag_backup_%F.dump"));
    EXPECT_EQ(p->backup.latestName, QStringLiteral("rag_backup_latest.dump"));
    ASSERT_GE(p->regions.size(), 1);
    EXPECT_EQ(p->regions.first().kube.ns, QStringLiteral("rag-prod"));
    EXPECT_EQ(p->regions.first().primaryRepository().location, QStringLiteral("/backups"));
    EXPECT_EQ(p->regions.first().database.password.source, SecretRef::Source::Keychain);
    ASSERT_EQ(p->deployments.size(), 2);
    EXPECT_EQ(p->deployments.at(0).name, QStringLiteral("rag-api"));
    EXPECT_EQ(p->deployments.at(0).recoveryReplicas, 5);
    EXPECT_EQ(p->deployments.at(1).name, QStringLiteral("rag-worker"));
    EXPECT_EQ(p->deployments.at(1).recoveryReplicas, 3);
    QStringList emails;
    for (const Contact &c : p->contacts)
        emails.append(c.email);
    EXPECT_EQ(emails,
              (QStringList{QStringLiteral("devops@example.com"),
                           QStringLiteral("ai-platform@example.com"),
                           QStringLiteral("support@gemini.com")}));
    EXPECT_EQ(p->rpoSecs, 24 * 3600);
}

TEST(Profile, RelativePathsAreResolvedAgainstTheProfileDirectory)
{
    auto p = ProfileLoader::loadText(minimal("      - {name: m, path: mirror}\n",
                                             "data_dir: data\n"),
                                     kPath);
    ASSERT_TRUE(p.has_value()) << qPrintable(p.error().message);
    EXPECT_EQ(p->dataDir, QStringLiteral("/etc/ragdr/data"));
    EXPECT_EQ(p->regions.first().repositories.at(1).location, QStringLiteral("/etc/ragdr/mirror"));
}

TEST(Profile, SyntaxErrorNamesFileLineAndColumn)
{
    const QString e = errorOf("ragdr_profile: 1\nservice: [rag,\nregions: x\n");
    EXPECT_TRUE(e.startsWith(kPath + QStringLiteral(":"))) << qPrintable(e);
    EXPECT_TRUE(e.contains(QStringLiteral("YAML syntax error"))) << qPrintable(e);
}

TEST(Profile, WrongTypeSaysWhatWasExpectedWhere)
{
    QByteArray yaml = minimal();
    yaml.replace("      host: db\n", "      host: db\n      port: fivefourthreetwo\n");
    const QString e = errorOf(yaml);
    EXPECT_EQ(e,
              kPath
                  + QStringLiteral(
                      ":8:13: regions[0].database.port: expected a whole number from 1 to "
                      "65535, found \"fivefourthreetwo\""));
}

TEST(Profile, UnknownKeyIsAnErrorWithItsPosition)
{
    QByteArray yaml = minimal();
    yaml.replace("      user: rag_app\n", "      user: rag_app\n      passwd: hunter2\n");
    const QString e = errorOf(yaml);
    EXPECT_TRUE(
        e.startsWith(kPath + QStringLiteral(":10:7: regions[0].database: unknown key \"passwd\"")))
        << qPrintable(e);
    EXPECT_TRUE(e.contains(QStringLiteral("password")))
        << "lists the keys it knows: " << qPrintable(e);
}

TEST(Profile, MissingFieldIsNamed)
{
    QByteArray yaml = minimal();
    yaml.replace("      user: rag_app\n", "");
    const QString e = errorOf(yaml);
    EXPECT_TRUE(e.contains(QStringLiteral("regions[0].database: missing required key \"user\"")))
        << qPrintable(e);
    EXPECT_TRUE(e.startsWith(kPath + QStringLiteral(":7:"))) << qPrintable(e);
}

TEST(Profile, DuplicateKeyPointsAtBothLines)
{
    QByteArray yaml = minimal();
    yaml.replace("      name: rag\n", "      name: rag\n      name: rag2\n");
    const QString e = errorOf(yaml);
    EXPECT_EQ(e,
              kPath
                  + QStringLiteral(
                      ":9:7: regions[0].database: duplicate key \"name\" (first at line 8)"));
}

TEST(Profile, ListWhereAMapBelongsIsRefused)
{
    const QString e = errorOf(minimal({}, "targets: [24h]\n"));
    EXPECT_TRUE(
        e.contains(QStringLiteral("targets: expected a map of key: value lines, found a list")))
        << qPrintable(e);
}

TEST(Profile, PrimaryRepositoryMustBeLocal)
{
    QByteArray yaml = minimal();
    yaml.replace("      - {name: primary, path: /backups}\n",
                 "      - {name: primary, rclone: \"gcs:b\"}\n");
    const QString e = errorOf(yaml);
    EXPECT_TRUE(e.contains(QStringLiteral("must be a local directory"))) << qPrintable(e);
}

TEST(Profile, BadDurationAndEnum)
{
    EXPECT_TRUE(errorOf(minimal({}, "targets: {rpo: daily}\n"))
                    .contains(QStringLiteral("expected a duration")));
    QByteArray yaml = minimal();
    yaml.replace("      user: rag_app\n", "      user: rag_app\n      sslmode: sometimes\n");
    EXPECT_TRUE(errorOf(yaml).contains(QStringLiteral("expected one of disable, allow, prefer")));
}

TEST(Profile, SecretNeedsExactlyOneSource)
{
    QByteArray yaml = minimal();
    yaml.replace("      user: rag_app\n", "      user: rag_app\n      password: {}\n");
    EXPECT_TRUE(errorOf(yaml).contains(
        QStringLiteral("exactly one of \"file: PATH\" or \"keychain: KEY\"")));
}

TEST(Profile, MissingFileIsBadInput)
{
    auto p = ProfileLoader::loadFile(QStringLiteral("/nonexistent/ragdr.yaml"));
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().kind, Error::Kind::BadInput);
    EXPECT_TRUE(p.error().message.contains(QStringLiteral("/nonexistent/ragdr.yaml")));
}

TEST(Profile, RunbookProfileCarriesThePostRecoveryChecklist)
{
    auto p = ProfileLoader::loadFile(
        QStringLiteral(RAGDR_SOURCE_DIR "/resources/profiles/rag-prod.yaml"));
    ASSERT_TRUE(p.has_value()) << qPrintable(p.error().message);
    QStringList checks;
    for (const ChecklistItem &item : p->checklist)
        checks.append(item.check);
    // Runbook §5: /status and /metrics, sample RAG queries, notify, root cause.
    for (const char *check : {"api-status",
                              "api-metrics",
                              "golden-queries",
                              "pods-ready",
                              "backup-verified",
                              "config-exported"})
        EXPECT_TRUE(checks.contains(QLatin1String(check))) << check;
    EXPECT_EQ(p->checklistItem(QStringLiteral("root-cause"))->gate, QStringLiteral("typed-confirm"));
    EXPECT_EQ(p->health.endpoints.size(), p->regions.size());
    EXPECT_FALSE(p->health.goldenQueries.isEmpty());
    EXPECT_EQ(p->incident.severity(QStringLiteral("SEV1"))->updateEverySecs, 30 * 60);
    ASSERT_EQ(p->incident.webhooks.size(), 1);
    EXPECT_EQ(p->incident.webhooks.first().url.source, SecretRef::Source::Keychain);
}

TEST(Profile, HealthIncidentAndChecklistSectionsAreStrict)
{
    const QByteArray endpoints
        = "health:\n"
          "  endpoints: [{region: eu, url: \"https://api.example.com/v1\", ca: ca.pem}]\n"
          "  golden_queries:\n"
          "    top_k: 3\n"
          "    min_overlap: 0.5\n"
          "    queries: [{id: q, query: billing, expect: [\"7\", \"9\"]}]\n";
    auto p = ProfileLoader::loadText(
        minimal({},
                endpoints
                    + "checklist:\n  - {id: s, title: S, check: api-status, phase: Service}\n"),
        kPath);
    ASSERT_TRUE(p.has_value()) << qPrintable(p.error().message);
    EXPECT_EQ(p->health.endpoints.first().ca, QStringLiteral("/etc/ragdr/ca.pem"));
    EXPECT_EQ(p->health.topK, 3);
    EXPECT_DOUBLE_EQ(p->health.minOverlap, 0.5);
    EXPECT_EQ(p->health.goldenQueries.first().expect,
              (QStringList{QStringLiteral("7"), QStringLiteral("9")}));
    EXPECT_TRUE(p->checklist.first().required);
    EXPECT_EQ(p->checklist.first().phase, QStringLiteral("Service"));

    QString e = errorOf(minimal({}, "checklist:\n  - {id: s, title: S, check: api-stats}\n"));
    EXPECT_TRUE(e.contains(QStringLiteral(":18:")) || e.contains(QStringLiteral("api-stats")))
        << qPrintable(e);
    EXPECT_TRUE(e.contains(QStringLiteral("no check is called \"api-stats\""))) << qPrintable(e);
    EXPECT_TRUE(e.contains(QStringLiteral("golden-queries")))
        << "the known checks are listed: " << qPrintable(e);
    e = errorOf(minimal({}, "checklist:\n  - {id: s, title: S, check: golden-queries}\n"));
    EXPECT_TRUE(e.contains(QStringLiteral("needs health.endpoints"))) << qPrintable(e);
    e = errorOf(minimal({}, "health:\n  endpoints: [{region: mars, url: \"https://x\"}]\n"));
    EXPECT_TRUE(e.contains(QStringLiteral("no region is called \"mars\""))) << qPrintable(e);
    e = errorOf(minimal({}, "health:\n  endpoints: [{region: eu, url: \"ftp://x\"}]\n"));
    EXPECT_TRUE(e.contains(QStringLiteral("http(s) URL"))) << qPrintable(e);
    e = errorOf(minimal({}, "health:\n  max_error_ratio: 5\n  endpoints: []\n"));
    EXPECT_TRUE(e.contains(QStringLiteral("fraction"))) << qPrintable(e);
    e = errorOf(
        minimal({}, "incident:\n  webhooks: [{name: w, url: \"https://hooks.slack.com/T/B/X\"}]\n"));
    EXPECT_TRUE(e.contains(QStringLiteral("webhooks[0].url")))
        << "a webhook URL is a secret: " << qPrintable(e);
    e = errorOf(minimal({}, "incident:\n  severities: [{name: P1, update_every: soon}]\n"));
    EXPECT_TRUE(e.contains(QStringLiteral("duration"))) << qPrintable(e);
    e = errorOf(minimal({}, "checklist:\n  - {id: s, title: S}\n  - {id: s, title: T}\n"));
    EXPECT_TRUE(e.contains(QStringLiteral("listed twice"))) << qPrintable(e);
    EXPECT_TRUE(e.startsWith(kPath + QStringLiteral(":"))) << qPrintable(e);
}
