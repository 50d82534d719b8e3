#pragma once

#include "backend/scheduler/framework/clusterlister.h"
#include "backend/scheduler/framework/nodeinfo.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kubist::scheduler {

// Snapshot is the scheduler's view of the cluster for one scheduling cycle
// (upstream cache.Snapshot): a NodeInfo per node, computed once.
//
// build() counts each pod on the node named by its spec.nodeName. Pods
// without a node (pending), pods whose node is not in the list, and
// terminal pods (status.phase Succeeded or Failed, which the scheduler's
// informer leaves out) are not counted. `assumedPods` are pods the
// scheduler has placed but the API does not show bound yet: each must have
// spec.nodeName set (others are ignored) and replaces any pod of `pods`
// with the same uid (or namespace/name when the uid is empty).
//
// Nodes are kept sorted by name; that order is the order Filter and Score
// visit them and the order of every per-node list in results.
//
// Changing a snapshot in place (the scheduler's cache keeps one up to date
// between cycles instead of building one per pod): mutableNode() to add or
// remove pods, upsertNode() / removeNode() for nodes, then commit() before
// the snapshot is read again (it restores name order and the index, and
// recomputes image states when nodes changed).
//
// Thread-safety: const methods may run concurrently; the mutators need
// exclusive access. Holds the given shared pointers, so the objects stay
// alive as long as the snapshot.
class Snapshot final
{
public:
    using NodePtr = std::shared_ptr<const k8s::io::api::core::v1::Node>;
    using PodPtr = std::shared_ptr<const k8s::io::api::core::v1::Pod>;

    // An empty snapshot (no nodes).
    Snapshot() = default;

    // Null pointers are skipped; of two nodes with one name the last wins.
    static Snapshot build(const std::vector<NodePtr> &nodes, const std::vector<PodPtr> &pods,
                          const std::vector<PodPtr> &assumedPods = {});

    const std::vector<NodeInfo> &nodeInfos() const { return m_nodes; }

    // See the class comment. nullptr when no node has that name (nodes
    // upserted since the last commit() are found too).
    NodeInfo *mutableNode(std::string_view nodeName);
    // Adds the node, or replaces the node object of an existing one (its
    // pods stay).
    void upsertNode(NodePtr node);
    // Removes the node and the pods counted on it; false when it is unknown.
    bool removeNode(std::string_view nodeName);
    void commit();
    // nullptr when no node has that name.
    const NodeInfo *get(std::string_view nodeName) const;
    std::size_t numNodes() const { return m_nodes.size(); }

    // Each node's value of label `labelKey` as a small number (upstream's
    // topology domain), so plugins asking "which zone is this node in" of
    // every node in every cycle compare integers instead of strings.
    // Computed on first use and kept up to date as node labels change;
    // shared by copies of the snapshot. Thread-safe; the result is an
    // immutable copy, valid as long as the caller holds it.
    struct Domains
    {
        std::vector<std::int32_t> ofNode; // by node index; -1: no such label
        std::vector<std::string> names;   // by number: the label value
    };
    std::shared_ptr<const Domains> domains(std::string_view labelKey) const;

    // Per node (by index), `count(node)`, remembered per node under
    // `question` until the node changes (NodeInfo::generation), so that a
    // question asked of every node in every cycle (PodTopologySpread's
    // "pods in namespace N matching selector S") is counted again only on
    // the nodes that changed since it was last asked. `question` must
    // identify what `count` computes completely. Writes numNodes() values
    // to `out`. Thread-safe (`count` may be called under the cache's lock);
    // shared by copies of the snapshot; the answers of the least recently
    // asked questions are dropped beyond a bound.
    using NodeCount = std::function<std::int32_t(const NodeInfo &)>;
    void countPerNode(std::string_view question, const NodeCount &count,
                      std::vector<std::int32_t> &out) const;

    // The other objects plugins may look up (ClusterLister::empty() unless
    // set).
    const ClusterLister &lister() const { return *m_lister; }
    void setLister(std::shared_ptr<const ClusterLister> lister)
    {
        m_lister = lister ? std::move(lister) : ClusterLister::empty();
    }

private:
    struct Derived;

    std::vector<NodeInfo> m_nodes;
    std::unordered_map<std::string, std::size_t> m_index;
    std::shared_ptr<const ClusterLister> m_lister = ClusterLister::empty();
    bool m_orderDirty = false;  // nodes appended or removed since commit()
    bool m_imagesDirty = false; // node objects changed since commit()
    // domains() and countPerNode() answers (never null; shared by copies).
    std::shared_ptr<Derived> m_derived = makeDerived();
    static std::shared_ptr<Derived> makeDerived();
};

} // namespace kubist::scheduler
