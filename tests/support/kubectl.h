#pragma once

// The real kubectl against the drill's simulated clusters, for tests that want it as a referee,
// and the objects those tests create.
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace ragdr::test {

extern const QString kNamespace;
extern const QString kImage;

struct KubectlRun
{
    int exitCode = -1;
    QString out;
    QString err;
    QString all() const { return out + err; }
};

// The real kubectl against one context of the sandbox's kubeconfig, with a discovery cache of
// its own (kubectl caches discovery on disk for hours).
class Kubectl final
{
public:
    static QString program();
    // An assertion message for a machine without kubectl.
    static const char *missingMessage();

    Kubectl(QString kubeconfig, QString cacheDir, QString context = QStringLiteral("drill-a"));
    Kubectl withContext(const QString &context) const;
    QStringList arguments(const QStringList &args) const;
    KubectlRun run(const QStringList &args,
                   const QByteArray &input = {},
                   int timeoutMs = 90000) const;
    // For -w and -f: the caller reads lines and kills it.
    std::unique_ptr<QProcess> start(const QStringList &args) const;

private:
    QString m_kubeconfig;
    QString m_cacheDir;
    QString m_context;
};

// Deletes a deployment the test created when it goes, whatever happened in between.
class DeploymentCleanup final
{
public:
    DeploymentCleanup(Kubectl kubectl, QString name);
    ~DeploymentCleanup();
    DeploymentCleanup(const DeploymentCleanup &) = delete;
    DeploymentCleanup &operator=(const DeploymentCleanup &) = delete;

private:
    Kubectl m_kubectl;
    QString m_name;
};

// One context of the drill's kubeconfig, for tests that write kubeconfigs of their own around it.
struct SandboxContext
{
    QString server;
    QByteArray caPem;
    QByteArray token;
};
SandboxContext sandboxContext(const QString &context = QStringLiteral("drill-a"));

// Reads lines until `enough` says so or the time is up; returns what it read.
QStringList readLinesUntil(QProcess &p,
                           const std::function<bool(const QStringList &)> &enough,
                           int timeoutMs);
void stop(QProcess &p);
// For the integration tests written before wait.h: the same wait, asking (running kubectl) every
// 300 ms. New tests use waitUntil with a duration.
bool waitUntil(const std::function<bool()> &condition, int timeoutMs);
// The rows of a `kubectl get` table: kubectl separates columns by at least three spaces, and a
// cell such as "3 (10s ago)" holds single ones.
QList<QStringList> rows(const QString &out);
QString uniqueName(const QString &what);
QByteArray json(const QJsonObject &o);
QJsonObject deploymentJson(const QString &name,
                           int replicas,
                           const QJsonObject &templateAnnotations = {},
                           int progressDeadline = 600);
// A pod the sandbox drives into a state (annotation sandbox.ragdr.io/simulate).
QJsonObject podJson(const QString &name,
                    const QString &label,
                    const QString &simulate,
                    const QString &restartPolicy,
                    bool withInitContainer = false,
                    const QString &labelKey = QStringLiteral("test"));

} // namespace ragdr::test
