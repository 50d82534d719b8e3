#include "backend/scheduler/plugins/nodeunschedulable/nodeunschedulable.h"

#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/taints.h"

#include "core_v1.pb.h"

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;

Result<std::shared_ptr<const Plugin>> NodeUnschedulable::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<NodeUnschedulable>());
}

PluginStatus NodeUnschedulable::filter(const CycleState &, const core::Pod &pod,
                                       const NodeInfo &nodeInfo) const
{
    if (!nodeInfo.node().spec().unschedulable())
        return {};
    core::Taint taint;
    taint.set_key(std::string(kTaintNodeUnschedulable));
    taint.set_effect(std::string(kTaintEffectNoSchedule));
    if (tolerationsTolerateTaint(pod.spec().tolerations(), taint))
        return {};
    return PluginStatus::unresolvable({std::string(kErrReasonUnschedulable)});
}

} // namespace kubist::scheduler::plugins
