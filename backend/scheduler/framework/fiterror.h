#pragma once

#include "backend/scheduler/framework/plugin.h"

#include <set>
#include <string>

namespace kubist::scheduler {

// FitError: the pod fits no node (upstream framework.FitError with its
// Diagnosis). message() is the text of the FailedScheduling event and the
// PodScheduled condition.
struct FitError
{
    // Nodes in the snapshot.
    int numAllNodes = 0;
    // The failing status of every node (when a PreFilter rejected the pod,
    // every node carries that status; nodes a PreFilter result left out
    // carry "node(s) didn't satisfy plugin(s) [...]").
    NodeStatusMap nodeStatuses;
    // Plugins that rejected the pod somewhere.
    std::set<std::string> unschedulablePlugins;
    // Set when a PreFilter plugin rejected the pod: its message.
    std::string preFilterMsg;
    // Set when a PostFilter plugin failed: its message.
    std::string postFilterMsg;

    // Upstream FitError.Error():
    //   "0/<numAllNodes> nodes are available: <reasons>.[ <postFilterMsg>]"
    // where <reasons> is preFilterMsg when set, else the count of nodes per
    // reason, "<count> <reason>", sorted as strings and joined with ", ",
    // e.g. "0/3 nodes are available: 1 node(s) were unschedulable, 2
    // Insufficient cpu." With no nodes at all: "no nodes available to
    // schedule pods" (upstream ErrNoNodesAvailable).
    std::string message() const;
};

} // namespace kubist::scheduler
