#pragma once

#include <cstdint>
#include <string>

namespace k8s::io::api::core::v1 {
class Pod;
class Node;
} // namespace k8s::io::api::core::v1

namespace kubist::model {

// What a pod chip shows at a glance, in the order a reader checks: being
// deleted wins over everything, then failure, then the phase.
enum class PodLook {
    Unscheduled,       // Pending, no node yet: waits in the scheduling lane
    Pending,           // bound, nothing started yet (or Unknown phase)
    ContainerCreating, // bound, containers waiting (image pull, creation)
    Running,           // Running and Ready
    RunningNotReady,   // Running, not Ready (hollow chip)
    Terminating,       // deletionTimestamp set (faded chip)
    Failed,            // phase Failed, or a container in CrashLoopBackOff / error
    Succeeded,         // completed
};

PodLook podLook(const k8s::io::api::core::v1::Pod &pod);
// "Running", "ContainerCreating", "CrashLoopBackOff", ... as kubectl's
// STATUS column reads.
std::string podStatusText(const k8s::io::api::core::v1::Pod &pod);
const char *podLookName(PodLook look);
// The Ready condition is True.
bool podIsReady(const k8s::io::api::core::v1::Pod &pod);
// Sum of the containers' restart counts.
int32_t podRestarts(const k8s::io::api::core::v1::Pod &pod);

enum class NodeHealth { Ready, NotReady, Unknown };
// The Ready condition: True, False, or Unknown / absent.
NodeHealth nodeHealth(const k8s::io::api::core::v1::Node &node);
const char *nodeHealthName(NodeHealth health);
bool nodeIsControlPlane(const k8s::io::api::core::v1::Node &node);

} // namespace kubist::model
