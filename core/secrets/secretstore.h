#pragma once

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QByteArray>

namespace ragdr::core {

// Reads and writes secrets where the profile says they live. Blocking: call it from an operation
// body, never from the GUI thread (the keychain may ask the desktop to unlock it).
class SecretStore final
{
public:
    static constexpr const char *kKeychainService = "ragdr";

    // An empty result for Source::None: the tool (libpq) finds its own credentials.
    static Result<QByteArray> read(const SecretRef &ref);
    static Status writeKeychain(const QString &key, const QByteArray &secret);

    // "…abcd": enough to tell two keys apart, never enough to use one.
    static QString mask(const QByteArray &secret);
};

} // namespace ragdr::core
