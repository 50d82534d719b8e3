#include "backend/scheduler/framework/nodeinfo.h"

#include "backend/api/labelselector.h"
#include "backend/api/quantity.h"
#include "backend/scheduler/framework/podresources.h"

#include "core_v1.pb.h"

#include <algorithm>
#include <atomic>

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;

namespace {

std::vector<HostPort> hostPorts(const core::Pod &pod)
{
    std::vector<HostPort> ports;
    auto addPorts = [&ports](const core::Container &container) {
        for (const core::ContainerPort &port : container.ports()) {
            if (port.host_port() <= 0)
                continue;
            HostPort used;
            used.ip = port.host_ip().empty() ? "0.0.0.0" : port.host_ip();
            used.protocol = port.protocol().empty() ? "TCP" : port.protocol();
            used.port = port.host_port();
            ports.push_back(std::move(used));
        }
    };
    for (const core::Container &container : pod.spec().containers())
        addPorts(container);
    for (const core::Container &container : pod.spec().init_containers()) {
        if (container.restart_policy() == "Always")
            addPorts(container);
    }
    return ports;
}

bool samePod(const core::Pod &a, const core::Pod &b)
{
    if (!a.metadata().uid().empty() || !b.metadata().uid().empty())
        return a.metadata().uid() == b.metadata().uid();
    return a.metadata().namespace_() == b.metadata().namespace_() &&
           a.metadata().name() == b.metadata().name();
}

std::uint64_t nextGeneration()
{
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

} // namespace

void NodeInfo::changed()
{
    m_generation = nextGeneration();
}

PodInfo PodInfo::make(std::shared_ptr<const core::Pod> pod)
{
    PodInfo info;
    info.requests = podRequests(*pod);
    info.nonZeroRequests = podRequests(*pod, {.nonZeroDefaults = true});
    if (pod->spec().has_affinity()) {
        const core::Affinity &affinity = pod->spec().affinity();
        const auto &a = affinity.pod_affinity();
        const auto &anti = affinity.pod_anti_affinity();
        info.hasAffinity = a.required_during_scheduling_ignored_during_execution_size() > 0 ||
                           a.preferred_during_scheduling_ignored_during_execution_size() > 0 ||
                           anti.required_during_scheduling_ignored_during_execution_size() > 0 ||
                           anti.preferred_during_scheduling_ignored_during_execution_size() > 0;
        info.hasRequiredAntiAffinity =
            anti.required_during_scheduling_ignored_during_execution_size() > 0;
    }
    info.pod = std::move(pod);
    return info;
}

NodeInfo::NodeInfo(std::shared_ptr<const core::Node> node)
{
    setNode(std::move(node));
}

void NodeInfo::setNode(std::shared_ptr<const core::Node> node)
{
    if (!m_node || !api::labelsEqual(m_node->metadata().labels(), node->metadata().labels()))
        m_labelsGeneration = nextGeneration();
    m_node = std::move(node);
    m_name = &m_node->metadata().name();
    m_nameView = *m_name;
    m_labels.clear();
    for (const auto &[key, value] : m_node->metadata().labels())
        m_labels.emplace_back(key, &value);
    m_allocatable = Resource();
    for (const auto &[name, proto] : m_node->status().allocatable()) {
        const auto quantity = api::Quantity::parse(proto.value());
        if (quantity.isOk())
            m_allocatable.add(name, *quantity);
    }
    changed();
}

void NodeInfo::addPod(std::shared_ptr<const core::Pod> pod)
{
    addPodInfo(PodInfo::make(std::move(pod)));
}

void NodeInfo::addPodInfo(PodInfo info)
{
    m_requested.add(info.requests);
    m_nonZeroRequested.milliCpu += info.nonZeroRequests.milliCpu;
    m_nonZeroRequested.memory += info.nonZeroRequests.memory;
    for (HostPort &port : hostPorts(*info.pod))
        m_usedPorts.push_back(std::move(port));
    m_podsWithAffinity += info.hasAffinity ? 1 : 0;
    m_podsWithRequiredAntiAffinity += info.hasRequiredAntiAffinity ? 1 : 0;
    m_pods.push_back(std::move(info));
    changed();
}

bool NodeInfo::removePod(const core::Pod &pod)
{
    const auto it = std::find_if(m_pods.begin(), m_pods.end(),
                                 [&pod](const PodInfo &p) { return samePod(*p.pod, pod); });
    if (it == m_pods.end())
        return false;
    m_requested.subtract(it->requests);
    m_nonZeroRequested.milliCpu -= it->nonZeroRequests.milliCpu;
    m_nonZeroRequested.memory -= it->nonZeroRequests.memory;
    for (const HostPort &port : hostPorts(*it->pod)) {
        const auto used = std::find(m_usedPorts.begin(), m_usedPorts.end(), port);
        if (used != m_usedPorts.end())
            m_usedPorts.erase(used);
    }
    m_podsWithAffinity -= it->hasAffinity ? 1 : 0;
    m_podsWithRequiredAntiAffinity -= it->hasRequiredAntiAffinity ? 1 : 0;
    m_pods.erase(it);
    changed();
    return true;
}

} // namespace kubist::scheduler
