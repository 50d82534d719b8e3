#include "itemexponentialratelimiter.h"

#include <cmath>

namespace kubist::client {

ItemExponentialRateLimiter::ItemExponentialRateLimiter(Clock::Duration baseDelay,
                                                       Clock::Duration maxDelay)
    : m_baseDelay(baseDelay)
    , m_maxDelay(maxDelay)
{}

Clock::Duration ItemExponentialRateLimiter::when(const std::string &item)
{
    int exponent = 0;
    {
        std::lock_guard lock(m_mutex);
        exponent = m_failures[item]++;
    }
    // In floating point: 2^exponent overflows any integer long before the
    // failures of a stuck item stop counting.
    const double delay = double(m_baseDelay.count()) * std::pow(2.0, double(exponent));
    if (!(delay < double(m_maxDelay.count())))
        return m_maxDelay;
    return Clock::Duration(Clock::Duration::rep(delay));
}

void ItemExponentialRateLimiter::forget(const std::string &item)
{
    std::lock_guard lock(m_mutex);
    m_failures.erase(item);
}

int ItemExponentialRateLimiter::numRequeues(const std::string &item)
{
    std::lock_guard lock(m_mutex);
    auto it = m_failures.find(item);
    return it == m_failures.end() ? 0 : it->second;
}

} // namespace kubist::client
