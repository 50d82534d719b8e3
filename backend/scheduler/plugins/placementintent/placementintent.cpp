#include "backend/scheduler/plugins/placementintent/placementintent.h"

#include "backend/api/annotations.h"
#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/snapshot.h"

#include "core_v1.pb.h"

namespace kubist::scheduler::plugins {

Result<std::shared_ptr<const Plugin>> PlacementIntent::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<PlacementIntent>());
}

std::string PlacementIntent::intendedNode(const k8s::io::api::core::v1::Pod &pod)
{
    const auto &annotations = pod.metadata().annotations();
    const auto it = annotations.find(api::kPlacementIntent);
    return it == annotations.end() ? std::string() : it->second;
}

PluginStatus PlacementIntent::preFilter(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                        const Snapshot &snapshot, PreFilterResult *result) const
{
    const std::string node = intendedNode(pod);
    if (node.empty() || state.read<StateData>(kDisabledKey))
        return PluginStatus::skip();
    if (!snapshot.get(node))
        return PluginStatus::unresolvable(
            {"node(s) didn't match the placement intent (node \"" + node + "\" does not exist)"});
    result->nodeNames = std::set<std::string>{node};
    return {};
}

} // namespace kubist::scheduler::plugins
