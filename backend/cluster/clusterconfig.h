#pragma once

#include "backend/util/status.h"

#include <string>

namespace kubist::cluster {

// ClusterConfig: what is decided once, when a cluster is created, and kept
// in `<data dir>/cluster.json`: the timing profile and how many workers the
// demo topology got. Later starts read it back, so `--nodes` and
// `--profile` only matter for a new cluster.
struct ClusterConfig
{
    // The most simulated workers a cluster may have: Kubernetes' largest
    // supported cluster size.
    static constexpr int kMaxWorkers = 5000;

    std::string profile = "demo"; // "demo" | "realistic"
    int workers = 3;

    // NotFound when the file does not exist; InvalidArgument (naming the
    // file and what is wrong) when it is not a valid config.
    static Result<ClusterConfig> load(const std::string &file);
    // Written atomically (temporary file, then rename).
    Status save(const std::string &file) const;
};

} // namespace kubist::cluster
