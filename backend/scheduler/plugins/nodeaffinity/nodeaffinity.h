#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

namespace k8s::io::api::core::v1 {
class Node;
class NodeSelectorTerm;
} // namespace k8s::io::api::core::v1

namespace kubist::scheduler::plugins {

// NodeAffinity (default weight 2): spec.nodeSelector and
// spec.affinity.nodeAffinity.
//  - PreFilter: Skip when the pod has neither a nodeSelector nor a required
//    node affinity. When every required term pins metadata.name with In,
//    the union of those names narrows Filter (an empty union rejects the
//    pod with "pod affinity terms conflict").
//  - Filter: the node must carry every nodeSelector label and match at
//    least one required term; else UnschedulableAndUnresolvable "node(s)
//    didn't match Pod's node affinity/selector".
//  - PreScore: Skip without preferred terms. Score: the sum of the weights
//    of the preferred terms the node matches; NormalizeScore scales the
//    highest to 100.
// A term matches when all its matchExpressions (labels: In, NotIn, Exists,
// DoesNotExist, Gt, Lt) and matchFields (metadata.name: In / NotIn with
// exactly one value) hold; an empty term matches nothing, and so does a
// term with a malformed requirement (unknown operator, wrong number of
// values, a non-integer Gt/Lt value), as upstream's lazy-error selector.
class NodeAffinity final : public PreFilterPlugin,
                           public FilterPlugin,
                           public PreScorePlugin,
                           public ScorePlugin
{
public:
    static constexpr std::string_view kName = "NodeAffinity";
    static constexpr std::string_view kErrReasonPod =
        "node(s) didn't match Pod's node affinity/selector";
    static constexpr std::string_view kErrReasonConflict = "pod affinity terms conflict";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    // Whether `node` satisfies `term` (see the class comment).
    static bool termMatches(const k8s::io::api::core::v1::NodeSelectorTerm &term,
                            const k8s::io::api::core::v1::Node &node);
    // Whether `node` satisfies the pod's nodeSelector and required affinity.
    static bool requiredMatches(const k8s::io::api::core::v1::Pod &pod,
                                const k8s::io::api::core::v1::Node &node);

    std::string_view name() const override { return kName; }
    // Its answers depend on the pod and the node alone (see Plugin).
    bool nodeLocal() const override { return true; }
    PluginStatus preFilter(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                           const Snapshot &snapshot, PreFilterResult *result) const override;
    PluginStatus filter(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                        const NodeInfo &nodeInfo) const override;
    PluginStatus preScore(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                          const Snapshot &snapshot,
                          const std::vector<const NodeInfo *> &nodes) const override;
    PluginStatus score(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                       const NodeInfo &nodeInfo, std::int64_t *score) const override;
    PluginStatus normalizeScore(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                std::vector<NodeScore> &scores) const override;
};

} // namespace kubist::scheduler::plugins
