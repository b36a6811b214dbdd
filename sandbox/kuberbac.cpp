#include "kuberbac.h"

#include "kubeapireply.h"

namespace ragdr::sandbox {

bool KubeRbac::denies(const QString &verb, const QString &resource) const
{
    for (const QString &rule : m_denied) {
        const QString ruleVerb = rule.section(QLatin1Char(':'), 0, 0);
        const QString ruleResource = rule.section(QLatin1Char(':'), 1);
        if ((ruleVerb == QLatin1String("*") || ruleVerb == verb)
            && (ruleResource == QLatin1String("*") || ruleResource == resource))
            return true;
    }
    return false;
}

void KubeRbac::refuse(HttpConnection *connection,
                      const QString &verb,
                      const KubeResourcePath &target,
                      const QString &user)
{
    const QString resource = target.resource();
    const QString qualified = target.info.qualified();
    const QString subject = target.name.isEmpty()
                                ? qualified
                                : QStringLiteral("%1 \"%2\"").arg(qualified, target.name);
    QString message
        = QStringLiteral(
              "%1 is forbidden: User \"%2\" cannot %3 resource \"%4\" in API group \"%5\"")
              .arg(subject, user, verb, resource, target.info.group);
    if (!target.ns.isEmpty())
        message += QStringLiteral(" in the namespace \"%1\"").arg(target.ns);
    KubeApiReply::status(connection,
                         403,
                         QStringLiteral("Forbidden"),
                         message,
                         {{QStringLiteral("name"), target.name},
                          {QStringLiteral("group"), target.info.group},
                          {QStringLiteral("kind"), target.info.plural}});
}

} // namespace ragdr::sandbox
