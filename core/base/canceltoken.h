#pragma once

#include <atomic>
#include <memory>

namespace ragdr::core {

// A cancel request shared between whoever may stop an operation and the code doing the work.
// Copies share the same flag; cancel() may be called from any thread.
class CancelToken final
{
public:
    CancelToken()
        : m_flag(std::make_shared<std::atomic_bool>(false))
    {}

    void cancel() const { m_flag->store(true); }
    bool isCancelled() const { return m_flag->load(); }

private:
    std::shared_ptr<std::atomic_bool> m_flag;
};

} // namespace ragdr::core
