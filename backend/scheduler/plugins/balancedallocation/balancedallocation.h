#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

#include <span>

#include <cstdint>
#include <vector>

namespace kubist::scheduler::plugins {

// NodeResourcesBalancedAllocation (default weight 1): prefers nodes whose
// cpu and memory would be used in equal proportion.
//  - PreScore computes the pod's exact cpu/memory requests; a pod that
//    requests neither (best effort) is skipped (Skip), as upstream does so
//    such pods do not all pile onto one node.
//  - Score: per resource with allocatable > 0, fraction = (node requested +
//    pod request) / allocatable, capped at 1; std = |f1 - f2| / 2 for two
//    resources (the population standard deviation for more, 0 for fewer);
//    score = int((1 - std) * 100).
class BalancedAllocation final : public PreScorePlugin, public ScorePlugin
{
public:
    static constexpr std::string_view kName = "NodeResourcesBalancedAllocation";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    // Upstream balancedResourceScorer over parallel lists; entries with
    // allocatable 0 are left out.
    static std::int64_t balancedScore(std::span<const std::int64_t> requested,
                                      std::span<const std::int64_t> allocatable);

    std::string_view name() const override { return kName; }
    // Its answers depend on the pod and the node alone (see Plugin).
    bool nodeLocal() const override { return true; }
    PluginStatus preScore(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                          const Snapshot &snapshot,
                          const std::vector<const NodeInfo *> &nodes) const override;
    PluginStatus score(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                       const NodeInfo &nodeInfo, std::int64_t *score) const override;
};

} // namespace kubist::scheduler::plugins
