#pragma once

#include "drillllm.h"

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QJsonArray>
#include <QString>

#include <functional>

namespace ragdr::sandbox {

// The drill sandbox in one directory: a real PostgreSQL cluster with the RAG database, backup
// repositories (a local primary and an rclone mirror per region), secrets readable only by their
// owner, simulated Kubernetes API servers for the profile's regions (DrillKube), a simulated
// Gemini with a primary and a backup endpoint (DrillLlm), the simulated RAG API of each region
// and a webhook receiver (DrillServices), and DIR/profile.yaml and DIR/kubeconfig pointing ragdr
// and kubectl at all of it. `down` stops what runs and removes nothing.
class DrillEnvironment final
{
public:
    static constexpr int kDefaultRows = 2000;

    struct UpOptions
    {
        int rows = kDefaultRows; // chunks seeded when the database is created
        int pods = 0;            // > 0: the scale-target workload (rag-worker) runs this many pods
    };

    explicit DrillEnvironment(QString dir);

    using Say = std::function<void(const QString &)>;
    core::Status up(int rows, const Say &say);
    core::Status up(const UpOptions &options, const Say &say);
    core::Status down(const Say &say);
    QString status() const;

    QString dir() const { return m_dir; }
    QString profilePath() const;
    QString kubeconfigPath() const;
    int port() const;
    bool isUp() const;

    // For tests and fault injection: the sandbox's superuser.
    core::DatabaseConfig superuser() const;
    core::Result<QByteArray> superuserPassword() const;

    // The golden queries' expected documents, recorded from the database as seeded
    // (DIR/golden.json), so that a later loss of data shows in the checklist.
    core::Result<QJsonArray> goldenSet(int port, const Say &say) const;

private:
    core::Status seed(int port, int rows, const Say &say);
    core::Status writeProfile(int port,
                              const DrillLlm::Ports &llm,
                              const struct DrillServicesConfig &services,
                              const QJsonArray &golden) const;
    QString secretPath(const QString &name) const;

    QString m_dir;
};

} // namespace ragdr::sandbox
