#include "backend/controllers/replicaset/slowstart.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace kubist::controllers {

SlowStartResult slowStartBatch(int count, int initialBatchSize, const std::function<Status()> &fn)
{
    SlowStartResult result;
    int remaining = count;
    for (int batch = std::min(remaining, std::max(1, initialBatchSize)); batch > 0;
         batch = std::min(2 * batch, remaining)) {
        // The batch's calls in parallel, at most kMaxParallel at a time.
        std::atomic<int> next{0};
        std::mutex mutex; // guards result
        auto work = [&] {
            while (next.fetch_add(1) < batch) {
                Status s = fn();
                std::lock_guard lock(mutex);
                if (s.isOk())
                    ++result.successes;
                else if (result.error.isOk())
                    result.error = std::move(s);
            }
        };
        std::vector<std::thread> helpers;
        for (int t = 1; t < std::min(batch, kMaxParallel); ++t)
            helpers.emplace_back(work);
        work();
        for (std::thread &t : helpers)
            t.join();
        if (!result.error.isOk())
            break;
        remaining -= batch;
    }
    return result;
}

} // namespace kubist::controllers
