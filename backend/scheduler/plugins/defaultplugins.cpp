#include "backend/scheduler/plugins/defaultplugins.h"

#include "backend/scheduler/framework/registry.h"
#include "backend/scheduler/plugins/balancedallocation/balancedallocation.h"
#include "backend/scheduler/plugins/defaultbinder/defaultbinder.h"
#include "backend/scheduler/plugins/defaultpreemption/defaultpreemption.h"
#include "backend/scheduler/plugins/imagelocality/imagelocality.h"
#include "backend/scheduler/plugins/interpodaffinity/interpodaffinity.h"
#include "backend/scheduler/plugins/nodeaffinity/nodeaffinity.h"
#include "backend/scheduler/plugins/nodename/nodename.h"
#include "backend/scheduler/plugins/nodeports/nodeports.h"
#include "backend/scheduler/plugins/noderesourcesfit/noderesourcesfit.h"
#include "backend/scheduler/plugins/nodeunschedulable/nodeunschedulable.h"
#include "backend/scheduler/plugins/placementintent/placementintent.h"
#include "backend/scheduler/plugins/podtopologyspread/podtopologyspread.h"
#include "backend/scheduler/plugins/prioritysort/prioritysort.h"
#include "backend/scheduler/plugins/tainttoleration/tainttoleration.h"

namespace kubist::scheduler::plugins {

Status registerDefaultPlugins(Registry &registry)
{
    const std::pair<std::string_view, PluginFactory> plugins[] = {
        {PrioritySort::kName, &PrioritySort::create},
        {NodeUnschedulable::kName, &NodeUnschedulable::create},
        {NodeName::kName, &NodeName::create},
        {PlacementIntent::kName, &PlacementIntent::create},
        {TaintToleration::kName, &TaintToleration::create},
        {NodeAffinity::kName, &NodeAffinity::create},
        {NodeResourcesFit::kName, &NodeResourcesFit::create},
        {NodePorts::kName, &NodePorts::create},
        {PodTopologySpread::kName, &PodTopologySpread::create},
        {InterPodAffinity::kName, &InterPodAffinity::create},
        {ImageLocality::kName, &ImageLocality::create},
        {DefaultPreemption::kName, &DefaultPreemption::create},
        {BalancedAllocation::kName, &BalancedAllocation::create},
        {DefaultBinder::kName, &DefaultBinder::create},
    };
    for (const auto &[name, factory] : plugins) {
        Status status = registry.add(std::string(name), factory);
        if (!status.isOk())
            return status;
    }
    return Status::ok();
}

Profile defaultProfile()
{
    Profile profile;
    profile.schedulerName = "default-scheduler";
    profile.plugins = {
        {std::string(PrioritySort::kName), 0},      {std::string(NodeUnschedulable::kName), 0},
        {std::string(NodeName::kName), 0},          {std::string(PlacementIntent::kName), 0},
        {std::string(TaintToleration::kName), 3},   {std::string(NodeAffinity::kName), 2},
        {std::string(NodePorts::kName), 0},         {std::string(NodeResourcesFit::kName), 1},
        {std::string(PodTopologySpread::kName), 2}, {std::string(InterPodAffinity::kName), 2},
        {std::string(DefaultPreemption::kName), 0}, {std::string(BalancedAllocation::kName), 1},
        {std::string(ImageLocality::kName), 1},     {std::string(DefaultBinder::kName), 0},
    };
    return profile;
}

} // namespace kubist::scheduler::plugins
