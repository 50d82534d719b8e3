#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

namespace kubist::scheduler::plugins {

// PlacementIntent (Kubist's own plugin, not upstream's): a pod annotated
// kubist.io/placement-intent=<node> (api::kPlacementIntent, set for a pod
// move) is considered for that node only — PreFilter narrows the nodes to
// it, so every other node shows "node(s) didn't satisfy plugin(s)
// [PlacementIntent]" and the intended node still goes through every
// Filter. A node the snapshot does not have rejects the pod
// (UnschedulableAndUnresolvable). Without the annotation, or when the cycle
// state holds kDisabledKey (the scheduler's second attempt after the
// intended node refused), PreFilter returns Skip.
class PlacementIntent final : public PreFilterPlugin
{
public:
    static constexpr std::string_view kName = "PlacementIntent";
    // CycleState key whose presence turns the plugin off for that cycle.
    static constexpr std::string_view kDisabledKey = "PlacementIntentDisabled";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    // The node the pod's annotation names ("" when none).
    static std::string intendedNode(const k8s::io::api::core::v1::Pod &pod);

    std::string_view name() const override { return kName; }
    PluginStatus preFilter(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                           const Snapshot &snapshot, PreFilterResult *result) const override;
};

} // namespace kubist::scheduler::plugins
