#pragma once

#include "backend/scheduler/framework/clusterlister.h"
#include "backend/scheduler/framework/nodeinfo.h"

#include <algorithm>
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
// recomputes image states when nodes changed). A node's pods change only
// through the pointer mutableNode() returns, before the snapshot is next
// read (queried or copied); its node object only through upsertNode(). The
// snapshot logs which nodes were handed out that way, so the derived
// answers below (domains(), countPerNode()) look again only at those.
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
    // the nodes that changed since it was last asked (found through the
    // snapshot's change log, without visiting the others). `question` must
    // identify what `count` computes completely. With `groupBy` (a label
    // key), also the sums of the counts per domain of that label, kept up
    // to date the same way. Thread-safe (`count` may be called under the
    // cache's lock); shared by copies of the snapshot; the answers of the
    // least recently asked questions are dropped beyond a bound. The result
    // is an immutable copy, valid as long as the caller holds it.
    using NodeCount = std::function<std::int32_t(const NodeInfo &)>;
    struct Counts
    {
        std::vector<std::int32_t> perNode; // by node index
        std::int64_t total = 0;            // the sum of perNode
        // With groupBy only: domains(groupBy) as of this answer; the sum of
        // perNode over the nodes in each of its domains (by number) and
        // over the nodes without the label; how many nodes are in each.
        std::shared_ptr<const Domains> domains;
        std::vector<std::int64_t> perDomain;
        std::int64_t withoutLabel = 0;
        std::vector<std::int32_t> nodesPerDomain;
        std::int32_t nodesWithoutLabel = 0;
    };
    std::shared_ptr<const Counts> countPerNode(std::string_view question, const NodeCount &count,
                                               std::string_view groupBy = {}) const;

    // Identifies the state of every node (pods and node objects): a number
    // no other state of any snapshot had. Copies share it until one of them
    // changes.
    std::uint64_t version() const { return m_version; }
    // Calls `visit(index)` for every node that may have changed since this
    // snapshot's nodes were in state `version` (some that did not may be
    // visited too) and returns true; false, without visiting, when the log
    // does not reach back that far (or `version` is of another snapshot):
    // then any node may have changed, and indexes may have moved.
    template<class Visit> bool changedSince(std::uint64_t version, Visit visit) const
    {
        if (version == m_version)
            return true;
        std::size_t from = 0;
        if (version != m_logStart) {
            const auto it =
                std::lower_bound(m_log.begin(), m_log.end(), version,
                                 [](const LogEntry &e, std::uint64_t v) { return e.version < v; });
            if (it == m_log.end() || it->version != version)
                return false;
            from = static_cast<std::size_t>(it - m_log.begin()) + 1;
        }
        for (std::size_t i = from; i < m_log.size(); ++i)
            visit(std::size_t(m_log[i].node));
        return true;
    }

    // The other objects plugins may look up (ClusterLister::empty() unless
    // set).
    const ClusterLister &lister() const { return *m_lister; }
    void setLister(std::shared_ptr<const ClusterLister> lister)
    {
        m_lister = lister ? std::move(lister) : ClusterLister::empty();
    }

private:
    struct Derived;
    // The change log: versions taken since m_logStart (increasing), each
    // with the node it was taken for.
    struct LogEntry
    {
        std::uint64_t version = 0;
        std::uint32_t node = 0;
    };
    // A new version() for a change of node `index`.
    void logChange(std::size_t index);
    // A new version() for a change that may move indexes or touch any node.
    void restartLog();
    std::shared_ptr<const Domains> domainsLocked(std::string_view labelKey) const;

    std::uint64_t m_version = 0;
    std::uint64_t m_logStart = 0;
    std::vector<LogEntry> m_log;
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
