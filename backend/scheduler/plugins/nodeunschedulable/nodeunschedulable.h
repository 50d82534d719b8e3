#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

namespace kubist::scheduler::plugins {

// NodeUnschedulable keeps pods off cordoned nodes (spec.unschedulable),
// unless the pod tolerates the taint node.kubernetes.io/unschedulable with
// effect NoSchedule. Rejections are UnschedulableAndUnresolvable.
class NodeUnschedulable final : public FilterPlugin
{
public:
    static constexpr std::string_view kName = "NodeUnschedulable";
    static constexpr std::string_view kErrReasonUnschedulable = "node(s) were unschedulable";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    std::string_view name() const override { return kName; }
    // Its answers depend on the pod and the node alone (see Plugin).
    bool nodeLocal() const override { return true; }
    PluginStatus filter(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                        const NodeInfo &nodeInfo) const override;
};

} // namespace kubist::scheduler::plugins
