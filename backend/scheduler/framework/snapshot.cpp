#include "backend/scheduler/framework/snapshot.h"

#include "core_v1.pb.h"

#include <algorithm>
#include <map>
#include <set>

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;

namespace {

std::string podKey(const core::Pod &pod)
{
    if (!pod.metadata().uid().empty())
        return "uid:" + pod.metadata().uid();
    return pod.metadata().namespace_() + "/" + pod.metadata().name();
}

bool isTerminal(const core::Pod &pod)
{
    return pod.status().phase() == "Succeeded" || pod.status().phase() == "Failed";
}

} // namespace

Snapshot Snapshot::build(const std::vector<NodePtr> &nodes, const std::vector<PodPtr> &pods,
                         const std::vector<PodPtr> &assumedPods)
{
    std::map<std::string, NodePtr> byName;
    for (const NodePtr &node : nodes) {
        if (node)
            byName[node->metadata().name()] = node;
    }

    Snapshot snapshot;
    snapshot.m_nodes.reserve(byName.size());
    for (auto &[name, node] : byName) {
        snapshot.m_index.emplace(name, snapshot.m_nodes.size());
        snapshot.m_nodes.emplace_back(node);
    }

    std::set<std::string> assumedKeys;
    for (const PodPtr &pod : assumedPods) {
        if (pod && !pod->spec().node_name().empty())
            assumedKeys.insert(podKey(*pod));
    }
    auto count = [&snapshot](const PodPtr &pod) {
        if (!pod || pod->spec().node_name().empty() || isTerminal(*pod))
            return;
        const auto it = snapshot.m_index.find(pod->spec().node_name());
        if (it != snapshot.m_index.end())
            snapshot.m_nodes[it->second].addPod(pod);
    };
    for (const PodPtr &pod : pods) {
        if (pod && !assumedKeys.contains(podKey(*pod)))
            count(pod);
    }
    for (const PodPtr &pod : assumedPods)
        count(pod);

    // Image states: sizes per node, and how many nodes hold each image.
    std::map<std::string, int, std::less<>> nodesWithImage;
    for (const NodeInfo &info : snapshot.m_nodes) {
        std::set<std::string> seen;
        for (const core::ContainerImage &image : info.node().status().images()) {
            for (const std::string &name : image.names()) {
                if (seen.insert(name).second)
                    ++nodesWithImage[name];
            }
        }
    }
    for (NodeInfo &info : snapshot.m_nodes) {
        std::map<std::string, ImageStateSummary, std::less<>> states;
        for (const core::ContainerImage &image : info.node().status().images()) {
            for (const std::string &name : image.names())
                states[name] = {image.size_bytes(), nodesWithImage[name]};
        }
        info.setImageStates(std::move(states));
    }
    return snapshot;
}

const NodeInfo *Snapshot::get(std::string_view nodeName) const
{
    const auto it = m_index.find(std::string(nodeName));
    return it == m_index.end() ? nullptr : &m_nodes[it->second];
}

} // namespace kubist::scheduler
