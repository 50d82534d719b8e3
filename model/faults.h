#pragma once

#include "backend/cluster/clustercontrol.h"

#include <QString>

#include <string>

namespace kubist::model {

// Plain words and kubectl equivalents for the faults of
// cluster::ClusterControl (free functions: there is no state to keep).

// "worker-2 powered off", "kube-proxy stopped on worker-1",
// "web-5d4f8-a crash-looping", "scheduler stopped".
QString describeFault(const cluster::ClusterControl::FaultSpec &spec);

// The Fault object that does what `spec` does, as YAML (apiVersion
// kubist.io/v1alpha1, kind Fault; spec.target.{kind,name,namespace},
// spec.action, spec.duration as a Go duration such as "60s"). `name`
// empty: metadata.generateName "<target>-<action>-" instead.
std::string faultManifest(const cluster::ClusterControl::FaultSpec &spec,
                          const std::string &name = {});
// "kubectl apply -f - <<'EOF'\n<manifest>EOF"
QString kubectlApplyFault(const cluster::ClusterControl::FaultSpec &spec,
                          const std::string &name = {});
// "kubectl delete fault NAME"
QString kubectlDeleteFault(const std::string &name);

// A duration for people: "850 ms", "17.2 s", "3 min 05 s".
QString formatDuration(Clock::Duration d);

// The node actions of a Fault, with the words the menus use.
struct NodeFaultAction
{
    const char *action; // "PowerOff", "Partition", "StopRuntime", "StopProxy"
    const char *inject; // "Power off"
    const char *heal;   // "Power on"
};
// PowerOff, Partition, StopRuntime, StopProxy, in that order.
const NodeFaultAction *nodeFaultActions(int *count);

// The FaultSpec of a node fault.
cluster::ClusterControl::FaultSpec nodeFault(const std::string &node, const std::string &action);
// The FaultSpec of "crash-loop `pod` for `duration`".
cluster::ClusterControl::FaultSpec podCrashLoop(const std::string &ns, const std::string &pod,
                                                Clock::Duration duration);

} // namespace kubist::model
