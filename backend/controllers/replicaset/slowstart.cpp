#include "backend/controllers/replicaset/slowstart.h"

#include <algorithm>

namespace kubist::controllers {

SlowStartResult slowStartBatch(int count, int initialBatchSize, const std::function<Status()> &fn)
{
    SlowStartResult result;
    int remaining = count;
    for (int batch = std::min(remaining, std::max(1, initialBatchSize)); batch > 0;
         batch = std::min(2 * batch, remaining)) {
        for (int i = 0; i < batch; ++i) {
            Status s = fn();
            if (s.isOk())
                ++result.successes;
            else if (result.error.isOk())
                result.error = std::move(s);
        }
        if (!result.error.isOk())
            break;
        remaining -= batch;
    }
    return result;
}

} // namespace kubist::controllers
