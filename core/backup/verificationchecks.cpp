#include "verificationchecks.h"

namespace ragdr::core {

VerificationChecks::VerificationChecks(VerificationRecord &record)
    : m_record(record)
{}

void VerificationChecks::pass(const QString &name, const QString &detail)
{
    add(name, QStringLiteral("passed"), detail);
}

void VerificationChecks::corrupt(const QString &name, const QString &detail)
{
    add(name, QStringLiteral("failed"), detail);
    if (!m_record.corrupt()) {
        m_record.result = VerificationResult::Corrupt;
        m_record.reason = detail;
    }
}

void VerificationChecks::couldNotCheck(const QString &name, const QString &detail)
{
    add(name, QStringLiteral("error"), detail);
    if (m_record.passed()) {
        m_record.result = VerificationResult::CouldNotCheck;
        m_record.reason = detail;
    }
}

void VerificationChecks::skip(const QString &name, const QString &why)
{
    add(name, QStringLiteral("skipped"), why);
    m_record.unchecked.append(QStringLiteral("%1: %2").arg(name, why));
}

void VerificationChecks::add(const QString &name, const QString &status, const QString &detail)
{
    m_record.checks.append(QJsonObject{{QStringLiteral("name"), name},
                                       {QStringLiteral("status"), status},
                                       {QStringLiteral("detail"), detail}});
}

} // namespace ragdr::core
