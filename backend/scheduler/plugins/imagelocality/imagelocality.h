#pragma once

#include "backend/scheduler/framework/plugin.h"
#include "backend/scheduler/framework/registry.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kubist::scheduler {
struct ImageStateSummary;
}

namespace kubist::scheduler::plugins {

// ImageLocality (upstream plugins/imagelocality, default weight 1): favours
// nodes that already have the images of the pod's containers (init
// containers included).
//  - PreScore stores, once per cycle, the pod's images in the spellings a
//    node may report them under (see imageNameVariants) and the number of
//    nodes in the snapshot. It never skips.
//  - Score: sumImageScores / calculatePriority as upstream: each container
//    whose image the node has adds size * numNodes / totalNumNodes
//    (spread-scaled, so an image on every node counts fully and one on a
//    few nodes little, against "node heating"); the sum is clamped to
//    [23 MiB, 1000 MiB * number of containers] and mapped linearly to
//    [0, 100] (integer arithmetic, rounding down). No NormalizeScore.
//
// Image names. Upstream only appends ":latest" to an untagged name and
// looks it up as is. Here both sides are normalised as a container runtime
// does (docker reference rules): "nginx", "nginx:latest",
// "library/nginx" and "docker.io/library/nginx:latest" all name one image.
// The snapshot keys images by the names the node reports; rather than
// normalise every node's names per cycle, the pod's image is looked up
// under each spelling a node reports in practice: the fully qualified
// name (containerd, CRI-O and Kubist's kubelets), the familiar short name
// (dockershim: "nginx:latest") and upstream's own normalisation of the
// name as written. The first spelling the node has wins.
class ImageLocality final : public PreScorePlugin, public ScorePlugin
{
public:
    static constexpr std::string_view kName = "ImageLocality";
    static constexpr std::int64_t kMb = 1024 * 1024;
    static constexpr std::int64_t kMinThreshold = 23 * kMb;
    static constexpr std::int64_t kMaxContainerThreshold = 1000 * kMb;
    static Result<std::shared_ptr<const Plugin>> create(const PluginContext &context);

    // The fully qualified reference: "[registry/]path[:tag][@digest]" with
    // docker.io as the default registry, "library/" for single-component
    // docker.io paths, "index.docker.io" read as docker.io, and ":latest"
    // when there is neither tag nor digest. "nginx" ->
    // "docker.io/library/nginx:latest"; "gcr.io/x" -> "gcr.io/x:latest".
    static std::string normalizedImageName(std::string_view image);
    // The familiar (short) form of a normalised name: docker.io/library/x
    // -> x, docker.io/y/x -> y/x; other registries unchanged.
    static std::string familiarImageName(std::string_view normalized);
    // The distinct spellings Score looks `image` up under, in order:
    // normalised, familiar, then upstream's (":latest" appended when the
    // last ':' is not after the last '/').
    static std::vector<std::string> imageNameVariants(std::string_view image);

    // Upstream scaledImageScore and calculatePriority.
    static std::int64_t scaledImageScore(const ImageStateSummary &state, int totalNumNodes);
    static std::int64_t calculatePriority(std::int64_t sumScores, int numContainers);

    std::string_view name() const override { return kName; }
    // Its answers depend on the pod and the node alone (see Plugin).
    bool nodeLocal() const override { return true; }
    PluginStatus preScore(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                          const Snapshot &snapshot,
                          const std::vector<const NodeInfo *> &nodes) const override;
    PluginStatus score(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                       const NodeInfo &nodeInfo, std::int64_t *score) const override;
};

} // namespace kubist::scheduler::plugins
