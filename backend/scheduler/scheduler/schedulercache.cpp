#include "backend/scheduler/scheduler/schedulercache.h"

#include "core_v1.pb.h"

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;

namespace {

bool countable(const core::Pod &pod)
{
    const std::string &phase = pod.status().phase();
    return !pod.spec().node_name().empty() && phase != "Succeeded" && phase != "Failed";
}

} // namespace

void SchedulerCache::push(Change change)
{
    std::lock_guard lock(m_mutex);
    m_pending.push_back(std::move(change));
}

void SchedulerCache::onNodeAddOrUpdate(NodePtr node)
{
    if (node)
        push({Change::Kind::NodeUpsert, std::move(node), nullptr, {}});
}

void SchedulerCache::onNodeDelete(const std::string &name)
{
    push({Change::Kind::NodeDelete, nullptr, nullptr, name});
}

void SchedulerCache::onPodAddOrUpdate(PodPtr pod)
{
    if (pod)
        push({Change::Kind::PodUpsert, nullptr, std::move(pod), {}});
}

void SchedulerCache::onPodDelete(const std::string &key)
{
    push({Change::Kind::PodDelete, nullptr, nullptr, key});
}

void SchedulerCache::assume(PodPtr pod)
{
    if (pod)
        push({Change::Kind::Assume, nullptr, std::move(pod), {}});
}

void SchedulerCache::forget(const std::string &key)
{
    push({Change::Kind::Forget, nullptr, nullptr, key});
}

Snapshot &SchedulerCache::snapshot()
{
    std::vector<Change> pending;
    {
        std::lock_guard lock(m_mutex);
        pending.swap(m_pending);
    }
    for (Change &change : pending)
        apply(change);
    m_snapshot.commit();
    return m_snapshot;
}

std::size_t SchedulerCache::numCountedPods()
{
    snapshot();
    std::size_t n = 0;
    for (const NodeInfo &info : m_snapshot.nodeInfos())
        n += info.pods().size();
    return n;
}

void SchedulerCache::place(const std::string &key, Entry &entry)
{
    entry.counted = false;
    if (!countable(*entry.pod))
        return;
    const std::string &nodeName = entry.pod->spec().node_name();
    if (NodeInfo *info = m_snapshot.mutableNode(nodeName)) {
        info->addPod(entry.pod);
        entry.counted = true;
    } else {
        m_waiting[nodeName].insert(key);
    }
}

void SchedulerCache::unplace(const std::string &key, Entry &entry)
{
    if (!entry.pod)
        return;
    const std::string &nodeName = entry.pod->spec().node_name();
    if (entry.counted) {
        if (NodeInfo *info = m_snapshot.mutableNode(nodeName))
            info->removePod(*entry.pod);
    } else if (const auto it = m_waiting.find(nodeName); it != m_waiting.end()) {
        it->second.erase(key);
        if (it->second.empty())
            m_waiting.erase(it);
    }
    entry.counted = false;
}

void SchedulerCache::apply(Change &change)
{
    switch (change.kind) {
    case Change::Kind::NodeUpsert: {
        const std::string name = change.node->metadata().name();
        const bool known = m_snapshot.mutableNode(name) != nullptr;
        m_snapshot.upsertNode(std::move(change.node));
        if (known)
            return;
        const auto waiting = m_waiting.find(name);
        if (waiting == m_waiting.end())
            return;
        NodeInfo *info = m_snapshot.mutableNode(name);
        for (const std::string &key : waiting->second) {
            Entry &entry = m_pods[key];
            info->addPod(entry.pod);
            entry.counted = true;
        }
        m_waiting.erase(waiting);
        return;
    }
    case Change::Kind::NodeDelete: {
        const NodeInfo *info = m_snapshot.mutableNode(change.key);
        if (!info)
            return;
        std::unordered_set<std::string> &waiting = m_waiting[change.key];
        for (const PodInfo &p : info->pods()) {
            const std::string key = p.pod->metadata().namespace_() + "/" + p.pod->metadata().name();
            if (auto it = m_pods.find(key); it != m_pods.end())
                it->second.counted = false;
            waiting.insert(key);
        }
        m_snapshot.removeNode(change.key);
        return;
    }
    case Change::Kind::PodUpsert:
    case Change::Kind::Assume: {
        const std::string key =
            change.pod->metadata().namespace_() + "/" + change.pod->metadata().name();
        const bool assume = change.kind == Change::Kind::Assume;
        Entry &entry = m_pods[key];
        // An assumption stands until the informer shows the pod bound.
        if (!assume && entry.assumed && change.pod->spec().node_name().empty())
            return;
        unplace(key, entry);
        entry.pod = std::move(change.pod);
        entry.assumed = assume;
        place(key, entry);
        return;
    }
    case Change::Kind::PodDelete:
    case Change::Kind::Forget: {
        const auto it = m_pods.find(change.key);
        if (it == m_pods.end())
            return;
        if (change.kind == Change::Kind::Forget && !it->second.assumed)
            return; // the informer has confirmed or replaced it already
        unplace(change.key, it->second);
        m_pods.erase(it);
        return;
    }
    }
}

} // namespace kubist::scheduler
