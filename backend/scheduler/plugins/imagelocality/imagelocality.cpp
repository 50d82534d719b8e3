#include "backend/scheduler/plugins/imagelocality/imagelocality.h"

#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/snapshot.h"

#include "core_v1.pb.h"

#include <algorithm>

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;

namespace {

constexpr std::string_view kPreScoreStateKey = "PreScoreImageLocality";
constexpr std::string_view kDefaultDomain = "docker.io";
constexpr std::string_view kLegacyDefaultDomain = "index.docker.io";
constexpr std::string_view kOfficialRepoPrefix = "library/";

struct PreScoreState final : StateData
{
    // Per container (init containers first), the spellings to look up.
    std::vector<std::vector<std::string>> images;
    int totalNumNodes = 0;
};

bool isLower(std::string_view s)
{
    return std::none_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Upstream normalizedImageName: ":latest" when the name has no tag.
std::string upstreamNormalized(std::string_view name)
{
    const auto colon = name.rfind(':');
    const auto slash = name.rfind('/');
    const long colonPos = colon == std::string_view::npos ? -1 : static_cast<long>(colon);
    const long slashPos = slash == std::string_view::npos ? -1 : static_cast<long>(slash);
    std::string out(name);
    if (colonPos <= slashPos)
        out += ":latest";
    return out;
}

void addImages(const google::protobuf::RepeatedPtrField<core::Container> &containers,
               PreScoreState &state)
{
    for (const core::Container &container : containers)
        state.images.push_back(ImageLocality::imageNameVariants(container.image()));
}

std::int64_t sumImageScores(const NodeInfo &nodeInfo, const PreScoreState &state)
{
    const auto &imageStates = nodeInfo.imageStates();
    std::int64_t sum = 0;
    for (const std::vector<std::string> &variants : state.images) {
        for (const std::string &name : variants) {
            const auto it = imageStates.find(std::string_view(name));
            if (it != imageStates.end()) {
                sum += ImageLocality::scaledImageScore(it->second, state.totalNumNodes);
                break;
            }
        }
    }
    return sum;
}

} // namespace

Result<std::shared_ptr<const Plugin>> ImageLocality::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<ImageLocality>());
}

std::string ImageLocality::normalizedImageName(std::string_view image)
{
    if (image.empty())
        return {};
    std::string_view name = image;
    std::string_view digest;
    if (const auto at = name.find('@'); at != std::string_view::npos) {
        digest = name.substr(at);
        name = name.substr(0, at);
    }

    std::string_view domain = kDefaultDomain;
    std::string_view remainder = name;
    const auto slash = name.find('/');
    if (slash != std::string_view::npos) {
        const std::string_view first = name.substr(0, slash);
        const bool isDomain = first.find_first_of(".:") != std::string_view::npos ||
                              first == "localhost" || !isLower(first);
        if (isDomain) {
            domain = first;
            remainder = name.substr(slash + 1);
        }
    }
    if (domain == kLegacyDefaultDomain)
        domain = kDefaultDomain;

    std::string out(domain);
    out += '/';
    if (domain == kDefaultDomain && remainder.find('/') == std::string_view::npos)
        out += kOfficialRepoPrefix;
    out += remainder;

    const auto lastColon = remainder.rfind(':');
    const auto lastSlash = remainder.rfind('/');
    const bool hasTag = lastColon != std::string_view::npos &&
                        (lastSlash == std::string_view::npos || lastColon > lastSlash);
    if (!hasTag && digest.empty())
        out += ":latest";
    out += digest;
    return out;
}

std::string ImageLocality::familiarImageName(std::string_view normalized)
{
    std::string_view name = normalized;
    const std::string prefix = std::string(kDefaultDomain) + "/";
    if (!name.starts_with(prefix))
        return std::string(name);
    name.remove_prefix(prefix.size());
    if (name.starts_with(kOfficialRepoPrefix)) {
        const std::string_view rest = name.substr(kOfficialRepoPrefix.size());
        const std::string_view path = rest.substr(0, rest.find_first_of(":@"));
        if (path.find('/') == std::string_view::npos)
            name = rest;
    }
    return std::string(name);
}

std::vector<std::string> ImageLocality::imageNameVariants(std::string_view image)
{
    std::vector<std::string> variants;
    auto add = [&variants](std::string name) {
        if (!name.empty() && std::find(variants.begin(), variants.end(), name) == variants.end())
            variants.push_back(std::move(name));
    };
    const std::string normalized = normalizedImageName(image);
    add(normalized);
    add(familiarImageName(normalized));
    add(upstreamNormalized(image));
    return variants;
}

std::int64_t ImageLocality::scaledImageScore(const ImageStateSummary &state, int totalNumNodes)
{
    if (totalNumNodes <= 0)
        return state.sizeBytes;
    const double spread = static_cast<double>(state.numNodes) / static_cast<double>(totalNumNodes);
    return static_cast<std::int64_t>(static_cast<double>(state.sizeBytes) * spread);
}

std::int64_t ImageLocality::calculatePriority(std::int64_t sumScores, int numContainers)
{
    const std::int64_t maxThreshold = kMaxContainerThreshold * numContainers;
    if (maxThreshold <= kMinThreshold)
        return 0; // no containers: nothing to favour
    sumScores = std::clamp(sumScores, kMinThreshold, maxThreshold);
    return kMaxNodeScore * (sumScores - kMinThreshold) / (maxThreshold - kMinThreshold);
}

PluginStatus ImageLocality::preScore(CycleState &state, const core::Pod &pod,
                                     const Snapshot &snapshot,
                                     const std::vector<const NodeInfo *> &) const
{
    auto data = std::make_shared<PreScoreState>();
    data->images.reserve(pod.spec().init_containers_size() + pod.spec().containers_size());
    addImages(pod.spec().init_containers(), *data);
    addImages(pod.spec().containers(), *data);
    data->totalNumNodes = static_cast<int>(snapshot.numNodes());
    state.write(std::string(kPreScoreStateKey), std::move(data));
    return {};
}

PluginStatus ImageLocality::score(const CycleState &state, const core::Pod &,
                                  const NodeInfo &nodeInfo, std::int64_t *score) const
{
    const PreScoreState *data = state.read<PreScoreState>(kPreScoreStateKey);
    if (!data)
        return PluginStatus::error("reading \"" + std::string(kPreScoreStateKey) +
                                   "\" from cycleState: not found");
    if (nodeInfo.imageStates().empty()) {
        *score = 0;
        return {};
    }
    *score =
        calculatePriority(sumImageScores(nodeInfo, *data), static_cast<int>(data->images.size()));
    return {};
}

} // namespace kubist::scheduler::plugins
