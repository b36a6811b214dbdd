#include "llmsandbox.h"

#include "testsandbox.h"

#include "core/secrets/secretstore.h"

#include <QFile>

namespace ragdr::test {

sandbox::DrillLlm LlmSandbox::drill()
{
    return sandbox::DrillLlm(TestSandbox::shared().environment().dir());
}

QByteArray LlmSandbox::drillKey()
{
    return core::SecretStore::read({core::SecretRef::Source::File, drill().keyPath()})
        .value_or(QByteArray());
}

core::Profile LlmSandbox::profile(const QString &dir, const QStringList &deployments)
{
    core::Profile p = TestSandbox::shared().isolatedProfile(dir, deployments);
    for (core::LlmEndpoint &e : p.llmEndpoints)
        e.key = {core::SecretRef::Source::File, drill().keyPath()};
    return p;
}

QString LlmSandbox::writeProfile(const QString &dir, bool keychain)
{
    const QString path = TestSandbox::shared().writeIsolatedProfile(dir, QStringLiteral("rag"));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(f.readAll());
    f.close();
    const QString sandboxDir = TestSandbox::shared().environment().dir();
    text.replace(QStringLiteral("ca_file: kube/"),
                 QStringLiteral("ca_file: %1/kube/").arg(sandboxDir));
    if (!keychain)
        text.replace(QStringLiteral("{keychain: ragdr-drill/gemini}"),
                     QStringLiteral("{file: %1}").arg(drill().keyPath()));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(text.toUtf8());
    return path;
}

const core::LlmEndpoint &LlmSandbox::endpoint(const core::Profile &p, const QString &name)
{
    for (const core::LlmEndpoint &e : p.llmEndpoints) {
        if (e.name == name)
            return e;
    }
    return p.llmEndpoints.constFirst();
}

LlmFault::LlmFault(const QString &fault, const QString &endpoint, const QJsonObject &params)
{
    auto done = LlmSandbox::drill().inject(fault, endpoint, params);
    m_injected = bool(done);
    if (!done)
        m_error = done.error().message;
}

LlmFault::~LlmFault()
{
    LlmSandbox::drill().heal(QStringLiteral("all"));
}

} // namespace ragdr::test
