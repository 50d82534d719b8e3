#pragma once

#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

#include <string_view>
#include <vector>

namespace kubist::scheduler::plugins {

// NodePorts (upstream plugins/nodeports): a pod's host ports must be free
// on the node.
//  - PreFilter collects the host ports the pod asks for (hostPort > 0) of
//    its containers and of its restartable init containers (sidecars,
//    restartPolicy Always), with an empty hostIP read as "0.0.0.0" and an
//    empty protocol as "TCP"; Skip when there are none (most pods).
//  - Filter: Unschedulable "node(s) didn't have free ports for the
//    requested pod ports" when one of them conflicts with
//    NodeInfo::usedPorts(). Ports conflict when protocol and port are equal
//    and the addresses overlap: a wanted 0.0.0.0 overlaps every address in
//    use; a wanted specific IP overlaps the same IP and 0.0.0.0 (upstream
//    HostPortInfo.CheckConflict).
// No PreFilterExtensions: the wanted ports do not depend on other pods.
class NodePorts final : public PreFilterPlugin, public FilterPlugin
{
public:
    static constexpr std::string_view kName = "NodePorts";
    static constexpr std::string_view kErrReason =
        "node(s) didn't have free ports for the requested pod ports";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    // The host ports `pod` asks for, sanitised as described above, in
    // upstream's order (restartable init containers, then containers).
    static std::vector<HostPort> wantedPorts(const k8s::io::api::core::v1::Pod &pod);
    // Whether `wanted` (sanitised) conflicts with one of `used`.
    static bool conflicts(const HostPort &wanted, const std::vector<HostPort> &used);
    // Whether every wanted port is free on the node (upstream Fits).
    static bool fits(const k8s::io::api::core::v1::Pod &pod, const NodeInfo &nodeInfo);

    std::string_view name() const override { return kName; }
    // Its answers depend on the pod and the node alone (see Plugin).
    bool nodeLocal() const override { return true; }
    PluginStatus preFilter(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                           const Snapshot &snapshot, PreFilterResult *result) const override;
    PluginStatus filter(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                        const NodeInfo &nodeInfo) const override;
};

} // namespace kubist::scheduler::plugins
