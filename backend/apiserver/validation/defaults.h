#pragma once

#include <cstdint>
#include <string>

namespace google::protobuf {
class Message;
}
namespace k8s::io::api::core::v1 {
class Pod;
}
namespace kubist::api {
struct KindInfo;
}

// Defaulting: what Kubernetes fills in for fields a request leaves unset.
// Pure functions (no I/O, no clock); safe from any thread on distinct
// objects.
namespace kubist::apiserver {

// Applies to `object` (a message of `kind.descriptor`; anything else is left
// alone) the defaults upstream applies when it decodes a request body:
// SetDefaults_* of core/v1, apps/v1 and discovery/v1 and the `+default`
// markers of the types. Idempotent; fields already set are kept.
//
// Beyond the scheme defaults it also applies what upstream's create path
// adds and that belongs with them here (all idempotent):
//  - Pods: the ServiceAccount admission's serviceAccountName "default"
//    (mirrored into the deprecated serviceAccount), the Priority
//    admission's priority (0, or the built-in system-*-critical classes)
//    and preemptionPolicy PreemptLowerPriority;
//  - Namespaces: the `kubernetes` finalizer and the
//    kubernetes.io/metadata.name label (call again after generating a name
//    from generateName);
//  - Services: clusterIPs mirrored from clusterIP, ipFamilyPolicy
//    SingleStack and ipFamilies [IPv4] (the cluster is single-stack IPv4);
//    the cluster IP itself is allocated by the registry;
//  - Secrets: stringData merged into data (stringData is write-only).
// Pod-only defaults (requests from limits, enableServiceLinks, the
// admission defaults above) are not applied to pod templates, as upstream.
// Not done: the ServiceAccount admission's token volume, QoS class and
// status.phase (the registry's create strategy sets those).
void applyDefaults(const api::KindInfo &kind, google::protobuf::Message *object);

// The DefaultTolerationSeconds admission plugin: adds NoExecute tolerations
// (operator Exists, tolerationSeconds) for node.kubernetes.io/not-ready and
// node.kubernetes.io/unreachable, each unless the pod already has a
// toleration whose key is that taint's or empty and whose effect is
// NoExecute or empty (upstream does not look at the operator).
// Upstream's defaults are 300 seconds for both.
void addDefaultTolerations(k8s::io::api::core::v1::Pod *pod, int64_t notReadySeconds,
                           int64_t unreachableSeconds);

// The pod's QoS class as upstream's GetPodQOS computes it from the cpu and
// memory requests and limits of its containers and init containers:
// "BestEffort" (none set), "Guaranteed" (every container limits both and
// requests equal limits), otherwise "Burstable". The API server sets
// status.qosClass on create from it.
std::string podQosClass(const k8s::io::api::core::v1::Pod &pod);

} // namespace kubist::apiserver
