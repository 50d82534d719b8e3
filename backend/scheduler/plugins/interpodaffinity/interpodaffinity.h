#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

#include <cstdint>

namespace kubist::scheduler::plugins {

// The plugin's arguments (upstream InterPodAffinityArgs, with its
// defaults).
struct InterPodAffinityArgs
{
    // Score weight of an existing pod's REQUIRED affinity term the incoming
    // pod matches; 0 turns that part of scoring off. Valid range [0, 100].
    std::int32_t hardPodAffinityWeight = 1;
    // Score only by the incoming pod's own preferred terms; existing pods'
    // terms are ignored when the incoming pod has none (PreScore skips).
    bool ignorePreferredTermsOfExistingPods = false;
};

// InterPodAffinity (default weight 2): spec.affinity.podAffinity and
// podAntiAffinity, as upstream v1.32's interpodaffinity plugin.
//
//  - PreFilter: compiles the incoming pod's required terms (namespaces,
//    namespaceSelector resolved through the snapshot's lister, and
//    matchLabelKeys / mismatchLabelKeys merged from the pod's labels) and
//    counts, once per cycle, per topology pair (key=value):
//      * existing pods matching ALL its required affinity terms,
//      * existing pods matching each required anti-affinity term,
//      * existing pods' required anti-affinity terms matching it (only
//        nodes with such pods are visited).
//    Skip when the pod has no required terms and no existing pod's
//    anti-affinity term matches it. A term whose selector does not parse
//    rejects the pod (UnschedulableAndUnresolvable "parsing pod: ...").
//  - Filter, per node (label and hash lookups only):
//      * affinity: every term's topology key must be on the node with a
//        matching pod in that domain, else UnschedulableAndUnresolvable
//        kErrReasonAffinityRulesNotMatch - except for the first pod of a
//        group: when no pod anywhere matches and the pod matches all its
//        own terms, any node with the topology keys will do;
//      * anti-affinity: no domain of the node may hold a pod a term
//        matches, else Unschedulable kErrReasonAntiAffinityRulesNotMatch;
//      * existing pods' anti-affinity: no node label may be a pair some
//        existing pod's term reserves, else Unschedulable
//        kErrReasonExistingAntiAffinityRulesNotMatch.
//  - PreFilterExtensions: addPod / removePod update the counts of a cloned
//    state (preemption's what-if rounds).
//  - PreScore: sums weights per topology pair over every node with labels:
//    the incoming pod's preferred affinity (+weight) and anti-affinity
//    (-weight) terms against every existing pod, and existing pods'
//    required affinity (+hardPodAffinityWeight), preferred affinity
//    (+weight) and preferred anti-affinity (-weight) terms against the
//    incoming pod. Without preferred terms on the incoming pod only nodes
//    with pods with affinity are visited. Skip when nothing matched (or no
//    node is feasible). Score: the sum of the node's pairs. NormalizeScore:
//    min-max to [0, 100].
//
// Stateless; per-cycle data lives in CycleState under kPreFilterStateKey /
// kPreScoreStateKey.
class InterPodAffinity final : public PreFilterPlugin,
                               public FilterPlugin,
                               public PreFilterExtensions,
                               public PreScorePlugin,
                               public ScorePlugin
{
public:
    static constexpr std::string_view kName = "InterPodAffinity";
    static constexpr std::string_view kPreFilterStateKey = "PreFilterInterPodAffinity";
    static constexpr std::string_view kPreScoreStateKey = "PreScoreInterPodAffinity";
    static constexpr std::string_view kErrReasonExistingAntiAffinityRulesNotMatch =
        "node(s) didn't satisfy existing pods anti-affinity rules";
    static constexpr std::string_view kErrReasonAffinityRulesNotMatch =
        "node(s) didn't match pod affinity rules";
    static constexpr std::string_view kErrReasonAntiAffinityRulesNotMatch =
        "node(s) didn't match pod anti-affinity rules";

    // With the default arguments (the registry's factory).
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);
    // InvalidArgument when hardPodAffinityWeight is outside [0, 100].
    static Result<std::shared_ptr<const Plugin>> createWithArgs(const PluginContext &context,
                                                                const InterPodAffinityArgs &args);

    InterPodAffinity() = default;
    explicit InterPodAffinity(const InterPodAffinityArgs &args)
        : m_args(args)
    {}

    const InterPodAffinityArgs &args() const { return m_args; }

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
    PluginStatus normalizeScore(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                std::vector<NodeScore> &scores) const override;

private:
    PluginStatus updateWithPod(CycleState &state, const k8s::io::api::core::v1::Pod &podToSchedule,
                               const PodInfo &podInfo, const NodeInfo &nodeInfo,
                               std::int64_t multiplier) const;

    InterPodAffinityArgs m_args;
};

} // namespace kubist::scheduler::plugins
