#pragma once

#include "core_v1.pb.h"

#include <map>
#include <optional>
#include <string>

namespace kubist::controllers {

// What the Endpoints and EndpointSlice controllers agree on about a pod
// behind a Service (upstream pkg/controller/util/endpoint and
// pkg/api/v1/pod).

// The pod has an IP and, unless `includeTerminating`, is not being
// deleted; a pod that ran to completion (per its restartPolicy) is out.
bool shouldPodBeInEndpoints(const k8s::io::api::core::v1::Pod &pod, bool includeTerminating);

// The container port a service port's targetPort names on this pod: a
// number as is (0: the service port), a name looked up among the pod's
// container ports of the same protocol. nullopt when the name is absent.
std::optional<int32_t> findPort(const k8s::io::api::core::v1::Pod &pod,
                                const k8s::io::api::core::v1::ServicePort &port);

// The service's selector matches the pod's labels (an empty selector
// matches nothing here: such a Service's endpoints are managed by hand).
bool selectorMatches(const google::protobuf::Map<std::string, std::string> &selector,
                     const google::protobuf::Map<std::string, std::string> &labels);

// The pod's DNS hostname for this service: spec.hostname when
// spec.subdomain names the service, else "".
std::string endpointHostname(const k8s::io::api::core::v1::Pod &pod,
                             const k8s::io::api::core::v1::Service &service);

// The pod's primary IP: status.podIP, else the first of status.podIPs.
std::string podAddress(const k8s::io::api::core::v1::Pod &pod);

// "TCP" when unset.
std::string protocolOf(const std::string &protocol);

} // namespace kubist::controllers
