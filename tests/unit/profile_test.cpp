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
    EXPECT_EQ(p->backup.compression, 1) << "the fast compression the README explains";
    ASSERT_GE(p->regions.size(), 1);
    EXPECT_EQ(p->regions.first().kube.ns, QStringLiteral("rag-prod"));
    // runbook §3.1's /backups, one directory per region under it.
    EXPECT_EQ(p->regions.first().primaryRepository().location,
              QStringLiteral("/backups/us-central1"));
    ASSERT_EQ(p->regions.size(), 2);
    EXPECT_EQ(p->regions.at(1).primaryRepository().location,
              QStringLiteral("/backups/europe-west1"));
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

namespace {

// A second region, eu2, after minimal()'s eu, with repositories of its own unless told.
QByteArray twoRegions(const QByteArray &secondRepositories)
{
    return minimal("  - name: eu2\n"
                   "    kube: {context: c2, namespace: rag-prod}\n"
                   "    database: {host: db2, name: rag, user: rag_app}\n"
                   "    repositories:\n"
                   + secondRepositories);
}

} // namespace

TEST(Profile, TwoRegionsNeverShareARepository)
{
    // Line 17 column 9 is the second region's primary path: where the clash is.
    EXPECT_EQ(errorOf(twoRegions("      - {name: primary, path: /backups/}\n")),
              kPath
                  + QStringLiteral(":16:31: regions[1].repositories[0].path: /backups is also "
                                   "regions[0].repositories[0].path; two repositories never share "
                                   "a location, or each would list, verify and delete the "
                                   "other's backups"));
    // Spelled another way, it is still the same place; an rclone remote likewise.
    EXPECT_TRUE(errorOf(twoRegions("      - {name: primary, path: /backups/../backups}\n"))
                    .contains(QStringLiteral("regions[1].repositories[0].path: /backups is also")));
    QByteArray mirrors = minimal("      - {name: offsite, rclone: \"gcs:rag/eu\"}\n"
                                 "  - name: eu2\n"
                                 "    kube: {context: c2, namespace: rag-prod}\n"
                                 "    database: {host: db2, name: rag, user: rag_app}\n"
                                 "    repositories:\n"
                                 "      - {name: primary, path: /backups/eu2}\n"
                                 "      - {name: offsite, rclone: \"gcs:rag/eu/\"}\n");
    EXPECT_TRUE(errorOf(mirrors).contains(
        QStringLiteral("regions[1].repositories[1].rclone: gcs:rag/eu/ is also "
                       "regions[0].repositories[1].rclone")))
        << qPrintable(errorOf(mirrors));
    // Directories of their own are fine.
    auto p = ProfileLoader::loadText(twoRegions("      - {name: primary, path: /backups/eu2}\n"),
                                     kPath);
    EXPECT_TRUE(p.has_value()) << qPrintable(p.error().message);
}

TEST(Profile, ValuesToolsWouldReadAsOptionsOrConnectionStringsAreRejected)
{
    struct Case
    {
        QByteArray from;
        QByteArray to;
        QString expected;
    };
    const QList<Case> cases{
        {"      name: rag\n",
         "      name: \"-frag\"\n",
         QStringLiteral(":8:13: regions[0].database.name: \"-frag\" starts with \"-\", so a tool "
                        "would read it as an option; expected a plain database name")},
        {"      name: rag\n",
         "      name: \"host=evil dbname=rag\"\n",
         QStringLiteral(":8:13: regions[0].database.name: \"host=evil dbname=rag\" contains \"=\", "
                        "so libpq would read it as a connection string")},
        {"      name: rag\n",
         "      name: \"postgresql://evil/rag\"\n",
         QStringLiteral("regions[0].database.name: \"postgresql://evil/rag\" is a URI, so libpq "
                        "would read it as a connection string")},
        {"      host: db\n",
         "      host: \"-oProxyCommand\"\n",
         QStringLiteral(":7:13: regions[0].database.host: \"-oProxyCommand\" starts with \"-\"")},
        {"      host: db\n",
         "      host: \"db sslmode=disable\"\n",
         QStringLiteral("regions[0].database.host: \"db sslmode=disable\" contains \"=\"")},
        {"      user: rag_app\n",
         "      user: \"--help\"\n",
         QStringLiteral(":9:13: regions[0].database.user: \"--help\" starts with \"-\"")},
        {"      - {name: primary, path: /backups}\n",
         "      - {name: primary, path: /backups}\n      - {name: m, rclone: \"--config=/x:y\"}\n",
         QStringLiteral(
             "regions[0].repositories[1].rclone: \"--config=/x:y\" starts with \"-\", so "
             "rclone would read it as an option")},
        {"      - {name: primary, path: /backups}\n",
         "      - {name: primary, path: /backups}\n"
         "      - {name: m, rclone: \":s3,access_key_id=AK:bucket\"}\n",
         QStringLiteral("regions[0].repositories[1].rclone: \":s3,access_key_id=AK:bucket\" is an "
                        "rclone connection string")},
        {"      - {name: primary, path: /backups}\n",
         "      - {name: primary, path: /backups}\n      - {name: m, rclone: \"s3://bucket/x\"}\n",
         QStringLiteral("regions[0].repositories[1].rclone: \"s3://bucket/x\" is a URI")},
    };
    for (const Case &c : cases) {
        QByteArray yaml = minimal();
        yaml.replace(c.from, c.to);
        const QString e = errorOf(yaml);
        EXPECT_TRUE(e.contains(c.expected))
            << qPrintable(e) << "\nexpected: " << qPrintable(c.expected);
        EXPECT_TRUE(e.startsWith(kPath + QLatin1Char(':'))) << qPrintable(e);
    }
    // The same error for the server deep verification restores into.
    EXPECT_TRUE(
        errorOf(minimal("    verify_database: {host: v, name: \"-x\", user: u}\n"))
            .contains(QStringLiteral("regions[0].verify_database.name: \"-x\" starts with")));
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
                              "config-exported",
                              "restored-data",
                              "llm"})
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
