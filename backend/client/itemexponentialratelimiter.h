#pragma once

#include "backend/client/ratelimiter.h"

#include <mutex>
#include <unordered_map>

namespace kubist::client {

// Per-item exponential backoff: the n-th requeue of an item since it was
// last forgotten waits baseDelay * 2^(n-1), capped at maxDelay (client-go's
// ItemExponentialFailureRateLimiter). Thread-safe.
class ItemExponentialRateLimiter final : public RateLimiter
{
public:
    ItemExponentialRateLimiter(Clock::Duration baseDelay, Clock::Duration maxDelay);

    Clock::Duration when(const std::string &item) override;
    void forget(const std::string &item) override;
    int numRequeues(const std::string &item) override;

private:
    const Clock::Duration m_baseDelay;
    const Clock::Duration m_maxDelay;
    std::mutex m_mutex; // guards m_failures
    std::unordered_map<std::string, int> m_failures;
};

} // namespace kubist::client
