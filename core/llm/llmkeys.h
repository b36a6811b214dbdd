#pragma once

#include "core/base/error.h"
#include "core/ops/operationrunner.h"
#include "core/profile/profile.h"

namespace ragdr::core {

class Workspace;

// The LLM keys of a profile: one keychain entry per key name (service "ragdr"), shown only as
// "…abcd". A new key is validated (the endpoint's model list) before it replaces the old one. With
// no keychain service, a key can be held for this session only (SessionKeys), never on disk.
class LlmKeys final
{
public:
    // NAME as the commander types it: a key name of the profile, or an endpoint's name.
    static Result<QString> resolve(const Profile &profile, const QString &name);

    // Evidence: {"keychain": {"available", "detail"}, "keys": [{"name", "endpoints", "source",
    // "stored", "key"}]}; not journalled.
    static Operation *list(Workspace &ws);
    // Validates, then stores (keychain, or this session only). The secret stays out of the journal.
    static Operation *set(Workspace &ws,
                          const QString &name,
                          const QByteArray &secret,
                          bool sessionOnly);
    static Operation *validate(Workspace &ws, const QString &name);
    static Operation *remove(Workspace &ws, const QString &name);
};

} // namespace ragdr::core
