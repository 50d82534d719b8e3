#include "backend/controllers/endpoints/endpointsutil.h"

namespace kubist::controllers {

namespace core = k8s::io::api::core::v1;

bool shouldPodBeInEndpoints(const core::Pod &pod, bool includeTerminating)
{
    if (pod.status().pod_ip().empty() && pod.status().pod_ips_size() == 0)
        return false;
    if (!includeTerminating && pod.metadata().has_deletion_timestamp())
        return false;
    const std::string &phase = pod.status().phase();
    if (pod.spec().restart_policy() == "Never")
        return phase != "Failed" && phase != "Succeeded";
    if (pod.spec().restart_policy() == "OnFailure")
        return phase != "Succeeded";
    return true;
}

std::string podAddress(const core::Pod &pod)
{
    if (!pod.status().pod_ip().empty() || pod.status().pod_ips_size() == 0)
        return pod.status().pod_ip();
    return pod.status().pod_ips(0).ip();
}

std::string protocolOf(const std::string &protocol)
{
    return protocol.empty() ? std::string("TCP") : protocol;
}

std::optional<int32_t> findPort(const core::Pod &pod, const core::ServicePort &port)
{
    const auto &target = port.target_port();
    if (target.type() == 1) {
        const std::string protocol = protocolOf(port.protocol());
        for (const core::Container &c : pod.spec().containers())
            for (const core::ContainerPort &p : c.ports())
                if (p.name() == target.str_val() && protocolOf(p.protocol()) == protocol)
                    return p.container_port();
        return std::nullopt;
    }
    return target.int_val() != 0 ? target.int_val() : port.port();
}

bool selectorMatches(const google::protobuf::Map<std::string, std::string> &selector,
                     const google::protobuf::Map<std::string, std::string> &labels)
{
    if (selector.empty())
        return false;
    for (const auto &[k, v] : selector) {
        auto it = labels.find(k);
        if (it == labels.end() || it->second != v)
            return false;
    }
    return true;
}

std::string endpointHostname(const core::Pod &pod, const core::Service &service)
{
    if (!pod.spec().hostname().empty() && pod.spec().subdomain() == service.metadata().name() &&
        pod.metadata().namespace_() == service.metadata().namespace_())
        return pod.spec().hostname();
    return {};
}

} // namespace kubist::controllers
