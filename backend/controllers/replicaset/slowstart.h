#pragma once

#include "backend/util/status.h"

#include <functional>

namespace kubist::controllers {

struct SlowStartResult
{
    int successes = 0;
    Status error; // the first failure, OK when none
};

// upstream slowStartBatch: calls `fn` `count` times in batches of
// initialBatchSize, then twice the previous batch (capped by what is left).
// A batch is always finished, but after a batch with a failure no further
// batch starts, so a call that fails for good (quota, admission) costs a
// few requests rather than `count`. As upstream, a batch's calls run in
// parallel (at most kMaxParallel at once, on threads of their own; the
// caller's thread is one of them), so `fn` must be thread-safe; the call
// returns when the whole batch is done.
inline constexpr int kMaxParallel = 16;
SlowStartResult slowStartBatch(int count, int initialBatchSize, const std::function<Status()> &fn);

} // namespace kubist::controllers
