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

std::int64_t BalancedAllocation::balancedScore(std::span<const std::int64_t> requested,
                                               std::span<const std::int64_t> allocatable)
{
    // Two passes over the fractions instead of a list of them: this runs for
    // every node of every cycle.
    const std::size_t n = std::min(requested.size(), allocatable.size());
    auto fraction = [&](std::size_t i) {
        return std::min(1.0,
                        static_cast<double>(requested[i]) / static_cast<double>(allocatable[i]));
    };
    double total = 0;
    std::size_t count = 0;
    double first = 0;
    double second = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (allocatable[i] == 0)
            continue;
        const double f = fraction(i);
        total += f;
        if (count == 0)
            first = f;
        else if (count == 1)
            second = f;
        ++count;
    }
    double deviation = 0;
    if (count == 2) {
        deviation = std::abs((first - second) / 2);
    } else if (count > 2) {
        const double mean = total / static_cast<double>(count);
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (allocatable[i] != 0)
                sum += (fraction(i) - mean) * (fraction(i) - mean);
        }
        deviation = std::sqrt(sum / static_cast<double>(count));
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
    std::vector<std::int64_t> computed;
    if (!prepared)
        computed = requestList(pod);
    const std::vector<std::int64_t> &request = prepared ? prepared->podRequests : computed;
    if (!prepared && isBestEffort(request)) {
        *score = 0;
        return {};
    }
    std::array<std::int64_t, kResources.size()> requested{};
    std::array<std::int64_t, kResources.size()> allocatable{};
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
