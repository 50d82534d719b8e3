#pragma once

// Kubist's own annotations (domain kubist.io), shared by the parts that
// write and read them. Kubernetes' well-known ones stay with their users.

namespace kubist::api {

// On a ReplicaSet: a node name. One-shot placement intent for a pod move
// (the GUI's drag and drop): the ReplicaSet controller gives the next pod it
// creates the kPlacementIntent annotation with this node and removes this
// one from the ReplicaSet.
inline constexpr const char kPlaceNextPodOn[] = "kubist.io/place-next-pod-on";

// On a pod: a node name. The scheduler tries that node alone first; when the
// node does not pass the filters it records a PlacementIntentRefused event
// saying why, removes the annotation and schedules the pod as usual.
inline constexpr const char kPlacementIntent[] = "kubist.io/placement-intent";

// On a pod, written by the scheduler through its Binding (the API server
// copies a binding's annotations onto the pod): a one-line JSON summary of
// the decision that placed it — node, score, nodes evaluated and feasible,
// the runner-up, per-plugin scores of the winner, and how many nodes each
// Filter plugin turned down.
inline constexpr const char kSchedulingDecision[] = "kubist.io/scheduling-decision";

} // namespace kubist::api
