#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kubist::api {
class LabelSelector;
}

namespace kubist::scheduler {
class ClusterLister;
}

namespace kubist::scheduler::plugins {

// PodTopologySpread (upstream plugins/podtopologyspread, v1.32; default
// weight 2): spreads matching pods evenly over topology domains (nodes,
// zones, ...) as the pod's spec.topologySpreadConstraints ask.
//
// Constraints. Each constraint counts, per domain (the value of the
// node label topologyKey), the pods in the incoming pod's namespace,
// not terminating (no deletionTimestamp), that its labelSelector selects
// (a null selector selects nothing; an empty one selects every pod but
// counts none, as upstream). matchLabelKeys add "key=<the incoming pod's
// value>" for each listed key the pod has. Only eligible nodes count:
// nodes carrying every constraint's topologyKey, and, per constraint,
// nodeAffinityPolicy Honor (default) = the node matches the pod's
// nodeSelector and required node affinity, nodeTaintsPolicy Honor
// (default Ignore) = the pod tolerates the node's NoSchedule/NoExecute
// taints. minDomains (default 1): with fewer eligible domains the global
// minimum is taken as 0.
//
//  - PreFilter (DoNotSchedule constraints): Skip when there are none
//    (most pods); otherwise counts matching pods per domain once (one pass
//    over the nodes and their pods) and keeps the two smallest counts.
//  - Filter: UnschedulableAndUnresolvable kErrReasonNodeLabelNotMatch when
//    the node lacks a topologyKey; Unschedulable
//    kErrReasonConstraintsNotMatch when count(domain) + (1 if the pod
//    matches its own selector) - global minimum > maxSkew.
//  - PreFilterExtensions: addPod/removePod adjust the counts (preemption).
//  - PreScore (ScheduleAnyway constraints): Skip when there are none or
//    the snapshot has no nodes. Counts per domain over all nodes, for the
//    domains of the feasible nodes; for kubernetes.io/hostname each
//    feasible node's own count (upstream counts those in Score; here the
//    same pass over the pods does, so Score is O(1) per node). Feasible
//    nodes missing a topologyKey are ignored (scored 0), except under the
//    system defaults.
//    Counts per domain come from the snapshot's sums per domain
//    (Snapshot::countPerNode with groupBy), so a cycle costs the domains
//    and the nodes changed since the last one, unless a node inclusion
//    policy applies to the pod (then every node is visited).
//  - Score: the sum, over the constraints whose key the node has, of
//    count * log(domains + 2) + maxSkew - 1, rounded (for the feasible
//    nodes preScore was given: table lookups); NormalizeScore maps
//    to 100 * (max + min - score) / max (all 100 when max is 0), ignored
//    nodes 0.
//
// System defaults (upstream defaultingType System): a pod without
// constraints of its own gets {kubernetes.io/hostname, maxSkew 3} and
// {topology.kubernetes.io/zone, maxSkew 5}, both ScheduleAnyway, with the
// pod's default selector (defaultSelector()); none when that selector is
// empty.
//
// Cycle state (keys "PreFilterPodTopologySpread",
// "PreScorePodTopologySpread") refers to the snapshot's nodes, so it is
// valid only while the snapshot of that cycle lives.
class PodTopologySpread final : public PreFilterPlugin,
                                public FilterPlugin,
                                public PreFilterExtensions,
                                public PreScorePlugin,
                                public ScorePlugin
{
public:
    static constexpr std::string_view kName = "PodTopologySpread";
    static constexpr std::string_view kErrReasonConstraintsNotMatch =
        "node(s) didn't match pod topology spread constraints";
    static constexpr std::string_view kErrReasonNodeLabelNotMatch =
        "node(s) didn't match pod topology spread constraints (missing required label)";

    // A cluster-level default constraint (upstream PodTopologySpreadArgs
    // .defaultConstraints; no labelSelector, the default selector is used).
    struct DefaultConstraint
    {
        std::int32_t maxSkew = 1;
        std::string topologyKey;
        std::string whenUnsatisfiable; // "DoNotSchedule" or "ScheduleAnyway"
    };

    struct Options
    {
        // True: upstream defaultingType System (systemDefaultConstraints()
        // and nodes without a zone label still get hostname spreading).
        // False: defaultingType List with `defaultConstraints`.
        bool systemDefaulting = true;
        std::vector<DefaultConstraint> defaultConstraints;
    };

    // With the system defaults.
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    PodTopologySpread();
    explicit PodTopologySpread(Options options);

    static std::vector<DefaultConstraint> systemDefaultConstraints();
    // Upstream helper.DefaultSelector, reduced to the objects a
    // ClusterLister offers: the union of the selectors of the Services in
    // the pod's namespace that select the pod, plus the requirements of the
    // selector of the ReplicaSet (apps/v1) controlling the pod, looked up by
    // name. Empty (everything) when there are none.
    static api::LabelSelector defaultSelector(const k8s::io::api::core::v1::Pod &pod,
                                              const ClusterLister &lister);

    std::string_view name() const override { return kName; }
    PluginStatus preFilter(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                           const Snapshot &snapshot, PreFilterResult *result) const override;
    PluginStatus filter(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                        const NodeInfo &nodeInfo) const override;
    PluginStatus addPod(CycleState &state, const k8s::io::api::core::v1::Pod &podToSchedule,
                        const PodInfo &podInfo, const NodeInfo &nodeInfo) const override;
    PluginStatus removePod(CycleState &state, const k8s::io::api::core::v1::Pod &podToSchedule,
                           const PodInfo &podInfo, const NodeInfo &nodeInfo) const override;
    PluginStatus preScore(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                          const Snapshot &snapshot,
                          const std::vector<const NodeInfo *> &nodes) const override;
    PluginStatus score(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                       const NodeInfo &nodeInfo, std::int64_t *score) const override;
    PluginStatus scoreNodes(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                            const std::vector<const NodeInfo *> &nodes,
                            std::int64_t *scores) const override;
    PluginStatus normalizeScore(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                std::vector<NodeScore> &scores) const override;

private:
    PluginStatus updateWithPod(CycleState &state, const k8s::io::api::core::v1::Pod &updatedPod,
                               const k8s::io::api::core::v1::Pod &preemptor,
                               const NodeInfo &nodeInfo, int delta) const;

    Options m_options;
};

} // namespace kubist::scheduler::plugins
