#pragma once

#include <string>

namespace k8s::io::api::core::v1 {
class Pod;
}

namespace kubist::scheduler {

class Framework;
class Snapshot;
struct FitError;

// What upstream's DefaultPreemption PostFilter (kube-scheduler 1.32) says
// when it cannot help a pod that fits no node, to go into
// FitError::postFilterMsg: "preemption: " followed by a FitError-style
// message over every node of the snapshot, e.g.
//   "preemption: 0/2 nodes are available: 2 Preemption is not helpful for
//   scheduling."
// Per node, as upstream decides it:
//  - "Preemption is not helpful for scheduling": the node's Filter status is
//    UnschedulableAndUnresolvable, or the pod does not fit even on the node
//    emptied of every pod (1.32's NodeResourcesFit reports a request larger
//    than the node's allocatable as unresolvable);
//  - "No preemption victims found for incoming pod": no pod of lower
//    priority runs there;
//  - otherwise the Filter reasons that remain once every lower-priority pod
//    is taken away.
// A pod with preemptionPolicy Never gets
// "preemption: not eligible due to preemptionPolicy=Never.".
//
// Returns "" when removing lower-priority pods would make the pod fit
// somewhere: upstream would preempt there and add no message. (Kubist
// does not evict victims yet; the pod waits as unschedulable.)
//
// Pure function; thread-safe as Framework::schedulePod is.
std::string preemptionMessage(const Framework &framework, const k8s::io::api::core::v1::Pod &pod,
                              const Snapshot &snapshot, const FitError &fitError);

} // namespace kubist::scheduler
