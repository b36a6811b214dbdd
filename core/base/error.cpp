#include "error.h"

namespace ragdr::core {

Error Error::badInput(QString message, QString untouched)
{
    return {Kind::BadInput, std::move(message), std::move(untouched)};
}

Error Error::refused(QString message, QString untouched)
{
    return {Kind::Refused, std::move(message), std::move(untouched)};
}

Error Error::failed(QString message, QString untouched)
{
    return {Kind::Failed, std::move(message), std::move(untouched)};
}

Error Error::cancelled(QString untouched)
{
    return {Kind::Cancelled, QStringLiteral("cancelled"), std::move(untouched)};
}

Error Error::prefixed(const QString &context) const
{
    Error e = *this;
    e.message = context + QStringLiteral(": ") + message;
    return e;
}

Error Error::withUntouched(QString untouched) const
{
    Error e = *this;
    e.untouched = std::move(untouched);
    return e;
}

int exitCodeFor(Error::Kind kind)
{
    switch (kind) {
    case Error::Kind::BadInput:
        return 2;
    case Error::Kind::Refused:
        return 3;
    case Error::Kind::Failed:
    case Error::Kind::Cancelled:
        return 1;
    }
    return 1;
}

QString kindName(Error::Kind kind)
{
    switch (kind) {
    case Error::Kind::BadInput:
        return QStringLiteral("bad-input");
    case Error::Kind::Refused:
        return QStringLiteral("refused");
    case Error::Kind::Failed:
        return QStringLiteral("failed");
    case Error::Kind::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("failed");
}

} // namespace ragdr::core
