#pragma once

#include "backend/scheduler/framework/explanation.h"
#include "backend/scheduler/framework/fiterror.h"

#include <optional>
#include <string>

namespace kubist::scheduler {

// The outcome of Framework::schedulePod for one pod: either a node
// (suggestedHost) or a FitError, and always the full Explanation.
struct ScheduleResult
{
    // The chosen node; empty when fitError is set.
    std::string suggestedHost;
    // Nodes Filter ran on, and how many passed.
    int evaluatedNodes = 0;
    int feasibleNodes = 0;
    // Set when no node fits.
    std::optional<FitError> fitError;
    // Set by a PostFilter plugin (preemption) that made room on a node.
    std::string nominatedNodeName;
    Explanation explanation;

    bool isScheduled() const { return !fitError.has_value(); }
};

} // namespace kubist::scheduler
