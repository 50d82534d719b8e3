#include "backend/scheduler/plugins/defaultpreemption/defaultpreemption.h"

#include "backend/api/labelselector.h"
#include "backend/scheduler/framework/clusterlister.h"
#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/fiterror.h"
#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/snapshot.h"
#include "backend/util/log.h"

#include "core_v1.pb.h"
#include "policy_v1.pb.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;
namespace policy = k8s::io::api::policy::v1;

namespace {

using Code = PluginStatus::Code;

// The plugin whose Filter 1.32 makes unresolvable for requests above the
// node's allocatable (see the header).
constexpr std::string_view kNodeResourcesFit = "NodeResourcesFit";

std::string prefixed(std::string_view message)
{
    return "preemption: " + std::string(message);
}

std::int32_t priorityOf(const core::Pod &pod)
{
    return pod.spec().priority();
}

// Nanoseconds since the epoch of status.startTime; a pod without one counts
// as starting now, later than any recorded start.
std::int64_t startTimeOf(const core::Pod &pod)
{
    if (!pod.status().has_start_time())
        return std::numeric_limits<std::int64_t>::max();
    const auto &time = pod.status().start_time();
    return time.seconds() * 1'000'000'000 + time.nanos();
}

// Upstream util.MoreImportantPod: higher priority, then earlier start.
bool moreImportant(const core::Pod &a, const core::Pod &b)
{
    const std::int32_t pa = priorityOf(a);
    const std::int32_t pb = priorityOf(b);
    if (pa != pb)
        return pa > pb;
    return startTimeOf(a) < startTimeOf(b);
}

// Being deleted because the scheduler preempted it (the scheduling queue
// hints of 1.32 on).
bool terminatingByPreemption(const core::Pod &pod)
{
    if (!pod.metadata().has_deletion_timestamp())
        return false;
    for (const core::PodCondition &condition : pod.status().conditions()) {
        if (condition.type() == "DisruptionTarget")
            return condition.status() == "True" && condition.reason() == "PreemptionByScheduler";
    }
    return false;
}

// The PodDisruptionBudgets of the namespaces seen so far in one round, with
// their selectors parsed once.
class PdbCache final
{
public:
    struct Budget
    {
        std::shared_ptr<const policy::PodDisruptionBudget> pdb;
        api::LabelSelector selector;
    };

    explicit PdbCache(const ClusterLister &lister)
        : m_lister(lister)
    {}

    // Only budgets whose selector can match something (upstream skips
    // invalid, null and empty selectors).
    const std::vector<Budget> &forNamespace(const std::string &ns)
    {
        auto it = m_byNamespace.find(ns);
        if (it != m_byNamespace.end())
            return it->second;
        std::vector<Budget> budgets;
        for (auto &pdb : m_lister.podDisruptionBudgets(ns)) {
            if (!pdb || pdb->metadata().namespace_() != ns)
                continue;
            Result<api::LabelSelector> selector = api::LabelSelector::fromProto(
                pdb->spec().has_selector() ? &pdb->spec().selector() : nullptr);
            if (!selector.isOk() || selector->isEmpty() || selector->isNothing())
                continue;
            budgets.push_back({std::move(pdb), std::move(selector).value()});
        }
        return m_byNamespace.emplace(ns, std::move(budgets)).first->second;
    }

private:
    const ClusterLister &m_lister;
    std::unordered_map<std::string, std::vector<Budget>> m_byNamespace;
};

// Upstream filterPodsWithPDBViolation over one node's victims (in order):
// each budget's disruptionsAllowed is spent by the victims it covers that
// are not yet in its disruptedPods; a victim that takes one below 0
// violates it. Stable: both lists keep the input order.
void splitByBudgets(const std::vector<const PodInfo *> &pods, PdbCache &pdbs,
                    std::vector<const PodInfo *> &violating,
                    std::vector<const PodInfo *> &nonViolating)
{
    std::vector<std::pair<const PdbCache::Budget *, std::int32_t>> allowed;
    for (const PodInfo *info : pods) {
        const core::Pod &pod = *info->pod;
        bool violated = false;
        if (!pod.metadata().labels().empty()) {
            for (const PdbCache::Budget &budget : pdbs.forNamespace(pod.metadata().namespace_())) {
                if (!budget.selector.matches(pod.metadata().labels()))
                    continue;
                if (budget.pdb->status().disrupted_pods().contains(pod.metadata().name()))
                    continue;
                auto slot = std::find_if(allowed.begin(), allowed.end(),
                                         [&](const auto &entry) { return entry.first == &budget; });
                if (slot == allowed.end()) {
                    allowed.emplace_back(&budget, budget.pdb->status().disruptions_allowed());
                    slot = std::prev(allowed.end());
                }
                if (--slot->second < 0)
                    violated = true;
            }
        }
        (violated ? violating : nonViolating).push_back(info);
    }
}

// Upstream SelectVictimsOnNode on `node` (a copy) and `state` (a clone).
// Success fills `candidate`; otherwise the node's status.
PluginStatus selectVictimsOnNode(const Framework &framework, CycleState &state,
                                 const core::Pod &pod, NodeInfo &node, PdbCache &pdbs,
                                 PreemptionCandidate &candidate)
{
    const std::int32_t priority = priorityOf(pod);
    std::vector<PodInfo> potential;
    for (const PodInfo &info : node.pods()) {
        if (priorityOf(*info.pod) < priority)
            potential.push_back(info);
    }
    if (potential.empty())
        return PluginStatus::unresolvable({std::string(DefaultPreemption::kNoVictims)});

    auto removePod = [&](const PodInfo &info) {
        const PluginStatus status =
            framework.runPreFilterExtensionRemovePod(state, pod, info, node);
        node.removePod(*info.pod);
        return status;
    };
    auto addPod = [&](const PodInfo &info) {
        const PluginStatus status = framework.runPreFilterExtensionAddPod(state, pod, info, node);
        node.addPodInfo(info);
        return status;
    };
    auto asError = [](const PluginStatus &status) { return PluginStatus::error(status.message()); };

    for (const PodInfo &info : potential) {
        if (const PluginStatus status = removePod(info); !status.isSuccess())
            return asError(status);
    }
    // Not even without every lower-priority pod: not a candidate. (Like
    // upstream, affinity of the pod to its would-be victims is not worked
    // around.)
    if (PluginStatus status = framework.runFilterPlugins(state, pod, node); !status.isSuccess())
        return status;

    std::stable_sort(potential.begin(), potential.end(), [](const PodInfo &a, const PodInfo &b) {
        return moreImportant(*a.pod, *b.pod);
    });
    std::vector<const PodInfo *> sorted;
    sorted.reserve(potential.size());
    for (const PodInfo &info : potential)
        sorted.push_back(&info);
    std::vector<const PodInfo *> violating;
    std::vector<const PodInfo *> nonViolating;
    splitByBudgets(sorted, pdbs, violating, nonViolating);

    std::vector<const PodInfo *> victims;
    // Adds the pod back; it stays when the preemptor still fits.
    auto reprieve = [&](const PodInfo &info, bool *fits) {
        if (const PluginStatus status = addPod(info); !status.isSuccess())
            return asError(status);
        *fits = framework.runFilterPlugins(state, pod, node).isSuccess();
        if (!*fits) {
            if (const PluginStatus status = removePod(info); !status.isSuccess())
                return asError(status);
            victims.push_back(&info);
        }
        return PluginStatus::success();
    };
    int numViolating = 0;
    for (const PodInfo *info : violating) {
        bool fits = false;
        if (const PluginStatus status = reprieve(*info, &fits); !status.isSuccess())
            return status;
        if (!fits)
            ++numViolating;
    }
    for (const PodInfo *info : nonViolating) {
        bool fits = false;
        if (const PluginStatus status = reprieve(*info, &fits); !status.isSuccess())
            return status;
    }
    if (victims.empty()) {
        return PluginStatus::error("expected at least one victim pod on node \"" + node.name() +
                                   "\"");
    }
    if (!violating.empty() && !nonViolating.empty()) {
        std::stable_sort(victims.begin(), victims.end(), [](const PodInfo *a, const PodInfo *b) {
            return moreImportant(*a->pod, *b->pod);
        });
    }
    candidate.nodeName = node.name();
    candidate.numPDBViolations = numViolating;
    candidate.victims.reserve(victims.size());
    for (const PodInfo *info : victims)
        candidate.victims.push_back(info->pod);
    return {};
}

// Upstream GetEarliestPodStartTime: the earliest start among the victims of
// the highest priority.
std::int64_t earliestStartOfHighestPriority(const PreemptionCandidate &candidate)
{
    std::int32_t highest = priorityOf(*candidate.victims.front());
    std::int64_t earliest = startTimeOf(*candidate.victims.front());
    for (const auto &victim : candidate.victims) {
        const std::int32_t priority = priorityOf(*victim);
        if (priority == highest) {
            earliest = std::min(earliest, startTimeOf(*victim));
        } else if (priority > highest) {
            highest = priority;
            earliest = startTimeOf(*victim);
        }
    }
    return earliest;
}

// Upstream pickOneNodeForPreemption: each criterion keeps the candidates
// with the best score; the first left alone wins, or the first in order.
std::size_t pickOneNodeForPreemption(const std::vector<PreemptionCandidate> &candidates)
{
    using Score = std::int64_t (*)(const PreemptionCandidate &);
    static constexpr Score kCriteria[] = {
        // Fewest PDB violations.
        [](const PreemptionCandidate &c) -> std::int64_t { return -c.numPDBViolations; },
        // The lowest priority of the most important victim.
        [](const PreemptionCandidate &c) -> std::int64_t {
            return -static_cast<std::int64_t>(priorityOf(*c.victims.front()));
        },
        // The smallest sum of priorities, each offset by 2^31 so that more
        // negative-priority victims never look better than fewer.
        [](const PreemptionCandidate &c) -> std::int64_t {
            std::int64_t sum = 0;
            for (const auto &victim : c.victims)
                sum += static_cast<std::int64_t>(priorityOf(*victim)) +
                       static_cast<std::int64_t>(std::numeric_limits<std::int32_t>::max()) + 1;
            return -sum;
        },
        // The fewest victims.
        [](const PreemptionCandidate &c) -> std::int64_t {
            return -static_cast<std::int64_t>(c.victims.size());
        },
        // The latest "earliest start" among the highest-priority victims.
        [](const PreemptionCandidate &c) { return earliestStartOfHighestPriority(c); },
    };

    std::vector<std::size_t> remaining(candidates.size());
    for (std::size_t i = 0; i < remaining.size(); ++i)
        remaining[i] = i;
    std::vector<std::size_t> selected;
    for (const Score score : kCriteria) {
        std::int64_t best = std::numeric_limits<std::int64_t>::min();
        selected.clear();
        for (const std::size_t index : remaining) {
            const std::int64_t value = score(candidates[index]);
            if (value > best) {
                best = value;
                selected.clear();
            }
            if (value == best)
                selected.push_back(index);
        }
        if (selected.size() == 1)
            return selected.front();
        remaining.swap(selected);
    }
    return remaining.front();
}

} // namespace

Result<std::shared_ptr<const Plugin>> DefaultPreemption::create(const PluginContext &context)
{
    if (!context.framework)
        return Status::invalidArgument("DefaultPreemption needs the framework it runs in");
    return std::shared_ptr<const Plugin>(std::make_shared<DefaultPreemption>(context));
}

DefaultPreemption::DefaultPreemption(const PluginContext &context)
    : m_context(context)
{}

PreemptionPlan DefaultPreemption::plan(const Framework &framework, const CycleState &state,
                                       const core::Pod &pod, const Snapshot &snapshot,
                                       const NodeStatusMap &filtered)
{
    PreemptionPlan out;

    // 1. Is the pod eligible to preempt others?
    if (pod.spec().preemption_policy() == "Never") {
        out.status = PluginStatus::unschedulable({prefixed(kNotEligibleNever)});
        return out;
    }
    const std::string &nominated = pod.status().nominated_node_name();
    if (!nominated.empty()) {
        // A node Filter did not report on counts as unresolvable, as
        // upstream's NodeToStatus does for absent nodes.
        const auto it = filtered.find(nominated);
        const bool unresolvable =
            it == filtered.end() || it->second.code() == Code::UnschedulableAndUnresolvable;
        const NodeInfo *node = unresolvable ? nullptr : snapshot.get(nominated);
        if (node) {
            for (const PodInfo &info : node->pods()) {
                if (priorityOf(*info.pod) < priorityOf(pod) && terminatingByPreemption(*info.pod)) {
                    out.status = PluginStatus::unschedulable({prefixed(kNotEligibleTerminating)});
                    return out;
                }
            }
        }
    }
    if (snapshot.numNodes() == 0) {
        out.status = PluginStatus::error(prefixed("no nodes available"));
        return out;
    }

    // 2.-3. Dry-run preemption on every node preemption might help.
    PdbCache pdbs(snapshot.lister());
    const auto *fit = dynamic_cast<const FilterPlugin *>(framework.plugin(kNodeResourcesFit));
    std::vector<std::string> errors;
    for (const NodeInfo &info : snapshot.nodeInfos()) {
        const auto it = filtered.find(info.name());
        if (it == filtered.end() || it->second.code() != Code::Unschedulable)
            continue;
        NodeInfo node = info;
        CycleState nodeState = state.clone();
        PreemptionCandidate candidate;
        const PluginStatus status =
            selectVictimsOnNode(framework, nodeState, pod, node, pdbs, candidate);
        if (status.isSuccess()) {
            out.candidates.push_back(std::move(candidate));
            continue;
        }
        if (status.code() == Code::Error) {
            errors.push_back(status.message());
        } else if (fit && it->second.plugin() == kNodeResourcesFit &&
                   !fit->filter(state, pod, NodeInfo(info.nodePtr())).isSuccess()) {
            // 1.32 would have found the node UnschedulableAndUnresolvable
            // (requests above allocatable) and not tried it. Checked only
            // here: such a node never becomes a candidate.
            continue;
        }
        out.nodeStatuses[info.name()] = status;
    }

    if (out.candidates.empty()) {
        if (!errors.empty()) {
            std::string message;
            for (const std::string &error : errors)
                message += (message.empty() ? "" : ", ") + error;
            out.status =
                PluginStatus::error(prefixed(errors.size() == 1 ? message : "[" + message + "]"));
            return out;
        }
        FitError fitError;
        fitError.numAllNodes = static_cast<int>(snapshot.numNodes());
        for (const NodeInfo &info : snapshot.nodeInfos()) {
            if (!out.nodeStatuses.contains(info.name()))
                out.nodeStatuses[info.name()] =
                    PluginStatus::unresolvable({std::string(kNotHelpful)});
        }
        fitError.nodeStatuses = out.nodeStatuses;
        out.status = PluginStatus::unschedulable({prefixed(fitError.message())});
        out.clearNomination = !nominated.empty();
        return out;
    }

    // 4. The best candidate.
    out.chosen = out.candidates[pickOneNodeForPreemption(out.candidates)];
    out.status = PluginStatus::success();
    return out;
}

Result<PreemptionPlan> DefaultPreemption::plan(const Framework &framework, const core::Pod &pod,
                                               const Snapshot &snapshot)
{
    CycleState state;
    Result<ScheduleResult> scheduled = framework.schedulePod(state, pod, snapshot);
    if (!scheduled.isOk())
        return scheduled.status();
    if (scheduled->isScheduled()) {
        PreemptionPlan out;
        out.status = PluginStatus::skip();
        return out;
    }
    return plan(framework, state, pod, snapshot, scheduled->fitError->nodeStatuses);
}

PluginStatus DefaultPreemption::postFilter(CycleState &state, const core::Pod &pod,
                                           const Snapshot &snapshot, const NodeStatusMap &filtered,
                                           PostFilterResult *result) const
{
    const PreemptionPlan planned = plan(*m_context.framework, state, pod, snapshot, filtered);
    const bool acting = m_context.preemptVictim && m_context.nominateNode;
    if (!planned.status.isSuccess()) {
        if (acting && planned.clearNomination) {
            const Status cleared = m_context.nominateNode(pod, std::string());
            if (!cleared.isOk())
                logWarning(kName, "clearing the nominated node of " + pod.metadata().namespace_() +
                                      "/" + pod.metadata().name() + ": " + cleared.message());
        }
        return planned.status;
    }
    if (acting) {
        for (const auto &victim : planned.chosen.victims) {
            const Status deleted = m_context.preemptVictim(*victim, pod);
            // A victim already gone is what we wanted.
            if (!deleted.isOk() && deleted.code() != Status::Code::NotFound)
                return PluginStatus::error(prefixed(deleted.message()));
        }
        const Status nominatedNode = m_context.nominateNode(pod, planned.chosen.nodeName);
        if (!nominatedNode.isOk())
            return PluginStatus::error(prefixed(nominatedNode.message()));
    }
    if (result)
        result->nominatedNodeName = planned.chosen.nodeName;
    return {};
}

} // namespace kubist::scheduler::plugins
