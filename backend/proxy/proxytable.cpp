#include "backend/proxy/proxytable.h"

#include "core_v1.pb.h"
#include "discovery_v1.pb.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace kubist::proxy {

namespace core = k8s::io::api::core::v1;
namespace discovery = k8s::io::api::discovery::v1;

namespace {

constexpr const char kServiceNameLabel[] = "kubernetes.io/service-name";

std::string protocolOr(const std::string &protocol)
{
    return protocol.empty() ? std::string("TCP") : protocol;
}

ProxyEndpoint endpointFrom(const discovery::Endpoint &e, int32_t port)
{
    ProxyEndpoint out;
    out.ip = e.addresses(0);
    out.port = port;
    if (e.has_target_ref() && (e.target_ref().kind().empty() || e.target_ref().kind() == "Pod")) {
        out.podNamespace = e.target_ref().namespace_();
        out.podName = e.target_ref().name();
    }
    out.nodeName = e.node_name();
    const discovery::EndpointConditions &c = e.conditions();
    out.ready = !c.has_ready() || c.ready();
    out.serving = !c.has_serving() || c.serving();
    out.terminating = c.has_terminating() && c.terminating();
    return out;
}

} // namespace

ProxyTable ProxyTable::build(const std::vector<client::ObjectPtr> &services,
                             const std::vector<client::ObjectPtr> &slices)
{
    // Slices by service key.
    std::map<std::string, std::vector<const discovery::EndpointSlice *>> slicesByService;
    for (const client::ObjectPtr &obj : slices) {
        if (!obj || obj->GetDescriptor() != discovery::EndpointSlice::descriptor())
            continue;
        const auto *slice = static_cast<const discovery::EndpointSlice *>(obj.get());
        const auto &labels = slice->metadata().labels();
        auto it = labels.find(kServiceNameLabel);
        if (it == labels.end() || it->second.empty())
            continue;
        if (slice->address_type() == "FQDN")
            continue; // kube-proxy programs IP families only
        slicesByService[slice->metadata().namespace_() + "/" + it->second].push_back(slice);
    }

    ProxyTable table;
    std::vector<const core::Service *> sorted;
    for (const client::ObjectPtr &obj : services) {
        if (!obj || obj->GetDescriptor() != core::Service::descriptor())
            continue;
        const auto *svc = static_cast<const core::Service *>(obj.get());
        if (svc->spec().type() == "ExternalName" || svc->spec().cluster_ip() == "None")
            continue; // headless and ExternalName services get no rules
        sorted.push_back(svc);
    }
    std::sort(sorted.begin(), sorted.end(), [](const core::Service *a, const core::Service *b) {
        return std::pair(a->metadata().namespace_(), a->metadata().name()) <
               std::pair(b->metadata().namespace_(), b->metadata().name());
    });

    for (const core::Service *svc : sorted) {
        const std::string key = svc->metadata().namespace_() + "/" + svc->metadata().name();
        const auto found = slicesByService.find(key);
        for (const core::ServicePort &sp : svc->spec().ports()) {
            ProxyServicePort port;
            port.serviceNamespace = svc->metadata().namespace_();
            port.serviceName = svc->metadata().name();
            port.portName = sp.name();
            port.port = sp.port();
            port.protocol = protocolOr(sp.protocol());
            port.clusterIP = svc->spec().cluster_ip();
            std::map<std::pair<std::string, int32_t>, ProxyEndpoint> byAddress;
            if (found != slicesByService.end()) {
                for (const discovery::EndpointSlice *slice : found->second) {
                    for (const discovery::EndpointPort &ep : slice->ports()) {
                        if (ep.name() != sp.name() || protocolOr(ep.protocol()) != port.protocol ||
                            !ep.has_port())
                            continue;
                        for (const discovery::Endpoint &e : slice->endpoints()) {
                            if (e.addresses_size() == 0)
                                continue;
                            ProxyEndpoint pe = endpointFrom(e, ep.port());
                            // The first slice to list an address wins, as upstream.
                            byAddress.emplace(std::pair(pe.ip, pe.port), std::move(pe));
                        }
                    }
                }
            }
            for (auto &[address, pe] : byAddress)
                port.endpoints.push_back(std::move(pe));
            for (const ProxyEndpoint &pe : port.endpoints)
                if (pe.ready)
                    port.routed.push_back(pe);
            if (port.routed.empty())
                for (const ProxyEndpoint &pe : port.endpoints)
                    if (pe.serving && pe.terminating)
                        port.routed.push_back(pe);
            table.m_ports.push_back(std::move(port));
        }
    }
    return table;
}

const ProxyServicePort *ProxyTable::find(const std::string &serviceKey,
                                         const std::string &portName) const
{
    const ProxyServicePort *first = nullptr;
    for (const ProxyServicePort &p : m_ports) {
        if (p.serviceKey() != serviceKey)
            continue;
        if (p.portName == portName)
            return &p;
        if (!first)
            first = &p;
    }
    return portName.empty() ? first : nullptr;
}

const ProxyServicePort *ProxyTable::findByClusterIP(const std::string &clusterIP, int32_t port,
                                                    const std::string &protocol) const
{
    if (clusterIP.empty())
        return nullptr;
    for (const ProxyServicePort &p : m_ports)
        if (p.clusterIP == clusterIP && p.port == port && p.protocol == protocolOr(protocol))
            return &p;
    return nullptr;
}

std::optional<ProxyEndpoint> ProxyTable::route(const std::string &serviceKey,
                                               const std::string &portName,
                                               std::mt19937_64 &rng) const
{
    const ProxyServicePort *p = find(serviceKey, portName);
    if (!p)
        return std::nullopt;
    return route(*p, rng);
}

std::optional<ProxyEndpoint> ProxyTable::route(const ProxyServicePort &port, std::mt19937_64 &rng)
{
    if (port.routed.empty())
        return std::nullopt;
    // Plain modulo: the bias is negligible and the result is the same on
    // every standard library (uniform_int_distribution's is not).
    return port.routed[rng() % port.routed.size()];
}

} // namespace kubist::proxy
