#include "backend/scheduler/framework/nodeinfo.h"

#include "backend/api/quantity.h"
#include "backend/scheduler/framework/podresources.h"

#include "core_v1.pb.h"

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;

NodeInfo::NodeInfo(std::shared_ptr<const core::Node> node)
    : m_node(std::move(node))
{
    for (const auto &[name, proto] : m_node->status().allocatable()) {
        const auto quantity = api::Quantity::parse(proto.value());
        if (quantity.isOk())
            m_allocatable.add(name, *quantity);
    }
}

const std::string &NodeInfo::name() const
{
    return m_node->metadata().name();
}

void NodeInfo::addPod(std::shared_ptr<const core::Pod> pod)
{
    PodInfo info;
    info.requests = podRequests(*pod);
    info.nonZeroRequests = podRequests(*pod, {.nonZeroDefaults = true});
    m_requested.add(info.requests);
    m_nonZeroRequested.milliCpu += info.nonZeroRequests.milliCpu;
    m_nonZeroRequested.memory += info.nonZeroRequests.memory;

    auto addPorts = [this](const core::Container &container) {
        for (const core::ContainerPort &port : container.ports()) {
            if (port.host_port() <= 0)
                continue;
            HostPort used;
            used.ip = port.host_ip().empty() ? "0.0.0.0" : port.host_ip();
            used.protocol = port.protocol().empty() ? "TCP" : port.protocol();
            used.port = port.host_port();
            m_usedPorts.push_back(std::move(used));
        }
    };
    for (const core::Container &container : pod->spec().containers())
        addPorts(container);
    for (const core::Container &container : pod->spec().init_containers()) {
        if (container.restart_policy() == "Always")
            addPorts(container);
    }

    info.pod = std::move(pod);
    m_pods.push_back(std::move(info));
}

} // namespace kubist::scheduler
