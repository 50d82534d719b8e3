#include "bucketratelimiter.h"

#include <algorithm>

namespace kubist::client {

BucketRateLimiter::BucketRateLimiter(const Clock &clock, double qps, int burst)
    : m_clock(clock)
    , m_qps(qps)
    , m_burst(std::max(burst, 1))
    , m_tokens(m_burst)
    , m_last(clock.now())
{}

Clock::Duration BucketRateLimiter::when(const std::string &)
{
    std::lock_guard lock(m_mutex);
    const Clock::Time now = m_clock.now();
    if (now > m_last) {
        const double elapsed = std::chrono::duration<double>(now - m_last).count();
        m_tokens = std::min(m_burst, m_tokens + elapsed * m_qps);
        m_last = now;
    }
    m_tokens -= 1;
    if (m_tokens >= 0 || m_qps <= 0)
        return Clock::Duration::zero();
    return std::chrono::duration_cast<Clock::Duration>(
        std::chrono::duration<double>(-m_tokens / m_qps));
}

} // namespace kubist::client
