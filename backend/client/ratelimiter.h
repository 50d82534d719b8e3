#pragma once

#include "backend/util/clock.h"

#include <memory>
#include <string>

namespace kubist::client {

// RateLimiter: how long a work queue waits before handing an item out
// again, as client-go's workqueue.RateLimiter.
//
// Implementations are thread-safe.
class RateLimiter
{
public:
    virtual ~RateLimiter() = default;
    // How long to wait before `item` may be processed again; counts a
    // requeue of it.
    virtual Clock::Duration when(const std::string &item) = 0;
    // Stops tracking `item` (it succeeded): its backoff starts over.
    virtual void forget(const std::string &item) = 0;
    // How many times `item` was requeued since it was last forgotten.
    virtual int numRequeues(const std::string &item) = 0;
};

struct ControllerRateLimiterOptions
{
    Clock::Duration baseDelay = std::chrono::milliseconds(5);
    Clock::Duration maxDelay = std::chrono::seconds(1000);
    double qps = 10;
    int burst = 100;
};

// client-go's DefaultControllerRateLimiter: the larger of a per-item
// exponential backoff (baseDelay * 2^requeues, capped at maxDelay) and an
// overall token bucket (qps, burst). `clock` must outlive the limiter.
std::unique_ptr<RateLimiter>
defaultControllerRateLimiter(const Clock &clock, ControllerRateLimiterOptions options = {});

} // namespace kubist::client
