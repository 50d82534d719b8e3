#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

namespace kubist::scheduler::plugins {

// NodeName: a pod that names a node (spec.nodeName) fits only that node.
// Rejections are UnschedulableAndUnresolvable.
class NodeName final : public FilterPlugin
{
public:
    static constexpr std::string_view kName = "NodeName";
    static constexpr std::string_view kErrReason = "node(s) didn't match the requested node name";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    std::string_view name() const override { return kName; }
    // Its answers depend on the pod and the node alone (see Plugin).
    bool nodeLocal() const override { return true; }
    PluginStatus filter(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                        const NodeInfo &nodeInfo) const override;
};

} // namespace kubist::scheduler::plugins
