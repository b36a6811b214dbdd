#pragma once

#include "core/base/error.h"
#include "core/profile/profile.h"

#include <QByteArray>

#include <optional>

namespace ragdr::core {

// Reads and writes secrets where the profile says they live. Blocking: call it from an operation
// body, never from the GUI thread (the keychain may ask the desktop to unlock it). Keychain jobs
// all run on one thread of their own: QtKeychain queues its jobs in a single object that must
// live on a thread with an event loop, and libsecret answers on that thread's main context.
class SecretStore final
{
public:
    static constexpr const char *kKeychainService = "ragdr";

    struct KeychainStatus
    {
        bool available = false;
        QString detail; // why not, in words a person can act on
    };

    // An empty result for Source::None: the tool (libpq) finds its own credentials. A keychain
    // reference is answered by a session key of that name first (SessionKeys).
    static Result<QByteArray> read(const SecretRef &ref);

    // The entry, or nothing when there is none; an error when the keychain cannot be asked.
    static Result<std::optional<QByteArray>> readKeychain(const QString &key);
    static Status writeKeychain(const QString &key, const QByteArray &secret);
    static Status removeKeychain(const QString &key);
    // Whether a keychain service answers (a Secret Service on the session D-Bus, KWallet): asks
    // it for an entry that does not exist.
    static KeychainStatus keychainStatus();

    // "…abcd": enough to tell two keys apart, never enough to use one.
    static QString mask(const QByteArray &secret);
};

} // namespace ragdr::core
