#pragma once

#include "backend/scheduler/framework/pluginstatus.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace k8s::io::api::core::v1 {
class Pod;
}

// The extension points of the scheduling framework (upstream
// framework/interface.go). They are kept in one header, against the
// one-class-per-file habit, because each is a two-line interface and
// they read best side by side, as upstream keeps them.
//
// A plugin is one object implementing any subset of the extension points
// (the framework finds them with dynamic_cast). Plugins are pure functions
// of their arguments: every method is const and must not keep state
// between calls (per-cycle data goes into CycleState), so one plugin
// instance may serve several frameworks and threads at once.

namespace kubist::scheduler {

class CycleState;
class NodeInfo;
class Snapshot;
struct PodInfo;

inline constexpr std::int64_t kMaxNodeScore = 100;
inline constexpr std::int64_t kMinNodeScore = 0;

// A pod waiting in the scheduling queue.
struct QueuedPodInfo
{
    std::shared_ptr<const k8s::io::api::core::v1::Pod> pod;
    // When the pod was added to the queue (cluster clock).
    std::chrono::system_clock::time_point timestamp;
    int attempts = 0;
};

// One node's score from one Score plugin. `name` points at the node's name
// in the snapshot (valid as long as the snapshot is unchanged).
struct NodeScore
{
    std::string_view name;
    std::int64_t score = 0;
    bool operator==(const NodeScore &) const = default;
};

// Which nodes a PreFilter plugin lets through (upstream PreFilterResult):
// nullopt is every node; a set narrows Filter to those names.
struct PreFilterResult
{
    std::optional<std::set<std::string>> nodeNames;

    bool allNodes() const { return !nodeNames.has_value(); }
    // The intersection of both (every node when both are every node).
    PreFilterResult merge(const PreFilterResult &other) const;
};

// What a PostFilter plugin achieved (e.g. preemption nominates a node).
struct PostFilterResult
{
    std::string nominatedNodeName;
};

// The failing status of each node that did not pass Filter, by node name.
using NodeStatusMap = std::map<std::string, PluginStatus, std::less<>>;

class Plugin
{
public:
    virtual ~Plugin() = default;
    virtual std::string_view name() const = 0;
    // True when the plugin's Filter and Score answers for a node are a
    // function of the pod's namespace and spec and of that node's NodeInfo
    // alone (what NodeInfo::generation() covers, plus the number of nodes
    // in the snapshot), and its PreFilter and PreScore answers a function of
    // the pod's namespace and spec (and the number of nodes) alone. The
    // framework then reuses the answers it got for an earlier pod with an
    // equal namespace and spec on the nodes that have not changed since (an
    // equivalence cache: the pods of one ReplicaSet are scheduled one after
    // another and differ in name and labels only). False, the default, for
    // a plugin that looks at other nodes, other pods, the pod's labels or
    // anything else.
    virtual bool nodeLocal() const { return false; }
};

// Orders the scheduling queue: true when a should be scheduled before b.
class QueueSortPlugin : public virtual Plugin
{
public:
    virtual bool less(const QueuedPodInfo &a, const QueuedPodInfo &b) const = 0;
};

// Runs once per cycle before Filter. Returns Skip when its Filter has
// nothing to check for this pod, a rejection (Unschedulable...) to turn the
// pod down on every node, Error on internal failure. May narrow the nodes
// through *result (which starts as every node).
class PreFilterPlugin : public virtual Plugin
{
public:
    virtual PluginStatus preFilter(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                   const Snapshot &snapshot, PreFilterResult *result) const = 0;
};

// Decides whether the pod fits one node: Success, or a rejection with the
// reasons shown to users ("node(s) were unschedulable").
class FilterPlugin : public virtual Plugin
{
public:
    virtual PluginStatus filter(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                const NodeInfo &nodeInfo) const = 0;
};

// Runs when no node passed Filter (e.g. preemption). Success with
// result->nominatedNodeName set when it made room somewhere; a rejection
// whose message is appended to the FitError message otherwise.
class PostFilterPlugin : public virtual Plugin
{
public:
    virtual PluginStatus postFilter(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                    const Snapshot &snapshot, const NodeStatusMap &filtered,
                                    PostFilterResult *result) const = 0;
};

// Runs once before Score with the feasible nodes (`nodes`, a subset of
// `snapshot`, in snapshot order); Skip turns its Score off.
class PreScorePlugin : public virtual Plugin
{
public:
    virtual PluginStatus preScore(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                  const Snapshot &snapshot,
                                  const std::vector<const NodeInfo *> &nodes) const = 0;
};

// Optional companion of a PreFilterPlugin whose PreFilter state depends on
// the pods in the cluster (upstream PreFilterExtensions): preemption asks
// "what if `podInfo` were added to / removed from `nodeInfo`" and the plugin
// updates its state in `state` (a clone made by CycleState::clone(), so the
// plugin's StateData must implement clone()). Called only after the
// plugin's PreFilter returned Success on the same state. `nodeInfo` is the
// node as it was before the change.
class PreFilterExtensions : public virtual Plugin
{
public:
    virtual PluginStatus addPod(CycleState &state, const k8s::io::api::core::v1::Pod &podToSchedule,
                                const PodInfo &podInfo, const NodeInfo &nodeInfo) const = 0;
    virtual PluginStatus removePod(CycleState &state,
                                   const k8s::io::api::core::v1::Pod &podToSchedule,
                                   const PodInfo &podInfo, const NodeInfo &nodeInfo) const = 0;
};

// Rates one feasible node. After every node is scored, normalizeScore()
// may rescale the list (in node order) to [kMinNodeScore, kMaxNodeScore];
// the default leaves it as it is. The framework then checks the range and
// multiplies by the plugin's weight.
class ScorePlugin : public virtual Plugin
{
public:
    virtual PluginStatus score(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                               const NodeInfo &nodeInfo, std::int64_t *score) const = 0;
    // What score() says of each of `nodes`, into scores[i] (`scores` holds
    // nodes.size() values), in one call: the framework scores a cycle's
    // feasible nodes this way, so a plugin whose score is a table lookup can
    // read its state once instead of once per node. The default calls
    // score() node by node and returns the first status that is not
    // Success (the later nodes are then not scored).
    virtual PluginStatus scoreNodes(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                    const std::vector<const NodeInfo *> &nodes,
                                    std::int64_t *scores) const;
    virtual PluginStatus normalizeScore(const CycleState &state,
                                        const k8s::io::api::core::v1::Pod &pod,
                                        std::vector<NodeScore> &scores) const;
};

// Claims per-node resources for the chosen node before binding; unreserve
// undoes it when a later step fails (must be idempotent).
class ReservePlugin : public virtual Plugin
{
public:
    virtual PluginStatus reserve(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                                 const std::string &nodeName) const = 0;
    virtual void unreserve(CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                           const std::string &nodeName) const = 0;
};

// Binds the pod to the node. Skip hands the pod to the next bind plugin.
class BindPlugin : public virtual Plugin
{
public:
    virtual PluginStatus bind(const CycleState &state, const k8s::io::api::core::v1::Pod &pod,
                              const std::string &nodeName) const = 0;
};

} // namespace kubist::scheduler
