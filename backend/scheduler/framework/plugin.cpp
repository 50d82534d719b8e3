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

PluginStatus ScorePlugin::scoreNodes(const CycleState &state,
                                     const k8s::io::api::core::v1::Pod &pod,
                                     const std::vector<const NodeInfo *> &nodes,
                                     std::int64_t *scores) const
{
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        PluginStatus status = score(state, pod, *nodes[i], &scores[i]);
        if (!status.isSuccess())
            return status;
    }
    return {};
}

PluginStatus ScorePlugin::normalizeScore(const CycleState &, const k8s::io::api::core::v1::Pod &,
                                         std::vector<NodeScore> &) const
{
    return {};
}

} // namespace kubist::scheduler
