#pragma once

#include "core/base/error.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace ragdr::core {

// How an operation ended: what happened, what is as it was, and the facts that back it.
struct OperationResult
{
    enum class Status { Ok, Failed, Cancelled };

    Status status = Status::Ok;
    QString message;
    QString untouched;
    QJsonObject evidence;
    QStringList warnings;
    Error::Kind errorKind = Error::Kind::Failed; // when not Ok: decides the exit code

    bool ok() const { return status == Status::Ok; }
    int exitCode() const;
    QString statusName() const; // "ok", "failed", "cancelled"
    QJsonObject toJson() const;
    // How the operation of that title ended, in one line a person reads:
    // "Back up rag (drill): cancelled (untouched: the live database; no file was left)".
    QString outcomeLine(const QString &title) const;

    static OperationResult success(QString message, QJsonObject evidence = {});
    static OperationResult failure(const Error &error, QJsonObject evidence = {});
};

} // namespace ragdr::core

Q_DECLARE_METATYPE(ragdr::core::OperationResult)
