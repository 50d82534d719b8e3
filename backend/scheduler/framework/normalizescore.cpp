#include "backend/scheduler/framework/normalizescore.h"

#include <algorithm>

namespace kubist::scheduler {

void defaultNormalizeScore(std::int64_t maxPriority, bool reverse, std::vector<NodeScore> &scores)
{
    std::int64_t maxCount = 0;
    for (const NodeScore &s : scores)
        maxCount = std::max(maxCount, s.score);
    if (maxCount == 0) {
        if (reverse) {
            for (NodeScore &s : scores)
                s.score = maxPriority;
        }
        return;
    }
    for (NodeScore &s : scores) {
        std::int64_t score = maxPriority * s.score / maxCount;
        if (reverse)
            score = maxPriority - score;
        s.score = score;
    }
}

} // namespace kubist::scheduler
