#include "maxofratelimiter.h"

#include <algorithm>

namespace kubist::client {

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : m_limiters(std::move(limiters))
{}

Clock::Duration MaxOfRateLimiter::when(const std::string &item)
{
    Clock::Duration longest = Clock::Duration::zero();
    for (const auto &l : m_limiters)
        longest = std::max(longest, l->when(item));
    return longest;
}

void MaxOfRateLimiter::forget(const std::string &item)
{
    for (const auto &l : m_limiters)
        l->forget(item);
}

int MaxOfRateLimiter::numRequeues(const std::string &item)
{
    int most = 0;
    for (const auto &l : m_limiters)
        most = std::max(most, l->numRequeues(item));
    return most;
}

} // namespace kubist::client
