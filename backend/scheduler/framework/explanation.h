#pragma once

#include "backend/scheduler/framework/pluginstatus.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kubist::scheduler {

// One Score plugin's contribution to one node's total.
struct PluginScore
{
    std::string plugin;
    // PreScore returned Skip: the plugin did not score this pod (all
    // numbers 0, not counted).
    bool skipped = false;
    std::int64_t raw = 0;        // what Score returned
    std::int64_t normalized = 0; // after NormalizeScore
    std::int64_t weight = 1;
    std::int64_t weighted = 0; // normalized * weight
};

// Why one node was or was not chosen.
struct NodeExplanation
{
    std::string nodeName;
    // Passed every Filter.
    bool feasible = false;
    // For an infeasible node: the status of the first plugin that turned it
    // down (plugin(), code(), reasons()); for nodes a PreFilter left out,
    // the status saying so. Success for feasible nodes.
    PluginStatus status;
    // For feasible nodes: one entry per Score plugin, in profile order.
    std::vector<PluginScore> scores;
    std::int64_t totalScore = 0;
};

// The status of one plugin at a once-per-cycle extension point.
struct PluginOutcome
{
    std::string plugin;
    PluginStatus status;
};

// Everything one scheduling attempt decided, for the GUI to show: what
// each PreFilter / PreScore / PostFilter plugin said, and for EVERY node of
// the snapshot (in snapshot order, i.e. by name) whether it was feasible
// and how it scored.
struct Explanation
{
    std::vector<PluginOutcome> preFilter;
    // Every node of the snapshot, by name (ScheduleOptions::Explain::Full);
    // with Explain::Summary only the chosen node and the runner-up.
    std::vector<NodeExplanation> nodes;
    // How many nodes each plugin turned down (a PreFilter's rejection of
    // the pod counts every node; "" for nodes a PreFilter result left out).
    std::map<std::string, int, std::less<>> rejectedBy;
    std::vector<PluginOutcome> preScore;
    std::vector<PluginOutcome> postFilter;
};

} // namespace kubist::scheduler
