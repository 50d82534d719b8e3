#pragma once

#include "backend/scheduler/framework/resource.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace k8s::io::api::core::v1 {
class Node;
class Pod;
} // namespace k8s::io::api::core::v1

namespace kubist::scheduler {

// A pod counted on a node, with its requests computed once.
struct PodInfo
{
    std::shared_ptr<const k8s::io::api::core::v1::Pod> pod;
    Resource requests;        // podRequests(pod)
    Resource nonZeroRequests; // podRequests(pod, {.nonZeroDefaults = true})
    // spec.affinity has podAffinity or podAntiAffinity terms (required or
    // preferred); has required (hard) podAntiAffinity terms.
    bool hasAffinity = false;
    bool hasRequiredAntiAffinity = false;

    // Computes the fields above from `pod` (not null).
    static PodInfo make(std::shared_ptr<const k8s::io::api::core::v1::Pod> pod);
};

// A host port taken on a node by a pod's container (hostPort > 0); ip
// defaults to "0.0.0.0" and protocol to "TCP", as upstream HostPortInfo.
struct HostPort
{
    std::string ip;
    std::string protocol;
    std::int32_t port = 0;
    bool operator==(const HostPort &) const = default;
};

// What the snapshot knows about one container image across the cluster
// (upstream ImageStateSummary): its size and on how many nodes it is.
// Image names are taken as the node reports them (no tag normalisation yet).
struct ImageStateSummary
{
    std::int64_t sizeBytes = 0;
    int numNodes = 0;
};

// NodeInfo is a node with everything the scheduler derives from the pods
// on it (upstream framework.NodeInfo): its pods, the sum of their requests
// (exact, and with the scoring defaults for pods that name no cpu/memory),
// its allocatable resources, the host ports in use and the images it has.
//
// Built by Snapshot; immutable once the snapshot is built, so plugins may
// read it from any thread.
class NodeInfo final
{
public:
    // Precondition: node != nullptr.
    explicit NodeInfo(std::shared_ptr<const k8s::io::api::core::v1::Node> node);

    // Counts `pod` on this node: appends it and adds its requests and host
    // ports.
    void addPod(std::shared_ptr<const k8s::io::api::core::v1::Pod> pod);
    void addPodInfo(PodInfo info);
    // Takes the pod with this uid (or, for an empty uid, namespace/name) off
    // the node, with its requests and host ports. False when it is not here.
    bool removePod(const k8s::io::api::core::v1::Pod &pod);
    // Replaces the node object (labels, taints, allocatable, images), keeping
    // the pods.
    void setNode(std::shared_ptr<const k8s::io::api::core::v1::Node> node);

    const k8s::io::api::core::v1::Node &node() const { return *m_node; }
    const std::shared_ptr<const k8s::io::api::core::v1::Node> &nodePtr() const { return m_node; }
    const std::string &name() const { return *m_name; }
    // The same, read from the NodeInfo itself (not the node object): the
    // framework lists every node's name in every cycle.
    std::string_view nameView() const { return m_nameView; }
    // The node's label `key`, or nullptr: a scan of a flat copy of the
    // labels, cheaper than the protobuf map for a node's handful of labels
    // (plugins ask for topology keys on every node in every cycle).
    const std::string *label(std::string_view key) const
    {
        for (const auto &[k, v] : m_labels) {
            if (k.size() == key.size() && k == key)
                return v;
        }
        return nullptr;
    }

    const std::vector<PodInfo> &pods() const { return m_pods; }
    // Sum of the pods' exact requests.
    const Resource &requested() const { return m_requested; }
    // Sum of the pods' requests with cpu/memory defaults (scoring only).
    const Resource &nonZeroRequested() const { return m_nonZeroRequested; }
    // node.status.allocatable (pods included, as allowedPodNumber).
    const Resource &allocatable() const { return m_allocatable; }
    const std::vector<HostPort> &usedPorts() const { return m_usedPorts; }
    // How many of pods() have hasAffinity / hasRequiredAntiAffinity set (so
    // inter-pod affinity can skip nodes without such pods).
    int numPodsWithAffinity() const { return m_podsWithAffinity; }
    int numPodsWithRequiredAntiAffinity() const { return m_podsWithRequiredAntiAffinity; }
    // Identifies the node's current contents (its pods, node object and
    // image states):
    // a number no other state of any NodeInfo had, taken again by every
    // change. Copies share it until one of them changes, so a cache keyed by
    // it (Snapshot::countPerNode) is right for every copy.
    std::uint64_t generation() const { return m_generation; }
    // The same for the node's labels alone (taken again only when a new
    // node object brings different labels).
    std::uint64_t labelsGeneration() const { return m_labelsGeneration; }

    const std::map<std::string, ImageStateSummary, std::less<>> &imageStates() const
    {
        return m_imageStates;
    }
    // Set by Snapshot once every node is known.
    void setImageStates(std::map<std::string, ImageStateSummary, std::less<>> states)
    {
        m_imageStates = std::move(states);
        changed();
    }
    // Sets each image's numNodes to count(name) (the images stay); a change
    // of any count is a change of the node (generation()).
    template<class Count> void updateImageNodeCounts(Count count)
    {
        bool any = false;
        for (auto &[name, state] : m_imageStates) {
            const int numNodes = count(name);
            any = any || numNodes != state.numNodes;
            state.numNodes = numNodes;
        }
        if (any)
            changed();
    }

private:
    void changed();

    // First, so that what a cycle reads of every node shares a cache line.
    std::uint64_t m_generation = 0;
    std::uint64_t m_labelsGeneration = 0;
    std::string_view m_nameView; // *m_name
    std::shared_ptr<const k8s::io::api::core::v1::Node> m_node;
    const std::string *m_name = nullptr; // m_node's metadata.name
    // m_node's labels (views into it).
    std::vector<std::pair<std::string_view, const std::string *>> m_labels;
    std::vector<PodInfo> m_pods;
    Resource m_requested;
    Resource m_nonZeroRequested;
    Resource m_allocatable;
    std::vector<HostPort> m_usedPorts;
    std::map<std::string, ImageStateSummary, std::less<>> m_imageStates;
    int m_podsWithAffinity = 0;
    int m_podsWithRequiredAntiAffinity = 0;
};

} // namespace kubist::scheduler
