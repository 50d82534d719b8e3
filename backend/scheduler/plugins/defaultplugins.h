#pragma once

#include "backend/scheduler/framework/profile.h"
#include "backend/util/status.h"

namespace kubist::scheduler {
class Registry;
}

namespace kubist::scheduler::plugins {

// Adds every in-tree plugin's factory to `registry`: PrioritySort,
// NodeUnschedulable, NodeName, PlacementIntent (Kubist's own), TaintToleration,
// NodeAffinity, NodePorts, NodeResourcesFit, PodTopologySpread,
// InterPodAffinity, DefaultPreemption, NodeResourcesBalancedAllocation,
// ImageLocality, DefaultBinder.
// AlreadyExists when one of those names is registered already.
Status registerDefaultPlugins(Registry &registry);

// The default profile ("default-scheduler"), in upstream's order and with
// upstream's score weights (pkg/scheduler/apis/config/v1/default_plugins.go),
// without the volume plugins and SchedulingGates (Kubist has no volumes and
// no gates) and with Kubist's PlacementIntent after NodeName: PrioritySort,
// NodeUnschedulable, NodeName, PlacementIntent, TaintToleration (3),
// NodeAffinity (2), NodePorts, NodeResourcesFit (1), PodTopologySpread (2),
// InterPodAffinity (2), DefaultPreemption, NodeResourcesBalancedAllocation
// (1), ImageLocality (1), DefaultBinder.
Profile defaultProfile();

} // namespace kubist::scheduler::plugins
