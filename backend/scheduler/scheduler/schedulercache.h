#pragma once

#include "backend/scheduler/framework/snapshot.h"

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace k8s::io::api::core::v1 {
class Node;
class Pod;
} // namespace k8s::io::api::core::v1

namespace kubist::scheduler {

// SchedulerCache: the scheduler's picture of which pods sit on which nodes
// (upstream internal/cache), kept as one Snapshot that is brought up to date
// at the start of each cycle instead of built anew: a cycle costs what
// changed since the last one, not the size of the cluster.
//
// Informer handlers report changes from their threads (onNode*, onPod*);
// they are queued. The scheduler thread calls snapshot(), which applies the
// queued changes in order and returns the snapshot for the cycle.
//
// What counts on a node: pods with spec.nodeName naming it that are not
// terminal (phase Succeeded/Failed), as Snapshot::build. A pod whose node is
// not known yet waits and is counted when the node arrives. Assumed pods
// (bound by the scheduler, not yet seen bound through the watch) count on
// their node; the informer's copy of the pod replaces the assumed one once
// it shows the pod bound (or deleted), and an unbound informer copy does
// not undo an assumption. forget() undoes one (a failed bind).
//
// Pods are identified by namespace/name.
//
// Thread-safety: on*, assume and forget from any thread; snapshot() and the
// returned reference only on one thread (the scheduler's), which may change
// the snapshot in place (mutableNode) as long as it restores it before the
// next snapshot() call.
class SchedulerCache final
{
public:
    using NodePtr = std::shared_ptr<const k8s::io::api::core::v1::Node>;
    using PodPtr = std::shared_ptr<const k8s::io::api::core::v1::Pod>;

    void onNodeAddOrUpdate(NodePtr node);
    void onNodeDelete(const std::string &name);
    void onPodAddOrUpdate(PodPtr pod);
    void onPodDelete(const std::string &key);
    // `pod` carries the chosen spec.nodeName.
    void assume(PodPtr pod);
    void forget(const std::string &key);

    Snapshot &snapshot();

    // Pods counted on nodes (applied changes only); for tests.
    std::size_t numCountedPods();

private:
    struct Change
    {
        enum class Kind { NodeUpsert, NodeDelete, PodUpsert, PodDelete, Assume, Forget };
        Kind kind = Kind::PodUpsert;
        NodePtr node;
        PodPtr pod;
        std::string key;
    };
    struct Entry
    {
        PodPtr pod;           // the copy counted (or waiting for its node)
        bool counted = false; // added to the NodeInfo of pod->spec().nodeName
        bool assumed = false;
    };

    void push(Change change);
    void apply(Change &change);
    void place(const std::string &key, Entry &entry);
    void unplace(const std::string &key, Entry &entry);

    std::mutex m_mutex; // guards m_pending
    std::vector<Change> m_pending;

    // Scheduler thread only.
    Snapshot m_snapshot;
    std::unordered_map<std::string, Entry> m_pods;
    // Pods naming a node the snapshot does not have, by node name.
    std::unordered_map<std::string, std::unordered_set<std::string>> m_waiting;
};

} // namespace kubist::scheduler
