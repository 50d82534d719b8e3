#include "ratelimiter.h"

#include "bucketratelimiter.h"
#include "itemexponentialratelimiter.h"
#include "maxofratelimiter.h"

namespace kubist::client {

std::unique_ptr<RateLimiter> defaultControllerRateLimiter(const Clock &clock,
                                                          ControllerRateLimiterOptions options)
{
    std::vector<std::unique_ptr<RateLimiter>> limiters;
    limiters.push_back(
        std::make_unique<ItemExponentialRateLimiter>(options.baseDelay, options.maxDelay));
    limiters.push_back(std::make_unique<BucketRateLimiter>(clock, options.qps, options.burst));
    return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

} // namespace kubist::client
