#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace ragdr::core {

// Where a secret comes from. A profile never holds a secret itself.
struct SecretRef
{
    enum class Source {
        None,     // nothing from ragdr: libpq finds it itself (~/.pgpass, client certificates)
        File,     // a file readable only by its owner (0600), like a kubeconfig tokenFile
        Keychain, // the OS keychain (QtKeychain), under service "ragdr" and this key
    };
    Source source = Source::None;
    QString location; // the file path or the keychain key

    QString describe() const;
};

struct DatabaseConfig
{
    QString host;
    int port = 5432;
    QString name;
    QString user;
    QString sslmode; // empty: libpq's default
    SecretRef password;
    int connectTimeoutSecs = 10;

    QString describe() const; // "rag_app@host:5432/rag", no secret
};

struct RepositoryConfig
{
    enum class Kind { Local, Rclone };
    QString name;
    Kind kind = Kind::Local;
    QString location;     // a directory, or an rclone "remote:path"
    QString rcloneConfig; // empty: rclone's default config

    QString describe() const;
};

struct KubeTarget
{
    QString context;
    QString ns;
    QString kubeconfig; // empty: $KUBECONFIG or ~/.kube/config
};

struct Region
{
    QString name;
    KubeTarget kube;
    DatabaseConfig database;
    std::optional<DatabaseConfig> verifyDatabase; // where deep verification restores; default: database
    QList<RepositoryConfig> repositories;         // the first is the primary and is local

    const RepositoryConfig &primaryRepository() const { return repositories.constFirst(); }
};

struct RetentionPolicy
{
    std::optional<int> keepLast;      // keep the newest N backups
    std::optional<qint64> maxAgeSecs; // keep backups younger than this
    bool isSet() const { return keepLast || maxAgeSecs; }
};

struct BackupPolicy
{
    QString naming = QStringLiteral("rag_backup_%F.dump");
    QString latestName = QStringLiteral("rag_backup_latest.dump");
    std::optional<int> compression; // pg_dump -Z; unset: pg_dump's default, as the runbook runs it
    QString verifyAfterBackup = QStringLiteral("full"); // quick | full (deep: run verify)
    RetentionPolicy retention;
};

// Which tables hold the RAG data, for the counts and the similarity check.
struct RagSchema
{
    QString documentsTable;
    QString chunksTable;
    QString chunkIdColumn = QStringLiteral("id");
    QString embeddingsTable;
    QString embeddingColumn = QStringLiteral("embedding");
    QString embeddingChunkKey = QStringLiteral("chunk_id");

    bool hasEmbeddings() const { return !embeddingsTable.isEmpty(); }
};

struct DeploymentSpec
{
    QString name;
    QString selector;
    int normalReplicas = 1;
    int recoveryReplicas = 1;
};

struct LlmEndpoint
{
    QString name;
    QString url; // the API's base, e.g. https://generativelanguage.googleapis.com/v1beta
    QString model;
    QString embeddingModel;
    SecretRef key;
    QString caFile; // CA certificates trusted besides the system's (a proxy's, the drill's)
};

// How ragdr talks to the LLM provider, and where the service reads its endpoint.
struct LlmSettings
{
    qint64 probeIntervalSecs = 0;   // 0: no periodic probes (production saves its quota)
    int timeoutMs = 30000;          // one request
    int attempts = 5;               // tries of one request on the last endpoint, the first included
    int attemptsBeforeFailover = 2; // tries on a failing endpoint while another one is left
    int initialDelayMs = 1000;      // the first backoff; it doubles, with jitter
    int maxDelayMs = 60000;         // one wait at most
    int maxTotalWaitMs = 60000;     // all waits of one request together at most
    qint64 cooldownSecs = 60;       // a failed endpoint is skipped this long
    QString statusFeed;             // the provider's public status feed (JSON); empty: none
    QString serviceConfigMap;       // the ConfigMap rag-api and rag-worker read the endpoint from
    QString serviceConfigKey;       // its key holding the endpoint's base URL

    bool hasServiceConfig() const { return !serviceConfigMap.isEmpty(); }
};

struct Contact
{
    QString role;
    QString email;
};

// One item of the post-recovery checklist. An item with a check is run by ragdr, which records
// its evidence; an item without one is a manual step the commander marks done.
struct ChecklistItem
{
    QString id;
    QString title;
    QString phase; // groups the items in the console: "Service", "Data", "Communication"
    QString owner; // a role: "DevOps", "Incident commander"
    bool required = true;
    QString check; // an automatic check kind (core/incident/checkregistry); empty: manual
    QString gate;  // "", "confirm" or "typed-confirm"
    int line = 0;  // where the profile defines it, for errors about it
};

// A severity and how often stakeholders hear from the commander while it lasts.
struct Severity
{
    QString name;
    QString description;
    qint64 updateEverySecs = 3600;
};

// A Slack-compatible incoming webhook. Its URL carries a token, so it is a secret.
struct Webhook
{
    QString name;
    SecretRef url;
    QString ca; // a CA file the endpoint's certificate chains to; empty: the system's
};

struct IncidentPolicy
{
    QList<Severity> severities{
        {QStringLiteral("SEV1"), QStringLiteral("service down or data lost for users"), 30 * 60},
        {QStringLiteral("SEV2"), QStringLiteral("service degraded for many users"), 60 * 60},
        {QStringLiteral("SEV3"), QStringLiteral("minor impact, a workaround exists"), 4 * 3600}};
    QList<Webhook> webhooks;

    const Severity *severity(const QString &name) const;
};

// The service's own HTTP API in one region: where /status, /metrics and /query answer.
struct ServiceEndpoint
{
    QString region;
    QString url;
    QString ca; // a CA file the API's certificate chains to; empty: the system's
};

// A sample RAG query and the documents it must find among the top k.
struct GoldenQuery
{
    QString id;
    QString query;
    QStringList expect; // document ids
};

struct HealthPolicy
{
    QList<ServiceEndpoint> endpoints;
    QString statusPath = QStringLiteral("/status");
    QString metricsPath = QStringLiteral("/metrics");
    QString queryPath = QStringLiteral("/query");
    int timeoutSecs = 10;
    int metricsIntervalSecs = 10; // the two scrapes compared are this far apart
    double maxErrorRatio = 0.05;  // 5xx among requests, above which /metrics fails
    int topK = 5;
    double minOverlap = 0.8; // share of a query's expected documents found in its top k
    QList<GoldenQuery> goldenQueries;

    const ServiceEndpoint *endpoint(const QString &region) const;
};

// How ragdr restores (issue 9): the role that creates, renames and swaps databases (empty: the
// region's database user), how many pg_restore jobs, and session settings for index builds.
struct RestoreSettings
{
    QString role;               // empty: the region's database user
    SecretRef password;         // the restore role's password, when role is set
    int jobs = 0;               // pg_restore -j; 0: the machine's cores
    QString maintenanceWorkMem; // passed with PGOPTIONS, e.g. "512MB"; empty: the server's
    QString maintenanceDatabase = QStringLiteral("postgres"); // where renames and locks are run
    qint64 sessionsGraceSecs = 10; // how long the apps' sessions get to end after scaling to 0
    qint64 scaleTimeoutSecs = 300; // each scale, restart and rollout wait

    // The connection the restore uses for a region's database.
    DatabaseConfig connectionFor(const DatabaseConfig &database) const;
};

struct Profile
{
    QString path; // the file it was read from
    QString service;
    QString environment;
    bool readOnly = false;
    QString dataDir; // journal and local state; empty: the user's data directory
    qint64 rpoSecs = 24 * 3600;
    qint64 rtoSecs = 3600;
    BackupPolicy backup;
    RestoreSettings restore;
    RagSchema schema;
    QList<Region> regions;
    QList<DeploymentSpec> deployments;
    QList<LlmEndpoint> llmEndpoints;
    LlmSettings llm;
    QList<Contact> contacts;
    QList<ChecklistItem> checklist;
    IncidentPolicy incident;
    HealthPolicy health;

    const Region *region(const QString &name) const;
    QStringList regionNames() const;
    const ChecklistItem *checklistItem(const QString &id) const;
    QString displayName() const; // "rag-document-search (production)"
};

} // namespace ragdr::core
