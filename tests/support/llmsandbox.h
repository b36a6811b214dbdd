#pragma once

#include "core/profile/profile.h"
#include "sandbox/drillllm.h"

#include <QJsonObject>
#include <QString>

namespace ragdr::test {

// The shared sandbox's simulated Gemini for the LLM tests (which hold ctest's "drill-b" lock, since
// faults apply to the whole simulator): its control, the drill's key, and profiles whose
// endpoints read that key from the sandbox's 0600 file (or from the keychain, when asked).
class LlmSandbox final
{
public:
    static sandbox::DrillLlm drill();
    static QByteArray drillKey();
    // isolatedProfile with the endpoints' keys in the sandbox's key file.
    static core::Profile profile(const QString &dir, const QStringList &deployments = {});
    // The same as a file, for the CLI and the console; keychain: keep the drill profile's
    // keychain entries instead of the file.
    static QString writeProfile(const QString &dir, bool keychain = false);
    static const core::LlmEndpoint &endpoint(const core::Profile &p, const QString &name);
};

// Heals every LLM fault when it goes, so that a failing test leaves the simulator healthy.
class LlmFault final
{
public:
    LlmFault(const QString &fault, const QString &endpoint = {}, const QJsonObject &params = {});
    ~LlmFault();
    LlmFault(const LlmFault &) = delete;
    LlmFault &operator=(const LlmFault &) = delete;
    bool injected() const { return m_injected; }
    QString error() const { return m_error; }

private:
    bool m_injected = false;
    QString m_error;
};

} // namespace ragdr::test
