#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/profile.h"
#include "backend/scheduler/framework/registry.h"
#include "backend/scheduler/framework/scheduleresult.h"
#include "backend/util/status.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kubist::scheduler {

class CycleState;
class NodeInfo;
class Snapshot;
struct PodInfo;

struct ScheduleOptions
{
    // How ties between nodes with the highest total score are broken.
    // Unset (the default): the node whose name sorts first, so results are
    // reproducible and the GUI's "what would the scheduler say" matches the
    // scheduler run on the same snapshot. Set: a uniform pick among the tied
    // nodes from a std::mt19937_64 seeded with it (upstream picks at
    // random, spreading equal pods over equal nodes).
    std::optional<std::uint64_t> tieBreakSeed;
    // false: no PostFilter plugin runs when nothing fits (a trial that must
    // not preempt, e.g. a placement intent's first attempt).
    bool runPostFilter = true;
    // How much of the Explanation is built: every node (the GUI's
    // explanations), or — Summary, the scheduler's own cycles — the winner
    // and the runner-up only (with their per-plugin scores; nodes turned
    // down are counted in rejectedBy either way; when nothing fits, Summary
    // lists no nodes, FitError.nodeStatuses has them all).
    enum class Explain { Full, Summary };
    Explain explain = Explain::Full;
};

// Framework: one scheduling profile's plugins, instantiated, and the
// algorithm that runs them (upstream frameworkruntime.frameworkImpl plus
// schedulePod / findNodesThatFitPod / prioritizeNodes / selectHost).
//
// schedulePod, for one pod on one snapshot:
//  1. no nodes: a FitError "no nodes available to schedule pods";
//  2. PreFilter plugins in profile order. Skip: that plugin's Filter is
//     skipped. A rejection: every node fails with it (FitError.preFilterMsg).
//     Results naming nodes narrow Filter to their intersection; the other
//     nodes fail with "node(s) didn't satisfy plugin(s) [<plugins>]", and an
//     empty intersection rejects the pod;
//  3. Filter on EVERY remaining node (no sampling, no parallelism), plugins
//     in profile order; the first rejection is the node's status;
//  4. no feasible node: PostFilter plugins in order until one succeeds
//     (which sets nominatedNodeName); their rejection reasons become
//     FitError.postFilterMsg. The result carries the FitError;
//  5. otherwise PreScore (Skip turns that plugin's Score off), Score on every
//     feasible node, NormalizeScore, a range check ([0, kMaxNodeScore]),
//     times the plugin's weight, summed per node. Unlike upstream, scoring
//     also runs when only one node is feasible, so the explanation is
//     complete;
//  6. the highest total wins; ties per ScheduleOptions.
// Plugins that declare themselves node-local (Plugin::nodeLocal) are asked
// once per pod spec and node state: their Filter verdicts and raw scores are
// kept per node (up to 16 specs, least recently used dropped) and reused
// for a later pod with the same namespace and spec on every node whose
// NodeInfo::generation() is unchanged; the other plugins run every time.
// The result is the same as without the cache.
// A plugin returning Error makes schedulePod return that error (Internal)
// instead of a result. Reserve and Bind are separate calls, made by the
// scheduler part after it assumed the pod.
//
// Thread-safety: const methods may run concurrently (plugins are stateless;
// each call uses its own CycleState). The framework holds its plugins.
class Framework final
{
public:
    // Instantiates the profile's plugins from `registry`. Errors: NotFound
    // for a plugin the registry lacks, InvalidArgument for a plugin listed
    // twice, a negative weight or a second QueueSort plugin, and a
    // factory's own error (with the plugin's name as context).
    static Result<std::unique_ptr<Framework>>
    create(const Registry &registry, const Profile &profile, const PluginContext &context = {});

    ~Framework();
    Framework(const Framework &) = delete;
    Framework &operator=(const Framework &) = delete;

    const Profile &profile() const { return m_profile; }

    // The QueueSort plugin's order; without one, first come first served
    // (by timestamp).
    bool less(const QueuedPodInfo &a, const QueuedPodInfo &b) const;

    // See the class comment. `state` is the cycle's state (fresh per
    // attempt), kept for Reserve and Bind.
    Result<ScheduleResult> schedulePod(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                       const Snapshot &snapshot,
                                       const ScheduleOptions &options = {}) const;
    // Same, with a throwaway CycleState.
    Result<ScheduleResult> schedulePod(const k8s::io::api::core::v1::Pod &pod,
                                       const Snapshot &snapshot,
                                       const ScheduleOptions &options = {}) const;

    // Reserve plugins in order; on the first failure every Reserve plugin's
    // unreserve runs (in reverse order) and that failure is returned.
    PluginStatus runReservePlugins(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                   const std::string &nodeName) const;
    // Every Reserve plugin's unreserve, in reverse order.
    void runUnreservePlugins(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                             const std::string &nodeName) const;
    // Bind plugins in order until one does not return Skip; its status is
    // returned (Skip when none bound).
    PluginStatus runBindPlugins(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                const std::string &nodeName) const;

    // Every Filter plugin in order on one node (skipping those CycleState
    // says to skip); the first rejection (with its plugin) or Success. For
    // preemption's "what if" nodes.
    PluginStatus runFilterPlugins(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                  const NodeInfo &nodeInfo) const;
    // Every PreFilterExtensions plugin whose PreFilter ran (was not skipped)
    // told that `podInfo` joins / leaves `nodeInfo`; the first failure.
    PluginStatus runPreFilterExtensionAddPod(CycleState &state,
                                             const k8s::io::api::core::v1::Pod &podToSchedule,
                                             const PodInfo &podInfo,
                                             const NodeInfo &nodeInfo) const;
    PluginStatus runPreFilterExtensionRemovePod(CycleState &state,
                                                const k8s::io::api::core::v1::Pod &podToSchedule,
                                                const PodInfo &podInfo,
                                                const NodeInfo &nodeInfo) const;

    // The plugin called `name`, or nullptr.
    const Plugin *plugin(std::string_view name) const;

private:
    struct ScoreEntry
    {
        const ScorePlugin *plugin = nullptr;
        std::int64_t weight = 1;
        bool nodeLocal = false;
        std::size_t localColumn = 0; // nodeLocal: its place among the node-local ones
    };
    struct EquivalenceCache;

    Framework();
    using ExtensionCall = PluginStatus (PreFilterExtensions::*)(CycleState &,
                                                                const k8s::io::api::core::v1::Pod &,
                                                                const PodInfo &,
                                                                const NodeInfo &) const;
    PluginStatus runPreFilterExtensions(ExtensionCall call, CycleState &state,
                                        const k8s::io::api::core::v1::Pod &podToSchedule,
                                        const PodInfo &podInfo, const NodeInfo &nodeInfo) const;
    Result<ScheduleResult> runPostFilter(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                         const Snapshot &snapshot, ScheduleResult result) const;

    Profile m_profile;
    std::vector<std::shared_ptr<const Plugin>> m_plugins;
    const QueueSortPlugin *m_queueSort = nullptr;
    std::vector<const PreFilterPlugin *> m_preFilter;
    std::vector<const PreFilterExtensions *> m_preFilterExtensions;
    std::vector<const FilterPlugin *> m_filter;
    std::vector<char> m_filterLocal; // by m_filter index: Plugin::nodeLocal
    std::vector<const PostFilterPlugin *> m_postFilter;
    std::vector<const PreScorePlugin *> m_preScore;
    std::vector<ScoreEntry> m_score;
    std::size_t m_localScores = 0; // node-local Score plugins in m_score
    std::vector<const ReservePlugin *> m_reserve;
    std::vector<const BindPlugin *> m_bind;
    std::unique_ptr<EquivalenceCache> m_equivalence; // never null
};

} // namespace kubist::scheduler
