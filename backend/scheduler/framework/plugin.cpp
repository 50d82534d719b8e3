#include "backend/scheduler/framework/plugin.h"

#include <algorithm>
#include <iterator>

namespace kubist::scheduler {

PreFilterResult PreFilterResult::merge(const PreFilterResult &other) const
{
    if (allNodes())
        return other;
    if (other.allNodes())
        return *this;
    PreFilterResult merged;
    merged.nodeNames.emplace();
    std::set_intersection(nodeNames->begin(), nodeNames->end(), other.nodeNames->begin(),
                          other.nodeNames->end(),
                          std::inserter(*merged.nodeNames, merged.nodeNames->end()));
    return merged;
}

PluginStatus ScorePlugin::normalizeScore(const CycleState &, const k8s::io::api::core::v1::Pod &,
                                         std::vector<NodeScore> &) const
{
    return {};
}

} // namespace kubist::scheduler
