#pragma once

#include "wait.h"

#include "core/ops/operation.h"

#include <gtest/gtest.h>

namespace ragdr::test {

// Waits (serving the event loop) until an operation has finished and returns its result.
inline core::OperationResult finish(core::Operation *operation,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(180))
{
    core::OperationResult result;
    bool done = false;
    QObject::connect(operation, &core::Operation::finished, [&](const core::OperationResult &r) {
        result = r;
        done = true;
    });
    EXPECT_TRUE(waitUntil([&] { return done; }, timeout)) << "the operation did not finish";
    return result;
}

} // namespace ragdr::test
