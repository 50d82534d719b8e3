#include "backend/scheduler/plugins/tainttoleration/tainttoleration.h"

#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/normalizescore.h"
#include "backend/scheduler/framework/taints.h"

#include "core_v1.pb.h"

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;

namespace {

constexpr std::string_view kPreScoreStateKey = "PreScoreTaintToleration";

struct PreScoreState final : StateData
{
    google::protobuf::RepeatedPtrField<core::Toleration> preferNoScheduleTolerations;
};

PreScoreState computeState(const core::Pod &pod)
{
    PreScoreState state;
    for (const core::Toleration &toleration : pod.spec().tolerations()) {
        if (toleration.effect().empty() || toleration.effect() == kTaintEffectPreferNoSchedule)
            *state.preferNoScheduleTolerations.Add() = toleration;
    }
    return state;
}

} // namespace

Result<std::shared_ptr<const Plugin>> TaintToleration::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<TaintToleration>());
}

std::string TaintToleration::untoleratedTaintReason(std::string_view key, std::string_view value)
{
    return "node(s) had untolerated taint {" + std::string(key) + ": " + std::string(value) + "}";
}

PluginStatus TaintToleration::filter(const CycleState &, const core::Pod &pod,
                                     const NodeInfo &nodeInfo) const
{
    for (const core::Taint &taint : nodeInfo.node().spec().taints()) {
        if (taint.effect() != kTaintEffectNoSchedule && taint.effect() != kTaintEffectNoExecute)
            continue;
        if (!tolerationsTolerateTaint(pod.spec().tolerations(), taint))
            return PluginStatus::unresolvable({untoleratedTaintReason(taint.key(), taint.value())});
    }
    return {};
}

PluginStatus TaintToleration::preScore(CycleState &state, const core::Pod &pod, const Snapshot &,
                                       const std::vector<const NodeInfo *> &) const
{
    state.write(std::string(kPreScoreStateKey), std::make_shared<PreScoreState>(computeState(pod)));
    return {};
}

PluginStatus TaintToleration::score(const CycleState &state, const core::Pod &pod,
                                    const NodeInfo &nodeInfo, std::int64_t *score) const
{
    const PreScoreState *prepared = state.read<PreScoreState>(kPreScoreStateKey);
    PreScoreState computed;
    if (!prepared) {
        computed = computeState(pod);
        prepared = &computed;
    }
    std::int64_t count = 0;
    for (const core::Taint &taint : nodeInfo.node().spec().taints()) {
        if (taint.effect() != kTaintEffectPreferNoSchedule)
            continue;
        if (!tolerationsTolerateTaint(prepared->preferNoScheduleTolerations, taint))
            ++count;
    }
    *score = count;
    return {};
}

PluginStatus TaintToleration::normalizeScore(const CycleState &, const core::Pod &,
                                             std::vector<NodeScore> &scores) const
{
    defaultNormalizeScore(kMaxNodeScore, true, scores);
    return {};
}

} // namespace kubist::scheduler::plugins
