#pragma once

#include "backend/util/status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace k8s::io::api::core::v1 {
class Node;
class Pod;
} // namespace k8s::io::api::core::v1

namespace kubist::scheduler {
class ClusterLister;
}

namespace kubist::model {

class ClusterModel;

// What the scheduler would say about one node for one pod.
struct NodeVerdict
{
    struct Score
    {
        std::string plugin;
        std::int64_t weighted = 0; // normalized * weight
        std::int64_t weight = 1;
        bool skipped = false;
    };
    std::string node;
    bool feasible = false;
    std::string plugin; // infeasible: the Filter (or PreFilter) plugin that refused
    std::string reason; // infeasible: its reasons, joined ("node(s) had untolerated taint ...")
    std::vector<Score> scores;
    std::int64_t total = 0;
    bool winner = false;
};

// "Why it sits where it sits": the default scheduling profile run for one
// pod against a snapshot of nodes and pods, node by node.
struct PlacementVerdicts
{
    std::string podKey;
    std::string currentNode; // where the pod is bound now ("" when pending)
    std::string winner;      // the node the scheduler would pick; "" when none fits
    std::string fitError;    // why no node fits (the FitError's message)
    // The scheduler's own record of the decision that placed the pod (its
    // kubist.io/scheduling-decision annotation) as a sentence, e.g. "placed
    // on worker-3 (score 187; 3 nodes evaluated, 2 feasible; runner-up
    // worker-1 at 185; turned down: NodeUnschedulable 1)"; "" when the pod
    // has none (pending, or placed by another scheduler).
    std::string recordedDecision;
    std::vector<NodeVerdict> nodes; // every node, by name

    const NodeVerdict *find(const std::string &node) const;
    std::vector<std::string> feasibleNodes() const;
};

// Runs Framework::schedulePod (registerDefaultPlugins + defaultProfile,
// built once and shared; thread-safe; preemption only computes, it never
// acts) for `pod` as if it were unbound: its spec.nodeName is cleared and
// the pod itself (by uid, else by namespace / name) is left out of the
// snapshot built from `nodes` and `pods`, with `lister` (may be null: no
// Services, ReplicaSets, namespaces or budgets) for the plugins that look
// further. Ties go to the node whose name sorts first (the framework's
// default). Errors: a plugin's Internal error, or the framework failing to
// build.
Result<PlacementVerdicts> computePlacementVerdicts(
    const k8s::io::api::core::v1::Pod &pod,
    const std::vector<std::shared_ptr<const k8s::io::api::core::v1::Node>> &nodes,
    const std::vector<std::shared_ptr<const k8s::io::api::core::v1::Pod>> &pods,
    std::shared_ptr<const scheduler::ClusterLister> lister = nullptr);

// The recorded decision of `pod` as a sentence (see
// PlacementVerdicts::recordedDecision); "" without one or when unreadable.
std::string recordedDecision(const k8s::io::api::core::v1::Pod &pod);

// The same over the model's last frame (GUI thread), with the model's
// Services and ReplicaSets as the lister (so default spreading is judged as
// the scheduler judges it). NotFound for an unknown pod key.
Result<PlacementVerdicts> computePlacementVerdicts(const ClusterModel &model,
                                                   const std::string &podKey);

// One line per node for the inspector ("worker-1  ✓ total 187 (TaintToleration
// 300, ...)  ← wins" / "master  ✗ TaintToleration: ...").
std::string describeVerdicts(const PlacementVerdicts &v);

} // namespace kubist::model
