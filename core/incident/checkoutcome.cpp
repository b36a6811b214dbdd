#include "checkoutcome.h"

#include <QJsonArray>

namespace ragdr::core {

QJsonObject CheckOutcome::evidence() const
{
    QJsonObject e = data;
    e.insert(QStringLiteral("lines"), QJsonArray::fromStringList(lines));
    return e;
}

void CheckOutcome::merge(const QString &key, const CheckOutcome &part)
{
    lines.append(part.lines);
    QJsonObject partData = part.data;
    partData.insert(QStringLiteral("verdict"), verdictName(part.verdict));
    partData.insert(QStringLiteral("summary"), part.summary);
    data.insert(key, partData);
    // Failed outranks could-not-check: what was seen to be wrong is the news.
    if (part.verdict == Verdict::Failed
        || (part.verdict == Verdict::CouldNotCheck && verdict == Verdict::Passed))
        verdict = part.verdict;
}

QString CheckOutcome::verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Passed:
        return QStringLiteral("passed");
    case Verdict::Failed:
        return QStringLiteral("failed");
    case Verdict::CouldNotCheck:
        return QStringLiteral("could-not-check");
    }
    return QStringLiteral("failed");
}

CheckOutcome CheckOutcome::passed(QString summary, QStringList lines)
{
    return {Verdict::Passed, std::move(summary), std::move(lines), {}};
}

CheckOutcome CheckOutcome::failed(QString summary, QStringList lines)
{
    return {Verdict::Failed, std::move(summary), std::move(lines), {}};
}

CheckOutcome CheckOutcome::couldNotCheck(QString summary, QStringList lines)
{
    return {Verdict::CouldNotCheck, std::move(summary), std::move(lines), {}};
}

} // namespace ragdr::core
