#pragma once

#include "profile.h"

#include "core/base/error.h"

namespace ragdr::core {

// Reads a profile strictly: a syntax error, a wrong type, an unknown or duplicate key or a missing
// field is an error of kind BadInput whose message starts "FILE:LINE:COLUMN:" and says what was
// expected there. Relative paths are resolved against the profile's directory.
class ProfileLoader final
{
public:
    static Result<Profile> loadFile(const QString &path);
    static Result<Profile> loadText(const QByteArray &yaml, const QString &path);
};

} // namespace ragdr::core
