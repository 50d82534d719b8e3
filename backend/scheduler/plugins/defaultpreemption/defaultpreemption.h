#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kubist::scheduler {
class Framework;
}

namespace kubist::scheduler::plugins {

// What preemption would do on one node: the pods to evict (most important
// first: priority descending, then earliest start time) and how many of
// them a PodDisruptionBudget protects.
struct PreemptionCandidate
{
    std::string nodeName;
    std::vector<std::shared_ptr<const k8s::io::api::core::v1::Pod>> victims;
    int numPDBViolations = 0;
};

// The outcome of DefaultPreemption::plan() for one pod.
struct PreemptionPlan
{
    // Success: preempting `chosen.victims` on `chosen.nodeName` makes room.
    // Otherwise exactly what postFilter() returns: Unschedulable with
    // upstream's message ("preemption: not eligible due to
    // preemptionPolicy=Never.", "preemption: 0/3 nodes are available: 1 No
    // preemption victims found for incoming pod, 2 Preemption is not
    // helpful for scheduling."), or Error. Skip only from the convenience
    // overload of plan(), when the pod fits a node without preemption.
    PluginStatus status;
    // The pick, when status is Success.
    PreemptionCandidate chosen;
    // Every node where preemption would work, in snapshot order (the GUI may
    // show the alternatives).
    std::vector<PreemptionCandidate> candidates;
    // Why the nodes tried without success are no candidates (by node name).
    // When `candidates` is empty and the pod was eligible, every node of the
    // snapshot is here: the statuses the failure message counts, nodes
    // preemption cannot help carrying "Preemption is not helpful for
    // scheduling".
    NodeStatusMap nodeStatuses;
    // Set when no node is a candidate and the pod carries a
    // status.nominatedNodeName: upstream then clears the nomination.
    bool clearNomination = false;
};

// DefaultPreemption: the PostFilter plugin that makes room for a pod that
// fits no node by evicting lower-priority pods (upstream
// plugins/defaultpreemption with framework/preemption's Evaluator,
// kube-scheduler 1.32).
//
//  1. Eligibility: a pod with spec.preemptionPolicy Never does not preempt
//     ("not eligible due to preemptionPolicy=Never."). A pod that already
//     has status.nominatedNodeName waits while that node still holds a
//     lower-priority pod being deleted by an earlier preemption
//     (deletionTimestamp set and a DisruptionTarget condition True with
//     reason PreemptionByScheduler: "not eligible due to a terminating pod
//     on the nominated node."), unless its Filter status on that node is
//     UnschedulableAndUnresolvable.
//  2. Candidates: the nodes whose Filter status is Unschedulable (never
//     UnschedulableAndUnresolvable). EVERY such node is evaluated, in
//     snapshot order: unlike upstream we do not sample a random 10% / at
//     least 100 of them, so the result is reproducible and the GUI's dry
//     run agrees with the scheduler.
//  3. On each, on a copy of its NodeInfo and a CycleState::clone(): every
//     pod of lower priority (spec.priority, absent = 0) is removed (with
//     the PreFilterExtensions told); no such pod: "No preemption victims
//     found for incoming pod". If the Filter plugins still reject the pod,
//     their status is the node's. Otherwise victims are reprieved, most
//     important first, PDB-violating ones before the others: each is added
//     back and stays when the pod still fits. A victim violates a PDB of
//     its namespace whose selector (non-empty) matches its labels, when
//     status.disruptionsAllowed, decremented for each victim of the node
//     not listed in status.disruptedPods, goes below 0.
//  4. The node is picked by upstream's pickOneNodeForPreemption: fewest
//     PDB violations, then the lowest highest-victim priority, then the
//     smallest sum of (priority + 2^31), then the fewest victims, then the
//     latest earliest-start-time among the highest-priority victims (a pod
//     without status.startTime counts as starting now, i.e. latest), then
//     the first in snapshot order.
//  5. Acting (only when the PluginContext has both preemptVictim and
//     nominateNode): preemptVictim(victim, pod) for each victim, then
//     nominateNode(pod, node); postFilter returns Success with
//     result->nominatedNodeName. When no node is a candidate and the pod
//     had a nominated node, nominateNode(pod, "") clears it. Without the
//     callbacks (the GUI) nothing is written; the result is the same.
//
// Not done (as the framework offers no nominator): pods nominated to a
// node are not counted by the Filter runs, and lower-priority pods
// nominated to the chosen node keep their nomination.
//
// Until NodeResourcesFit reports requests above a node's allocatable as
// UnschedulableAndUnresolvable (as 1.32 does), this plugin treats such a
// node (its Filter status from NodeResourcesFit, and NodeResourcesFit
// rejecting the pod on the node emptied of pods) as not a candidate, so
// messages match upstream's "Preemption is not helpful for scheduling".
//
// Cost: for each candidate node, one NodeInfo copy, one CycleState clone
// and 1 + (number of lower-priority pods) Filter runs; nothing per node
// when the pod is not eligible. Runs only when no node fits.
//
// Thread-safety: stateless; const methods may run concurrently. The
// callbacks are called on the calling thread.
class DefaultPreemption final : public PostFilterPlugin
{
public:
    static constexpr std::string_view kName = "DefaultPreemption";
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    // `context.framework` must be set (Framework::create does) and outlive
    // the plugin.
    explicit DefaultPreemption(const PluginContext &context);

    std::string_view name() const override { return kName; }
    // See the class comment; returns plan()'s status after acting.
    PluginStatus postFilter(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                            const Snapshot &snapshot, const NodeStatusMap &filtered,
                            PostFilterResult *result) const override;

    // What preemption would do for `pod`, without acting (steps 1-4 of the
    // class comment). `state` is the cycle's state after PreFilter and
    // Filter ran on `snapshot` (it is only cloned, never changed) and
    // `filtered` the nodes' Filter statuses. `framework` runs the Filter
    // plugins and PreFilterExtensions; it need not contain this plugin.
    // Pure function of its arguments; thread-safe as Framework is.
    static PreemptionPlan plan(const Framework &framework, const CycleState &state,
                               const k8s::io::api::core::v1::Pod &pod, const Snapshot &snapshot,
                               const NodeStatusMap &filtered);

    // The same for the GUI, from scratch: runs framework.schedulePod(pod,
    // snapshot) (PreFilter, Filter, and the framework's own PostFilter
    // plugins, so pass a framework without preemption's acting callbacks)
    // and plans preemption when the pod fits no node. status is Skip when
    // the pod fits a node as it is. Errors: schedulePod's.
    static Result<PreemptionPlan> plan(const Framework &framework,
                                       const k8s::io::api::core::v1::Pod &pod,
                                       const Snapshot &snapshot);

    // "preemption: " is prepended to these, as upstream does.
    static constexpr std::string_view kNotEligibleNever =
        "not eligible due to preemptionPolicy=Never.";
    static constexpr std::string_view kNotEligibleTerminating =
        "not eligible due to a terminating pod on the nominated node.";
    static constexpr std::string_view kNoVictims = "No preemption victims found for incoming pod";
    static constexpr std::string_view kNotHelpful = "Preemption is not helpful for scheduling";

private:
    PluginContext m_context;
};

} // namespace kubist::scheduler::plugins
