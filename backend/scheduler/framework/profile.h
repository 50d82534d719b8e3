#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kubist::scheduler {

// One enabled plugin of a profile. The plugin takes part in every
// extension point it implements (upstream's "multiPoint"), in the order
// the profile lists plugins. `weight` multiplies its normalized score; 0
// means the default of 1 (as upstream).
struct PluginConfig
{
    std::string name;
    std::int32_t weight = 0;
};

// A scheduling profile (upstream KubeSchedulerProfile): which plugins run,
// in which order, with which score weights, for pods whose
// spec.schedulerName is `schedulerName`.
struct Profile
{
    std::string schedulerName = "default-scheduler";
    std::vector<PluginConfig> plugins;
};

} // namespace kubist::scheduler
