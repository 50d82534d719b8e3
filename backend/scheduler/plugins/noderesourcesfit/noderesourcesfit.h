#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"
#include "backend/scheduler/framework/resource.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kubist::scheduler::plugins {

// NodeResourcesFit (default weight 1) with the LeastAllocated strategy.
//  - PreFilter computes the pod's requests (podRequests()) once.
//  - Filter: "Too many pods" when the node already runs as many pods as
//    allocatable "pods"; then, for each of cpu, memory, ephemeral-storage and
//    every scalar resource the pod requests (> 0) beyond what the node has
//    left (allocatable - requested): "Insufficient <resource>". All reasons
//    are reported; Unschedulable.
//  - Score (LeastAllocated, resources cpu and memory, weight 1 each): per
//    resource (allocatable - requested) * 100 / allocatable, where requested
//    is the node's non-zero requests plus the pod's (scoring defaults
//    100m / 200Mi for containers that name none), 0 when over capacity;
//    resources with no allocatable are left out; the weighted mean,
//    rounded down.
class NodeResourcesFit final : public PreFilterPlugin,
                               public FilterPlugin,
                               public PreScorePlugin,
                               public ScorePlugin
{
public:
    static constexpr std::string_view kName = "NodeResourcesFit";
    static constexpr std::string_view kErrReasonTooManyPods = "Too many pods";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    // One resource the pod lacks on a node.
    struct InsufficientResource
    {
        std::string resourceName;
        std::string reason;
        std::int64_t requested = 0;
        std::int64_t used = 0;
        std::int64_t capacity = 0;
    };
    // What the pod with `podRequest` lacks on `nodeInfo` (upstream
    // fitsRequest), pods first, then cpu, memory, ephemeral-storage and
    // scalar resources by name.
    static std::vector<InsufficientResource> fitsRequest(const Resource &podRequest,
                                                         const NodeInfo &nodeInfo);
    // Upstream leastRequestedScore: (capacity - requested) * 100 / capacity,
    // 0 when capacity is 0 or requested exceeds it.
    static std::int64_t leastRequestedScore(std::int64_t requested, std::int64_t capacity);

    std::string_view name() const override { return kName; }
    // Its answers depend on the pod and the node alone (see Plugin).
    bool nodeLocal() const override { return true; }
    PluginStatus preFilter(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                           const Snapshot &snapshot, PreFilterResult *result) const override;
    PluginStatus filter(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                        const NodeInfo &nodeInfo) const override;
    PluginStatus preScore(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                          const Snapshot &snapshot,
                          const std::vector<const NodeInfo *> &nodes) const override;
    PluginStatus score(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                       const NodeInfo &nodeInfo, std::int64_t *score) const override;
};

} // namespace kubist::scheduler::plugins
