#include "backend/scheduler/plugins/nodename/nodename.h"

#include "backend/scheduler/framework/nodeinfo.h"

#include "core_v1.pb.h"

namespace kubist::scheduler::plugins {

Result<std::shared_ptr<const Plugin>> NodeName::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<NodeName>());
}

PluginStatus NodeName::filter(const CycleState &, const k8s::io::api::core::v1::Pod &pod,
                              const NodeInfo &nodeInfo) const
{
    const std::string &wanted = pod.spec().node_name();
    if (wanted.empty() || wanted == nodeInfo.name())
        return {};
    return PluginStatus::unresolvable({std::string(kErrReason)});
}

} // namespace kubist::scheduler::plugins
