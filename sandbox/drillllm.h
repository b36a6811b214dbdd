#pragma once

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace ragdr::sandbox {

// The drill's simulated Gemini as `ragdr-drill` manages it: a primary and a backup endpoint served
// by a detached `ragdr-drill serve-llm` process (LlmServe) over HTTPS with the sandbox's own CA,
// a drill key (DIR/secrets/gemini.key, 0600: a throwaway value only the simulator accepts), and
// the simulated clusters' rag-config ConfigMap pointed at the primary endpoint.
class DrillLlm final
{
public:
    using Say = std::function<void(const QString &)>;

    struct Ports
    {
        int primary = 0;
        int backup = 0;
        int control = 0;
    };

    explicit DrillLlm(QString dir);

    // Ports (kept across `up`s) and the drill key, for the profile; writes DIR/llm/serve.json.
    core::Result<Ports> configure(int dimension);
    // Starts the server if it does not run this configuration, then points the service of every
    // region of the profile at the primary endpoint unless it already uses one of the drill's.
    core::Status up(const core::Profile &profile, const Say &say);
    core::Status down(const Say &say);

    bool isRunning() const;
    qint64 pid() const;
    QStringList statusLines() const;
    QString keyPath() const { return m_dir + QStringLiteral("/secrets/gemini.key"); }
    QString caPath() const { return m_dir + QStringLiteral("/kube/ca.crt"); }

    // endpoint: a name, "all", or empty for the primary. params: see GeminiSimulator::inject.
    core::Result<QJsonObject> inject(const QString &fault,
                                     const QString &endpoint,
                                     const QJsonObject &params = {});
    core::Result<QJsonObject> heal(const QString &endpoint);
    core::Result<QJsonObject> status() const;
    // A new key the simulated endpoints accept (for tests that rotate keys).
    core::Result<QByteArray> issueKey();

private:
    core::Status pointService(const core::Profile &profile, const Say &say) const;
    core::Result<QJsonObject> control(const QByteArray &verb,
                                      const QString &path,
                                      const QJsonObject &body) const;
    QJsonObject readJson(const QString &name) const;

    QString m_dir;
    QString m_llmDir;
};

} // namespace ragdr::sandbox
