#include "operationresult.h"

#include <QJsonArray>

namespace ragdr::core {

int OperationResult::exitCode() const
{
    return ok() ? 0 : exitCodeFor(errorKind);
}

QString OperationResult::statusName() const
{
    switch (status) {
    case Status::Ok:
        return QStringLiteral("ok");
    case Status::Failed:
        return QStringLiteral("failed");
    case Status::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("failed");
}

QJsonObject OperationResult::toJson() const
{
    QJsonObject json{{QStringLiteral("status"), statusName()},
                     {QStringLiteral("message"), message},
                     {QStringLiteral("evidence"), evidence}};
    if (!ok())
        json.insert(QStringLiteral("error"), kindName(errorKind));
    if (!untouched.isEmpty())
        json.insert(QStringLiteral("untouched"), untouched);
    if (!warnings.isEmpty())
        json.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
    return json;
}

QString OperationResult::outcomeLine(const QString &title) const
{
    QString line = QStringLiteral("%1: %2").arg(title,
                                                ok() ? QStringLiteral("finished") : statusName());
    if (!message.isEmpty() && message != statusName())
        line += QStringLiteral(" — ") + message;
    if (!ok() && !untouched.isEmpty())
        line += QStringLiteral(" (untouched: %1)").arg(untouched);
    return line;
}

OperationResult OperationResult::success(QString message, QJsonObject evidence)
{
    OperationResult r;
    r.message = std::move(message);
    r.evidence = std::move(evidence);
    return r;
}

OperationResult OperationResult::failure(const Error &error, QJsonObject evidence)
{
    OperationResult r;
    r.status = error.kind == Error::Kind::Cancelled ? Status::Cancelled : Status::Failed;
    r.errorKind = error.kind;
    r.message = error.message;
    r.untouched = error.untouched;
    r.evidence = std::move(evidence);
    return r;
}

} // namespace ragdr::core
