#pragma once

#include <QMetaType>
#include <QString>

#include <expected>

namespace ragdr::core {

// An error as it crosses the core boundary: what kind (it decides the exit code), a message a
// person can act on, and what was left as it was.
struct Error
{
    enum class Kind {
        BadInput, // the profile, the arguments or an input file are wrong: exit code 2
        Refused, // a confirmation is missing, a lock is held, the profile is read-only: exit code 3
        Failed,  // the operation ran and did not succeed: exit code 1
        Cancelled, // the user stopped it: exit code 1
    };

    Kind kind = Kind::Failed;
    QString message;
    QString untouched;

    static Error badInput(QString message, QString untouched = {});
    static Error refused(QString message, QString untouched = {});
    static Error failed(QString message, QString untouched = {});
    static Error cancelled(QString untouched = {});

    // The same error with a context prefix, e.g. "copy to mirror: " + message.
    Error prefixed(const QString &context) const;
    Error withUntouched(QString untouched) const;
};

template<typename T>
using Result = std::expected<T, Error>;

// For functions that return nothing on success.
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Error error)
{
    return std::unexpected<Error>(std::move(error));
}

int exitCodeFor(Error::Kind kind);
QString kindName(Error::Kind kind);

} // namespace ragdr::core

Q_DECLARE_METATYPE(ragdr::core::Error)
