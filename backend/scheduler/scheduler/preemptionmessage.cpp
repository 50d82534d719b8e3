#include "backend/scheduler/scheduler/preemptionmessage.h"

#include "backend/scheduler/framework/fiterror.h"
#include "backend/scheduler/framework/framework.h"
#include "backend/scheduler/framework/snapshot.h"

#include "core_v1.pb.h"

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;

namespace {

constexpr const char kNotHelpful[] = "Preemption is not helpful for scheduling";
constexpr const char kNoVictims[] = "No preemption victims found for incoming pod";

// The node's Filter status when the pod is scheduled on `node` carrying only
// `pods`; Success when it fits.
PluginStatus fitOn(const Framework &framework, const core::Pod &pod, const Snapshot::NodePtr &node,
                   const std::vector<Snapshot::PodPtr> &pods)
{
    const Snapshot one = Snapshot::build({node}, pods);
    Result<ScheduleResult> r = framework.schedulePod(pod, one);
    if (!r)
        return PluginStatus::error(r.status().message());
    if (r->isScheduled())
        return {};
    for (const auto &[name, status] : r->fitError->nodeStatuses)
        return status;
    return PluginStatus::unschedulable({r->fitError->message()});
}

} // namespace

std::string preemptionMessage(const Framework &framework, const core::Pod &pod,
                              const Snapshot &snapshot, const FitError &fitError)
{
    if (pod.spec().preemption_policy() == "Never")
        return "preemption: not eligible due to preemptionPolicy=Never.";

    FitError inner;
    inner.numAllNodes = static_cast<int>(snapshot.numNodes());
    const int priority = pod.spec().priority();
    for (const NodeInfo &nodeInfo : snapshot.nodeInfos()) {
        auto it = fitError.nodeStatuses.find(nodeInfo.name());
        const PluginStatus status = it != fitError.nodeStatuses.end() ? it->second : PluginStatus();
        if (status.code() == PluginStatus::Code::UnschedulableAndUnresolvable ||
            !fitOn(framework, pod, nodeInfo.nodePtr(), {}).isSuccess()) {
            inner.nodeStatuses[nodeInfo.name()] = PluginStatus::unresolvable({kNotHelpful});
            continue;
        }
        std::vector<Snapshot::PodPtr> remaining;
        bool victims = false;
        for (const PodInfo &p : nodeInfo.pods()) {
            if (p.pod->spec().priority() < priority)
                victims = true;
            else
                remaining.push_back(p.pod);
        }
        if (!victims) {
            inner.nodeStatuses[nodeInfo.name()] = PluginStatus::unresolvable({kNoVictims});
            continue;
        }
        const PluginStatus after = fitOn(framework, pod, nodeInfo.nodePtr(), remaining);
        if (after.isSuccess())
            return {}; // a preemption candidate: upstream would preempt here
        inner.nodeStatuses[nodeInfo.name()] = after;
    }
    return "preemption: " + inner.message();
}

} // namespace kubist::scheduler
