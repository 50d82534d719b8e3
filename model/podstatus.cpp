#include "model/podstatus.h"

#include "core_v1.pb.h"

namespace kubist::model {

namespace core = k8s::io::api::core::v1;

namespace {

const char *waitingReason(const core::Pod &pod)
{
    for (const core::ContainerStatus &cs : pod.status().container_statuses())
        if (cs.state().has_waiting() && !cs.state().waiting().reason().empty())
            return cs.state().waiting().reason().c_str();
    return nullptr;
}

bool isFailureReason(const std::string &reason)
{
    return reason == "CrashLoopBackOff" || reason == "ErrImagePull" ||
           reason == "ImagePullBackOff" || reason == "CreateContainerError" ||
           reason == "CreateContainerConfigError" || reason == "InvalidImageName" ||
           reason == "RunContainerError";
}

} // namespace

bool podIsReady(const core::Pod &pod)
{
    for (const core::PodCondition &c : pod.status().conditions())
        if (c.type() == "Ready")
            return c.status() == "True";
    return false;
}

int32_t podRestarts(const core::Pod &pod)
{
    int32_t n = 0;
    for (const core::ContainerStatus &cs : pod.status().container_statuses())
        n += cs.restart_count();
    return n;
}

PodLook podLook(const core::Pod &pod)
{
    if (pod.metadata().has_deletion_timestamp())
        return PodLook::Terminating;
    const std::string &phase = pod.status().phase();
    if (phase == "Failed")
        return PodLook::Failed;
    if (phase == "Succeeded")
        return PodLook::Succeeded;
    if (const char *reason = waitingReason(pod); reason && isFailureReason(reason))
        return PodLook::Failed;
    if (pod.spec().node_name().empty())
        return PodLook::Unscheduled;
    if (phase == "Running")
        return podIsReady(pod) ? PodLook::Running : PodLook::RunningNotReady;
    if (waitingReason(pod))
        return PodLook::ContainerCreating;
    return PodLook::Pending;
}

std::string podStatusText(const core::Pod &pod)
{
    if (pod.metadata().has_deletion_timestamp())
        return "Terminating";
    if (!pod.status().reason().empty())
        return pod.status().reason();
    if (const char *reason = waitingReason(pod))
        return reason;
    for (const core::ContainerStatus &cs : pod.status().container_statuses())
        if (cs.state().has_terminated() && !cs.state().terminated().reason().empty())
            return cs.state().terminated().reason();
    if (pod.status().phase().empty())
        return "Pending";
    return pod.status().phase();
}

const char *podLookName(PodLook look)
{
    switch (look) {
    case PodLook::Unscheduled:
        return "Unscheduled";
    case PodLook::Pending:
        return "Pending";
    case PodLook::ContainerCreating:
        return "ContainerCreating";
    case PodLook::Running:
        return "Running";
    case PodLook::RunningNotReady:
        return "RunningNotReady";
    case PodLook::Terminating:
        return "Terminating";
    case PodLook::Failed:
        return "Failed";
    case PodLook::Succeeded:
        return "Succeeded";
    }
    return "?";
}

NodeHealth nodeHealth(const core::Node &node)
{
    for (const core::NodeCondition &c : node.status().conditions())
        if (c.type() == "Ready") {
            if (c.status() == "True")
                return NodeHealth::Ready;
            if (c.status() == "False")
                return NodeHealth::NotReady;
            return NodeHealth::Unknown;
        }
    return NodeHealth::Unknown;
}

const char *nodeHealthName(NodeHealth health)
{
    switch (health) {
    case NodeHealth::Ready:
        return "Ready";
    case NodeHealth::NotReady:
        return "NotReady";
    case NodeHealth::Unknown:
        return "Unknown";
    }
    return "?";
}

bool nodeIsControlPlane(const core::Node &node)
{
    const auto &labels = node.metadata().labels();
    return labels.count("node-role.kubernetes.io/control-plane") > 0 ||
           labels.count("node-role.kubernetes.io/master") > 0;
}

} // namespace kubist::model
