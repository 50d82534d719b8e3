#pragma once

#include "backend/client/ratelimiter.h"

#include <vector>

namespace kubist::client {

// The largest delay of several limiters (client-go's
// MaxOfRateLimiter): when() asks every one (so each counts the requeue),
// numRequeues() is the largest count, forget() forgets in all.
// Thread-safe when its limiters are.
class MaxOfRateLimiter final : public RateLimiter
{
public:
    explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);

    Clock::Duration when(const std::string &item) override;
    void forget(const std::string &item) override;
    int numRequeues(const std::string &item) override;

private:
    const std::vector<std::unique_ptr<RateLimiter>> m_limiters;
};

} // namespace kubist::client
