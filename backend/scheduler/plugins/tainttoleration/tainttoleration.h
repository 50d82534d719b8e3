#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

namespace kubist::scheduler::plugins {

// TaintToleration (default weight 3).
//  - Filter: the node's first NoSchedule or NoExecute taint (in the node's
//    order) that no toleration of the pod tolerates rejects the pod,
//    UnschedulableAndUnresolvable, with "node(s) had untolerated taint
//    {<key>: <value>}".
//  - PreScore keeps the pod's tolerations whose effect is empty or
//    PreferNoSchedule; Score counts the node's PreferNoSchedule taints none
//    of them tolerates; NormalizeScore maps the counts in reverse to
//    [0, 100] (fewest untolerated taints scores 100).
class TaintToleration final : public FilterPlugin, public PreScorePlugin, public ScorePlugin
{
public:
    static constexpr std::string_view kName = "TaintToleration";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);
    // The reason for an untolerated taint with this key and value.
    static std::string untoleratedTaintReason(std::string_view key, std::string_view value);

    std::string_view name() const override { return kName; }
    // Its answers depend on the pod and the node alone (see Plugin).
    bool nodeLocal() const override { return true; }
    PluginStatus filter(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                        const NodeInfo &nodeInfo) const override;
    PluginStatus preScore(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                          const Snapshot &snapshot,
                          const std::vector<const NodeInfo *> &nodes) const override;
    PluginStatus score(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                       const NodeInfo &nodeInfo, std::int64_t *score) const override;
    PluginStatus normalizeScore(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                std::vector<NodeScore> &scores) const override;
};

} // namespace kubist::scheduler::plugins
