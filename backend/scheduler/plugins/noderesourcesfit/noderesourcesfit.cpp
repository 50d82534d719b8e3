#include "backend/scheduler/plugins/noderesourcesfit/noderesourcesfit.h"

#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/podresources.h"

#include "core_v1.pb.h"

#include <array>

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;

namespace {

constexpr std::string_view kPreFilterStateKey = "PreFilterNodeResourcesFit";
constexpr std::string_view kPreScoreStateKey = "PreScoreNodeResourcesFit";

struct RequestState final : StateData
{
    Resource requests;
};

struct ResourceWeight
{
    std::string_view name;
    std::int64_t weight;
};
// Upstream's default NodeResourcesFitArgs scoring resources.
constexpr std::array<ResourceWeight, 2> kScoringResources = {{
    {kResourceCpu, 1},
    {kResourceMemory, 1},
}};

} // namespace

Result<std::shared_ptr<const Plugin>> NodeResourcesFit::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<NodeResourcesFit>());
}

std::vector<NodeResourcesFit::InsufficientResource>
NodeResourcesFit::fitsRequest(const Resource &podRequest, const NodeInfo &nodeInfo)
{
    std::vector<InsufficientResource> out;
    const Resource &allocatable = nodeInfo.allocatable();
    const Resource &requested = nodeInfo.requested();
    const auto podCount = static_cast<std::int64_t>(nodeInfo.pods().size());
    if (podCount + 1 > allocatable.allowedPodNumber) {
        out.push_back({std::string(kResourcePods), std::string(kErrReasonTooManyPods), 1, podCount,
                       allocatable.allowedPodNumber});
    }
    if (podRequest.milliCpu == 0 && podRequest.memory == 0 && podRequest.ephemeralStorage == 0 &&
        podRequest.scalarResources.empty())
        return out;

    auto check = [&](std::string_view name, std::int64_t want) {
        const std::int64_t used = requested.get(name);
        const std::int64_t capacity = allocatable.get(name);
        if (want > 0 && want > capacity - used)
            out.push_back(
                {std::string(name), "Insufficient " + std::string(name), want, used, capacity});
    };
    check(kResourceCpu, podRequest.milliCpu);
    check(kResourceMemory, podRequest.memory);
    check(kResourceEphemeralStorage, podRequest.ephemeralStorage);
    for (const auto &[name, want] : podRequest.scalarResources)
        check(name, want);
    return out;
}

std::int64_t NodeResourcesFit::leastRequestedScore(std::int64_t requested, std::int64_t capacity)
{
    if (capacity == 0 || requested > capacity)
        return 0;
    return (capacity - requested) * kMaxNodeScore / capacity;
}

PluginStatus NodeResourcesFit::preFilter(CycleState &state, const core::Pod &pod, const Snapshot &,
                                         PreFilterResult *) const
{
    auto data = std::make_shared<RequestState>();
    data->requests = podRequests(pod);
    state.write(std::string(kPreFilterStateKey), std::move(data));
    return {};
}

PluginStatus NodeResourcesFit::filter(const CycleState &state, const core::Pod &pod,
                                      const NodeInfo &nodeInfo) const
{
    const RequestState *prepared = state.read<RequestState>(kPreFilterStateKey);
    Resource computed;
    if (!prepared)
        computed = podRequests(pod);
    const Resource &request = prepared ? prepared->requests : computed;
    const std::vector<InsufficientResource> missing = fitsRequest(request, nodeInfo);
    if (missing.empty())
        return {};
    std::vector<std::string> reasons;
    reasons.reserve(missing.size());
    for (const InsufficientResource &r : missing)
        reasons.push_back(r.reason);
    return PluginStatus::unschedulable(std::move(reasons));
}

PluginStatus NodeResourcesFit::preScore(CycleState &state, const core::Pod &pod, const Snapshot &,
                                        const std::vector<const NodeInfo *> &) const
{
    auto data = std::make_shared<RequestState>();
    data->requests = podRequests(pod, {.nonZeroDefaults = true});
    state.write(std::string(kPreScoreStateKey), std::move(data));
    return {};
}

PluginStatus NodeResourcesFit::score(const CycleState &state, const core::Pod &pod,
                                     const NodeInfo &nodeInfo, std::int64_t *score) const
{
    const RequestState *prepared = state.read<RequestState>(kPreScoreStateKey);
    Resource computed;
    if (!prepared)
        computed = podRequests(pod, {.nonZeroDefaults = true});
    const Resource &request = prepared ? prepared->requests : computed;
    std::int64_t total = 0;
    std::int64_t weightSum = 0;
    for (const ResourceWeight &resource : kScoringResources) {
        const std::int64_t allocatable = nodeInfo.allocatable().get(resource.name);
        if (allocatable == 0)
            continue;
        const std::int64_t requested =
            nodeInfo.nonZeroRequested().get(resource.name) + request.get(resource.name);
        total += leastRequestedScore(requested, allocatable) * resource.weight;
        weightSum += resource.weight;
    }
    *score = weightSum == 0 ? 0 : total / weightSum;
    return {};
}

} // namespace kubist::scheduler::plugins
