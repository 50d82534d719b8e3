#pragma once

#include "backend/client/client.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace kubist::proxy {

// One backend of a service port, as kube-proxy learns it from an
// EndpointSlice endpoint.
struct ProxyEndpoint
{
    std::string ip;           // the endpoint's first address
    int32_t port = 0;         // the target port (the slice port's number)
    std::string podNamespace; // targetRef (kind Pod); empty when none
    std::string podName;
    std::string nodeName;
    bool ready = true;        // conditions.ready (unset: true)
    bool serving = true;      // conditions.serving (unset: true)
    bool terminating = false; // conditions.terminating (unset: false)

    bool operator==(const ProxyEndpoint &) const = default;
};

// The rules for one port of one Service: what kube-proxy programs for
// ClusterIP:port/protocol.
struct ProxyServicePort
{
    std::string serviceNamespace;
    std::string serviceName;
    std::string portName; // "" for an unnamed port
    int32_t port = 0;     // the Service port
    std::string protocol = "TCP";
    std::string clusterIP; // spec.clusterIP ("" when not allocated)
    // Every endpoint the Service's slices list for this port (deduplicated
    // by ip:port, sorted by ip then port).
    std::vector<ProxyEndpoint> endpoints;
    // The ones traffic goes to: the ready endpoints; when none is ready,
    // the serving and terminating ones (upstream's terminating fallback);
    // else none ("no endpoints": connection refused).
    std::vector<ProxyEndpoint> routed;

    std::string serviceKey() const { return serviceNamespace + "/" + serviceName; }
    bool operator==(const ProxyServicePort &) const = default;
};

// ProxyTable: what one kube-proxy has programmed on its node — for every
// Service (except headless and ExternalName ones) and each of its ports,
// the endpoints of the EndpointSlices labelled
// kubernetes.io/service-name=<service> in the Service's namespace, matched
// to the Service port by port name and protocol. Slices of a Service that
// does not exist are ignored, as upstream ignores them. A value type.
class ProxyTable final
{
public:
    ProxyTable() = default;

    // Builds the table from Services (core/v1) and EndpointSlices
    // (discovery.k8s.io/v1); other kinds in the lists are ignored.
    static ProxyTable build(const std::vector<client::ObjectPtr> &services,
                            const std::vector<client::ObjectPtr> &slices);

    // Every service port, sorted by service key then Service port order.
    const std::vector<ProxyServicePort> &ports() const { return m_ports; }
    bool empty() const { return m_ports.empty(); }

    // The port of Service `serviceKey` ("ns/name") named `portName`; an
    // empty portName also matches the Service's first port. nullptr: none.
    const ProxyServicePort *find(const std::string &serviceKey,
                                 const std::string &portName = "") const;
    // The port programmed for clusterIP:port/protocol; nullptr: none.
    const ProxyServicePort *findByClusterIP(const std::string &clusterIP, int32_t port,
                                            const std::string &protocol = "TCP") const;

    // Picks one of the port's routed endpoints uniformly at random (the
    // iptables mode's probability rules); nullopt when the service or port
    // is unknown or has no routed endpoint (the connection is refused).
    std::optional<ProxyEndpoint> route(const std::string &serviceKey, const std::string &portName,
                                       std::mt19937_64 &rng) const;
    static std::optional<ProxyEndpoint> route(const ProxyServicePort &port, std::mt19937_64 &rng);

    bool operator==(const ProxyTable &) const = default;

private:
    std::vector<ProxyServicePort> m_ports;
};

} // namespace kubist::proxy
