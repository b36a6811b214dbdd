#pragma once

#include "core/ops/operationrunner.h"

#include <memory>

namespace ragdr::core {

class EndpointPool;
class Workspace;

// Starts the LLM operations on a workspace's runner: the panel's buttons and timer, the CLI's
// `ragdr llm ...` and the tests all come here, so titles, journal entries and messages are the same.
class LlmOperations final
{
public:
    // The check of LlmCheck. pool: the cooldowns of the caller (the panel keeps one; nullptr: a
    // fresh one). Periodic probes pass journalled = false; a person's "Check now" is journalled.
    static Operation *check(Workspace &ws,
                            std::shared_ptr<EndpointPool> pool,
                            const QString &region,
                            const QString &endpoint,
                            bool journalled = true);
    // The provider's current incidents (llm.status_feed); not journalled.
    // Evidence: {"feed": URL, "incidents": [...]}.
    static Operation *providerStatus(Workspace &ws);
    // What the service reads now (ServiceSwitch::State as evidence); not journalled.
    static Operation *serviceState(Workspace &ws, const QString &region);
    // Switches the region's service to an endpoint of the profile (empty: back to what the last
    // switch replaced). confirmation must name the region's kube context.
    static Operation *switchService(Workspace &ws,
                                    const QString &region,
                                    const QString &endpoint,
                                    const QString &confirmation);
};

} // namespace ragdr::core
