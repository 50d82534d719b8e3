#pragma once

#include "backend/scheduler/framework/profile.h"
#include "backend/util/status.h"

namespace kubist::scheduler {
class Registry;
}

namespace kubist::scheduler::plugins {

// Adds every in-tree plugin's factory to `registry`: PrioritySort,
// NodeUnschedulable, NodeName, TaintToleration, NodeAffinity,
// NodeResourcesFit, NodeResourcesBalancedAllocation, DefaultBinder.
// AlreadyExists when one of those names is registered already.
Status registerDefaultPlugins(Registry &registry);

// The default profile ("default-scheduler"), in upstream's order and with
// upstream's score weights (pkg/scheduler/apis/config/v1/default_plugins.go),
// restricted to the plugins Kubist has: PrioritySort, NodeUnschedulable,
// NodeName, TaintToleration (3), NodeAffinity (2), NodeResourcesFit (1),
// NodeResourcesBalancedAllocation (1), DefaultBinder.
Profile defaultProfile();

} // namespace kubist::scheduler::plugins
