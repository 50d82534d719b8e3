#pragma once

#include "backend/scheduler/framework/plugin.h"

#include <cstdint>
#include <vector>

namespace kubist::scheduler {

// Upstream helper.DefaultNormalizeScore: scales scores so the highest
// becomes maxPriority (integer arithmetic, rounding down); with `reverse`,
// each score s becomes maxPriority - s afterwards. When every score is 0
// they stay 0, or all become maxPriority with `reverse`.
void defaultNormalizeScore(std::int64_t maxPriority, bool reverse, std::vector<NodeScore> &scores);

} // namespace kubist::scheduler
