#include "backend/scheduler/framework/snapshot.h"

#include "core_v1.pb.h"

#include <algorithm>
#include <atomic>
#include <list>
#include <map>
#include <mutex>
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

// Whether both report the same images (names and sizes, in order); node
// heartbeats usually do, and then image states need no recount.
bool sameImages(const core::Node &a, const core::Node &b)
{
    const auto &x = a.status().images();
    const auto &y = b.status().images();
    if (x.size() != y.size())
        return false;
    for (int i = 0; i < x.size(); ++i) {
        if (x.Get(i).size_bytes() != y.Get(i).size_bytes() ||
            x.Get(i).names_size() != y.Get(i).names_size())
            return false;
        for (int j = 0; j < x.Get(i).names_size(); ++j) {
            if (x.Get(i).names(j) != y.Get(i).names(j))
                return false;
        }
    }
    return true;
}

std::uint64_t nextVersion()
{
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

// Log entries beyond this many: the older half is dropped (a consumer that
// far behind looks at every node again).
constexpr std::size_t kMaxLog = 1024;

} // namespace

struct Snapshot::Derived
{
    // Questions beyond this many (least recently asked first) are dropped:
    // 256 x 5,000 nodes x 16 bytes is 20 MB at most.
    static constexpr std::size_t kMaxQuestions = 256;

    struct DomainEntry
    {
        std::uint64_t version = 0;                   // of the snapshot last seen
        std::vector<std::uint64_t> labelsGeneration; // by node index
        std::unordered_map<std::string, std::int32_t> numbers;
        std::shared_ptr<Domains> domains;
    };
    struct CountEntry
    {
        std::string key; // question '\0' groupBy
        std::string groupBy;
        std::uint64_t version = 0;             // of the snapshot last seen
        std::vector<std::uint64_t> generation; // by node index
        std::vector<std::int32_t> number;      // by node index: its domain in `counts`
        std::shared_ptr<Counts> counts;        // copied on write while callers hold it
    };

    std::mutex mutex;
    std::unordered_map<std::string, DomainEntry> domains;
    std::list<CountEntry> counts; // most recently asked first
    std::unordered_map<std::string_view, std::list<CountEntry>::iterator> countIndex;
};

std::shared_ptr<Snapshot::Derived> Snapshot::makeDerived()
{
    return std::make_shared<Derived>();
}

void Snapshot::logChange(std::size_t index)
{
    m_version = nextVersion();
    m_log.push_back({m_version, static_cast<std::uint32_t>(index)});
    if (m_log.size() > kMaxLog) {
        const std::size_t drop = m_log.size() / 2;
        m_logStart = m_log[drop - 1].version;
        m_log.erase(m_log.begin(), m_log.begin() + static_cast<std::ptrdiff_t>(drop));
    }
}

void Snapshot::restartLog()
{
    m_version = nextVersion();
    m_logStart = m_version;
    m_log.clear();
}

std::shared_ptr<const Snapshot::Domains> Snapshot::domains(std::string_view labelKey) const
{
    std::lock_guard lock(m_derived->mutex);
    return domainsLocked(labelKey);
}

std::shared_ptr<const Snapshot::Domains> Snapshot::domainsLocked(std::string_view labelKey) const
{
    auto found = m_derived->domains.find(std::string(labelKey));
    if (found == m_derived->domains.end())
        found = m_derived->domains.emplace(std::string(labelKey), Derived::DomainEntry()).first;
    Derived::DomainEntry &entry = found->second;
    const std::size_t n = m_nodes.size();
    if (entry.domains && entry.version == m_version && entry.labelsGeneration.size() == n)
        return entry.domains;
    std::shared_ptr<Domains> fresh; // copy on write: callers hold the old one
    auto check = [&](std::size_t i) {
        const NodeInfo &info = m_nodes[i];
        if (entry.labelsGeneration[i] == info.labelsGeneration())
            return;
        if (!fresh)
            fresh = std::make_shared<Domains>(*entry.domains);
        entry.labelsGeneration[i] = info.labelsGeneration();
        const std::string *value = info.label(labelKey);
        if (!value) {
            fresh->ofNode[i] = -1;
            return;
        }
        const auto [it, added] =
            entry.numbers.try_emplace(*value, static_cast<std::int32_t>(fresh->names.size()));
        if (added)
            fresh->names.push_back(*value);
        fresh->ofNode[i] = it->second;
    };
    const bool logged = entry.domains && entry.labelsGeneration.size() == n &&
                        changedSince(entry.version, [&](std::size_t i) {
                            if (i < n)
                                check(i);
                        });
    if (!logged) {
        if (!entry.domains || entry.labelsGeneration.size() != n) {
            entry.labelsGeneration.assign(n, 0);
            fresh = std::make_shared<Domains>(entry.domains ? *entry.domains : Domains());
            fresh->ofNode.assign(n, -1);
        }
        for (std::size_t i = 0; i < n; ++i)
            check(i);
    }
    if (fresh)
        entry.domains = std::move(fresh);
    entry.version = m_version;
    return entry.domains;
}

std::shared_ptr<const Snapshot::Counts> Snapshot::countPerNode(std::string_view question,
                                                               const NodeCount &count,
                                                               std::string_view groupBy) const
{
    const std::size_t n = m_nodes.size();
    Derived &d = *m_derived;
    std::lock_guard lock(d.mutex);
    std::string key;
    key.reserve(question.size() + 1 + groupBy.size());
    key.append(question).push_back('\0');
    key.append(groupBy);
    auto found = d.countIndex.find(key);
    if (found == d.countIndex.end()) {
        if (d.counts.size() >= Derived::kMaxQuestions) {
            d.countIndex.erase(d.counts.back().key);
            d.counts.pop_back();
        }
        d.counts.emplace_front();
        d.counts.front().key = std::move(key);
        d.counts.front().groupBy = std::string(groupBy);
        found = d.countIndex.emplace(d.counts.front().key, d.counts.begin()).first;
    } else if (found->second != d.counts.begin()) {
        d.counts.splice(d.counts.begin(), d.counts, found->second);
    }
    Derived::CountEntry &entry = d.counts.front();
    const bool grouped = !entry.groupBy.empty();
    const std::shared_ptr<const Domains> domains = grouped ? domainsLocked(entry.groupBy) : nullptr;
    const bool current = entry.counts && entry.generation.size() == n;
    if (current && entry.version == m_version && entry.counts->domains == domains)
        return entry.counts;

    Counts *writable = nullptr;
    auto write = [&]() -> Counts & {
        if (!writable) {
            if (entry.counts.use_count() > 1)
                entry.counts = std::make_shared<Counts>(*entry.counts);
            writable = entry.counts.get();
        }
        return *writable;
    };
    if (!current) {
        entry.counts = std::make_shared<Counts>();
        entry.generation.assign(n, 0);
        entry.number.assign(n, -1);
        write().perNode.assign(n, 0);
    }
    if (grouped) {
        if (entry.counts->domains != domains)
            write().domains = domains;
        if (entry.counts->perDomain.size() != domains->names.size()) {
            write().perDomain.resize(domains->names.size(), 0);
            write().nodesPerDomain.resize(domains->names.size(), 0);
        }
    }
    auto visit = [&](std::size_t i) {
        if (i >= n)
            return;
        const NodeInfo &info = m_nodes[i];
        const std::int32_t number = grouped ? domains->ofNode[i] : -1;
        if (entry.generation[i] == info.generation() && entry.number[i] == number)
            return;
        Counts &c = write();
        const std::int32_t value = count(info);
        if (grouped) {
            // (Entries start at number -1 with count 0, counted nowhere.)
            const std::int32_t old = entry.number[i];
            const bool counted = entry.generation[i] != 0;
            (old < 0 ? c.withoutLabel : c.perDomain[std::size_t(old)]) -= c.perNode[i];
            (number < 0 ? c.withoutLabel : c.perDomain[std::size_t(number)]) += value;
            if (counted)
                --(old < 0 ? c.nodesWithoutLabel : c.nodesPerDomain[std::size_t(old)]);
            ++(number < 0 ? c.nodesWithoutLabel : c.nodesPerDomain[std::size_t(number)]);
        }
        c.total += value - c.perNode[i];
        c.perNode[i] = value;
        entry.generation[i] = info.generation();
        entry.number[i] = number;
    };
    if (!current || !changedSince(entry.version, visit)) {
        for (std::size_t i = 0; i < n; ++i)
            visit(i);
    }
    entry.version = m_version;
    return entry.counts;
}

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

    snapshot.m_imagesDirty = true;
    snapshot.commit();
    snapshot.restartLog();
    return snapshot;
}

const NodeInfo *Snapshot::get(std::string_view nodeName) const
{
    const auto it = m_index.find(std::string(nodeName));
    return it == m_index.end() ? nullptr : &m_nodes[it->second];
}

NodeInfo *Snapshot::mutableNode(std::string_view nodeName)
{
    const auto it = m_index.find(std::string(nodeName));
    if (it == m_index.end())
        return nullptr;
    logChange(it->second);
    return &m_nodes[it->second];
}

void Snapshot::upsertNode(NodePtr node)
{
    if (!node)
        return;
    if (NodeInfo *info = mutableNode(node->metadata().name())) {
        if (!sameImages(info->node(), *node))
            m_imagesDirty = true;
        info->setNode(std::move(node));
        return;
    }
    m_imagesDirty = true;
    const std::string name = node->metadata().name();
    m_index.emplace(name, m_nodes.size());
    m_nodes.emplace_back(std::move(node));
    m_orderDirty = true;
    restartLog();
}

bool Snapshot::removeNode(std::string_view nodeName)
{
    const auto it = m_index.find(std::string(nodeName));
    if (it == m_index.end())
        return false;
    m_nodes.erase(m_nodes.begin() + static_cast<std::ptrdiff_t>(it->second));
    m_orderDirty = true;
    m_imagesDirty = true;
    restartLog();
    // Indexes after the erased node moved; rebuilt now so lookups stay right.
    m_index.clear();
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        m_index.emplace(m_nodes[i].name(), i);
    return true;
}

void Snapshot::commit()
{
    if (m_orderDirty) {
        std::stable_sort(m_nodes.begin(), m_nodes.end(),
                         [](const NodeInfo &a, const NodeInfo &b) { return a.name() < b.name(); });
        m_index.clear();
        for (std::size_t i = 0; i < m_nodes.size(); ++i)
            m_index.emplace(m_nodes[i].name(), i);
        m_orderDirty = false;
        restartLog();
    }
    if (!m_imagesDirty)
        return;
    m_imagesDirty = false;
    // Image states: sizes per node, and how many nodes hold each image.
    // (This runs whenever a node's image list changed, i.e. often while pods
    // start on new nodes: the per-node maps are updated in place when the
    // node's images are the ones its map already has.)
    std::unordered_map<std::string_view, int> nodesWithImage;
    nodesWithImage.reserve(64);
    for (const NodeInfo &info : m_nodes) {
        const auto &images = info.node().status().images();
        for (int i = 0; i < images.size(); ++i) {
            for (int j = 0; j < images.Get(i).names_size(); ++j) {
                const std::string &name = images.Get(i).names(j);
                bool earlier = false; // the same name listed twice on one node
                for (int k = 0; k <= i && !earlier; ++k) {
                    const int end = k == i ? j : images.Get(k).names_size();
                    for (int l = 0; l < end && !earlier; ++l)
                        earlier = images.Get(k).names(l) == name;
                }
                if (!earlier)
                    ++nodesWithImage[name];
            }
        }
    }
    for (NodeInfo &info : m_nodes) {
        const auto &images = info.node().status().images();
        std::size_t names = 0;
        bool same = true;
        for (const core::ContainerImage &image : images) {
            for (const std::string &name : image.names()) {
                ++names;
                const auto it = info.imageStates().find(name);
                same = same && it != info.imageStates().end() &&
                       it->second.sizeBytes == image.size_bytes();
            }
        }
        const std::uint64_t before = info.generation();
        if (same && names == info.imageStates().size()) {
            info.updateImageNodeCounts([&](std::string_view name) { return nodesWithImage[name]; });
            if (info.generation() != before)
                logChange(static_cast<std::size_t>(&info - m_nodes.data()));
            continue;
        }
        std::map<std::string, ImageStateSummary, std::less<>> states;
        for (const core::ContainerImage &image : images) {
            for (const std::string &name : image.names())
                states[name] = {image.size_bytes(), nodesWithImage[name]};
        }
        info.setImageStates(std::move(states));
        logChange(static_cast<std::size_t>(&info - m_nodes.data()));
    }
}

} // namespace kubist::scheduler
