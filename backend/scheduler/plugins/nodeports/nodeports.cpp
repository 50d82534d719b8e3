#include "backend/scheduler/plugins/nodeports/nodeports.h"

#include "backend/scheduler/framework/cyclestate.h"

#include "core_v1.pb.h"

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;

namespace {

constexpr std::string_view kPreFilterStateKey = "PreFilterNodePorts";
constexpr std::string_view kBindAllHostIp = "0.0.0.0";

struct PreFilterState final : StateData
{
    std::vector<HostPort> ports;
};

void addHostPorts(const core::Container &container, std::vector<HostPort> &out)
{
    for (const core::ContainerPort &port : container.ports()) {
        if (port.host_port() <= 0)
            continue;
        HostPort wanted;
        wanted.ip = port.host_ip().empty() ? std::string(kBindAllHostIp) : port.host_ip();
        wanted.protocol = port.protocol().empty() ? std::string("TCP") : port.protocol();
        wanted.port = port.host_port();
        out.push_back(std::move(wanted));
    }
}

bool fitsPorts(const std::vector<HostPort> &wanted, const NodeInfo &nodeInfo)
{
    const std::vector<HostPort> &used = nodeInfo.usedPorts();
    if (used.empty())
        return true;
    for (const HostPort &port : wanted) {
        if (NodePorts::conflicts(port, used))
            return false;
    }
    return true;
}

} // namespace

Result<std::shared_ptr<const Plugin>> NodePorts::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<NodePorts>());
}

std::vector<HostPort> NodePorts::wantedPorts(const core::Pod &pod)
{
    std::vector<HostPort> ports;
    for (const core::Container &container : pod.spec().init_containers()) {
        if (container.restart_policy() == "Always")
            addHostPorts(container, ports);
    }
    for (const core::Container &container : pod.spec().containers())
        addHostPorts(container, ports);
    return ports;
}

bool NodePorts::conflicts(const HostPort &wanted, const std::vector<HostPort> &used)
{
    if (wanted.port <= 0)
        return false;
    const bool wantsAll = wanted.ip == kBindAllHostIp;
    for (const HostPort &u : used) {
        if (u.port != wanted.port || u.protocol != wanted.protocol)
            continue;
        if (wantsAll || u.ip == kBindAllHostIp || u.ip == wanted.ip)
            return true;
    }
    return false;
}

bool NodePorts::fits(const core::Pod &pod, const NodeInfo &nodeInfo)
{
    return fitsPorts(wantedPorts(pod), nodeInfo);
}

PluginStatus NodePorts::preFilter(CycleState &state, const core::Pod &pod, const Snapshot &,
                                  PreFilterResult *) const
{
    auto data = std::make_shared<PreFilterState>();
    data->ports = wantedPorts(pod);
    if (data->ports.empty())
        return PluginStatus::skip();
    state.write(std::string(kPreFilterStateKey), std::move(data));
    return {};
}

PluginStatus NodePorts::filter(const CycleState &state, const core::Pod &pod,
                               const NodeInfo &nodeInfo) const
{
    const PreFilterState *data = state.read<PreFilterState>(kPreFilterStateKey);
    const bool fit = data ? fitsPorts(data->ports, nodeInfo) : fits(pod, nodeInfo);
    if (fit)
        return {};
    return PluginStatus::unschedulable({std::string(kErrReason)});
}

} // namespace kubist::scheduler::plugins
