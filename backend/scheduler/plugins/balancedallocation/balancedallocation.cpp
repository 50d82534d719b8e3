#include "backend/scheduler/plugins/balancedallocation/balancedallocation.h"

#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/podresources.h"

#include "core_v1.pb.h"

#include <array>
#include <cmath>

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;

namespace {

constexpr std::string_view kPreScoreStateKey = "PreScoreNodeResourcesBalancedAllocation";
// Upstream's default NodeResourcesBalancedAllocationArgs resources.
constexpr std::array<std::string_view, 2> kResources = {kResourceCpu, kResourceMemory};

struct PreScoreState final : StateData
{
    std::vector<std::int64_t> podRequests;
};

std::vector<std::int64_t> requestList(const core::Pod &pod)
{
    const Resource requests = podRequests(pod);
    std::vector<std::int64_t> out;
    for (const std::string_view name : kResources)
        out.push_back(requests.get(name));
    return out;
}

bool isBestEffort(const std::vector<std::int64_t> &requests)
{
    for (const std::int64_t r : requests) {
        if (r != 0)
            return false;
    }
    return true;
}

} // namespace

Result<std::shared_ptr<const Plugin>> BalancedAllocation::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<BalancedAllocation>());
}

std::int64_t BalancedAllocation::balancedScore(const std::vector<std::int64_t> &requested,
                                               const std::vector<std::int64_t> &allocatable)
{
    std::vector<double> fractions;
    double total = 0;
    for (std::size_t i = 0; i < requested.size() && i < allocatable.size(); ++i) {
        if (allocatable[i] == 0)
            continue;
        const double fraction =
            std::min(1.0, static_cast<double>(requested[i]) / static_cast<double>(allocatable[i]));
        total += fraction;
        fractions.push_back(fraction);
    }
    double deviation = 0;
    if (fractions.size() == 2) {
        deviation = std::abs((fractions[0] - fractions[1]) / 2);
    } else if (fractions.size() > 2) {
        const double mean = total / static_cast<double>(fractions.size());
        double sum = 0;
        for (const double f : fractions)
            sum += (f - mean) * (f - mean);
        deviation = std::sqrt(sum / static_cast<double>(fractions.size()));
    }
    return static_cast<std::int64_t>((1 - deviation) * static_cast<double>(kMaxNodeScore));
}

PluginStatus BalancedAllocation::preScore(CycleState &state, const core::Pod &pod, const Snapshot &,
                                          const std::vector<const NodeInfo *> &) const
{
    auto data = std::make_shared<PreScoreState>();
    data->podRequests = requestList(pod);
    if (isBestEffort(data->podRequests))
        return PluginStatus::skip();
    state.write(std::string(kPreScoreStateKey), std::move(data));
    return {};
}

PluginStatus BalancedAllocation::score(const CycleState &state, const core::Pod &pod,
                                       const NodeInfo &nodeInfo, std::int64_t *score) const
{
    const PreScoreState *prepared = state.read<PreScoreState>(kPreScoreStateKey);
    const std::vector<std::int64_t> request = prepared ? prepared->podRequests : requestList(pod);
    if (!prepared && isBestEffort(request)) {
        *score = 0;
        return {};
    }
    std::vector<std::int64_t> requested(kResources.size(), 0);
    std::vector<std::int64_t> allocatable(kResources.size(), 0);
    for (std::size_t i = 0; i < kResources.size(); ++i) {
        const std::int64_t alloc = nodeInfo.allocatable().get(kResources[i]);
        if (alloc == 0)
            continue;
        allocatable[i] = alloc;
        requested[i] = nodeInfo.requested().get(kResources[i]) + request[i];
    }
    *score = balancedScore(requested, allocatable);
    return {};
}

} // namespace kubist::scheduler::plugins
