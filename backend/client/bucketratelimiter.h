#pragma once

#include "backend/client/ratelimiter.h"

#include <mutex>

namespace kubist::client {

// An overall token bucket (client-go's BucketRateLimiter over
// rate.Limiter): `burst` tokens, refilled at `qps` per second of the
// clock's time. when() takes a token, going into debt when none is left,
// and returns how long until that token would exist; the delay does not
// depend on the item. forget() and numRequeues() track nothing.
// Thread-safe; `clock` must outlive the limiter.
class BucketRateLimiter final : public RateLimiter
{
public:
    BucketRateLimiter(const Clock &clock, double qps, int burst);

    Clock::Duration when(const std::string &item) override;
    void forget(const std::string &) override {}
    int numRequeues(const std::string &) override { return 0; }

private:
    const Clock &m_clock;
    const double m_qps;
    const double m_burst;
    std::mutex m_mutex; // guards everything below
    double m_tokens;
    Clock::Time m_last;
};

} // namespace kubist::client
