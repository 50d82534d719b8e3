#include "backend/scheduler/framework/framework.h"

#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/snapshot.h"

#include "core_v1.pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <list>
#include <mutex>
#include <random>
#include <set>

namespace kubist::scheduler {

namespace core = k8s::io::api::core::v1;

namespace {

std::string quoted(std::string_view s)
{
    return "\"" + std::string(s) + "\"";
}

Status pluginError(std::string_view point, std::string_view plugin, const PluginStatus &status)
{
    return Status::internal("running " + std::string(point) + " plugin " + quoted(plugin) + ": " +
                            status.message());
}

std::string joinNames(const std::vector<std::string> &names)
{
    std::string out;
    for (const std::string &name : names) {
        if (!out.empty())
            out += " ";
        out += name;
    }
    return out;
}

// Per-thread buffers for schedulePod's per-node columns, reused from cycle
// to cycle: at thousands of nodes, allocating them afresh for every pod
// costs more than the plugins. `busy` guards against a nested schedulePod on
// the same thread (e.g. from a PostFilter plugin), which then allocates.
struct Scratch
{
    bool busy = false;
    std::vector<const NodeInfo *> feasible;
    std::vector<std::size_t> feasibleIndex;
    std::vector<std::string_view> feasibleNames; // read once, not per plugin
    std::vector<std::size_t> staleScores;        // into feasible: not in the cache
    std::vector<std::int64_t> totals;
    std::vector<std::vector<std::int64_t>> raw;
    std::vector<std::vector<NodeScore>> normalized;
};

class ScratchLease
{
public:
    ScratchLease()
        : m_scratch(threadScratch().busy ? m_own : threadScratch())
    {
        m_scratch.busy = true;
    }
    ~ScratchLease() { m_scratch.busy = false; }
    ScratchLease(const ScratchLease &) = delete;
    ScratchLease &operator=(const ScratchLease &) = delete;
    Scratch &operator*() { return m_scratch; }

private:
    static Scratch &threadScratch()
    {
        thread_local Scratch scratch;
        return scratch;
    }
    Scratch m_own;
    Scratch &m_scratch;
};

// What identifies pods that node-local plugins cannot tell apart: the
// namespace and the spec (deterministically serialized: map order fixed).
std::string equivalenceKey(const core::Pod &pod)
{
    std::string key = pod.metadata().namespace_();
    key.push_back('\0');
    {
        google::protobuf::io::StringOutputStream out(&key);
        google::protobuf::io::CodedOutputStream coded(&out);
        coded.SetSerializationDeterministic(true);
        pod.spec().SerializeToCodedStream(&coded);
    }
    return key;
}

// One Filter plugin on one node: Success when it passed (or skipped), else
// its status with the plugin's name (a rejection or an error).
PluginStatus runFilter(const FilterPlugin &plugin, const CycleState &state, const core::Pod &pod,
                       const NodeInfo &info)
{
    PluginStatus status = plugin.filter(state, pod, info);
    if (status.isSuccess() || status.isSkip())
        return {};
    return status.withPlugin(std::string(plugin.name()));
}

} // namespace

// The node-local plugins' answers per pod spec and node (see the class
// comment in framework.h). An entry is used by one cycle at a time: a cycle
// that finds the cache busy (another thread, or a nested cycle on this one)
// runs without it.
struct Framework::EquivalenceCache
{
    static constexpr std::size_t kMaxEntries = 16;
    static constexpr std::int32_t kNoRejection = -1;

    struct Entry
    {
        std::string key;
        // Per node index: the generation the answers below are for (0: none).
        std::vector<std::uint64_t> filterGeneration;
        std::vector<std::uint64_t> scoreGeneration;
        // Per node index: the m_filter index of the first node-local Filter
        // plugin that rejected the node, or kNoRejection, and its status.
        std::vector<std::int32_t> rejectedBy;
        std::vector<PluginStatus> rejection;
        // Per node index, the raw scores of the node-local Score plugins
        // (row-major, m_score order among the node-local ones).
        std::vector<std::int64_t> raw;

        void reset(std::size_t nodes, std::size_t localScores)
        {
            filterGeneration.assign(nodes, 0);
            scoreGeneration.assign(nodes, 0);
            rejectedBy.assign(nodes, kNoRejection);
            rejection.assign(nodes, PluginStatus());
            raw.assign(nodes * localScores, 0);
        }
    };

    std::mutex mutex;
    std::list<Entry> entries; // most recently used first

    // The entry for `key`, sized for `nodes` nodes (cleared when the number
    // of nodes changed). Caller holds `mutex`.
    Entry &entryFor(std::string key, std::size_t nodes, std::size_t localScores)
    {
        auto it = std::find_if(entries.begin(), entries.end(),
                               [&](const Entry &e) { return e.key == key; });
        if (it == entries.end()) {
            if (entries.size() >= kMaxEntries)
                entries.pop_back();
            entries.emplace_front();
            entries.front().key = std::move(key);
        } else if (it != entries.begin()) {
            entries.splice(entries.begin(), entries, it);
        }
        Entry &entry = entries.front();
        if (entry.filterGeneration.size() != nodes || entry.raw.size() != nodes * localScores)
            entry.reset(nodes, localScores);
        return entry;
    }
};

Framework::Framework()
    : m_equivalence(std::make_unique<EquivalenceCache>())
{}

Framework::~Framework() = default;

Result<std::unique_ptr<Framework>>
Framework::create(const Registry &registry, const Profile &profile, const PluginContext &context)
{
    std::unique_ptr<Framework> fw(new Framework());
    fw->m_profile = profile;
    PluginContext ownContext = context;
    ownContext.framework = fw.get();
    std::set<std::string, std::less<>> seen;
    for (const PluginConfig &config : profile.plugins) {
        if (!seen.insert(config.name).second)
            return Status::invalidArgument("plugin " + quoted(config.name) + " is enabled twice");
        if (config.weight < 0)
            return Status::invalidArgument("plugin " + quoted(config.name) +
                                           " has a negative weight");
        const PluginFactory *factory = registry.find(config.name);
        if (!factory)
            return Status::notFound("plugin " + quoted(config.name) + " does not exist");
        Result<std::shared_ptr<const Plugin>> made = (*factory)(ownContext);
        if (!made.isOk())
            return made.status().withContext("initializing plugin " + quoted(config.name));
        std::shared_ptr<const Plugin> plugin = std::move(made).value();
        if (!plugin)
            return Status::internal("the factory of plugin " + quoted(config.name) +
                                    " returned nothing");

        if (const auto *p = dynamic_cast<const QueueSortPlugin *>(plugin.get())) {
            if (fw->m_queueSort)
                return Status::invalidArgument("only one queue sort plugin can be enabled");
            fw->m_queueSort = p;
        }
        if (const auto *p = dynamic_cast<const PreFilterPlugin *>(plugin.get()))
            fw->m_preFilter.push_back(p);
        if (const auto *p = dynamic_cast<const PreFilterExtensions *>(plugin.get()))
            fw->m_preFilterExtensions.push_back(p);
        if (const auto *p = dynamic_cast<const FilterPlugin *>(plugin.get())) {
            fw->m_filter.push_back(p);
            fw->m_filterLocal.push_back(plugin->nodeLocal());
        }
        if (const auto *p = dynamic_cast<const PostFilterPlugin *>(plugin.get()))
            fw->m_postFilter.push_back(p);
        if (const auto *p = dynamic_cast<const PreScorePlugin *>(plugin.get()))
            fw->m_preScore.push_back(p);
        if (const auto *p = dynamic_cast<const ScorePlugin *>(plugin.get())) {
            const bool local = plugin->nodeLocal();
            fw->m_score.push_back(
                {p, config.weight == 0 ? 1 : config.weight, local, fw->m_localScores});
            fw->m_localScores += local ? 1 : 0;
        }
        if (const auto *p = dynamic_cast<const ReservePlugin *>(plugin.get()))
            fw->m_reserve.push_back(p);
        if (const auto *p = dynamic_cast<const BindPlugin *>(plugin.get()))
            fw->m_bind.push_back(p);
        fw->m_plugins.push_back(std::move(plugin));
    }
    return fw;
}

const Plugin *Framework::plugin(std::string_view name) const
{
    for (const auto &p : m_plugins) {
        if (p->name() == name)
            return p.get();
    }
    return nullptr;
}

bool Framework::less(const QueuedPodInfo &a, const QueuedPodInfo &b) const
{
    if (m_queueSort)
        return m_queueSort->less(a, b);
    return a.timestamp < b.timestamp;
}

Result<ScheduleResult> Framework::schedulePod(const core::Pod &pod, const Snapshot &snapshot,
                                              const ScheduleOptions &options) const
{
    CycleState state;
    return schedulePod(state, pod, snapshot, options);
}

Result<ScheduleResult> Framework::schedulePod(CycleState &state, const core::Pod &pod,
                                              const Snapshot &snapshot,
                                              const ScheduleOptions &options) const
{
    ScheduleResult result;
    Explanation &explanation = result.explanation;
    const bool full = options.explain == ScheduleOptions::Explain::Full;
    const std::vector<NodeInfo> &infos = snapshot.nodeInfos();
    const int numNodes = static_cast<int>(infos.size());
    if (numNodes == 0) {
        result.fitError = FitError{};
        return result;
    }

    // PreFilter.
    PreFilterResult narrowed;
    std::vector<std::string> pluginsWithNodes;
    std::set<std::string> unschedulablePlugins;
    auto rejectAll = [&](const PluginStatus &status) -> Result<ScheduleResult> {
        FitError fit;
        fit.numAllNodes = numNodes;
        fit.preFilterMsg = status.message();
        if (!status.plugin().empty())
            unschedulablePlugins.insert(status.plugin());
        fit.unschedulablePlugins = unschedulablePlugins;
        for (const NodeInfo &info : infos) {
            fit.nodeStatuses[info.name()] = status;
            NodeExplanation node;
            node.nodeName = info.name();
            node.status = status;
            explanation.nodes.push_back(std::move(node));
        }
        explanation.rejectedBy[status.plugin()] = numNodes;
        result.fitError = std::move(fit);
        return options.runPostFilter ? runPostFilter(state, pod, snapshot, std::move(result))
                                     : Result<ScheduleResult>(std::move(result));
    };
    for (const PreFilterPlugin *plugin : m_preFilter) {
        const std::string name(plugin->name());
        PreFilterResult pluginResult;
        const PluginStatus status =
            plugin->preFilter(state, pod, snapshot, &pluginResult).withPlugin(name);
        explanation.preFilter.push_back({name, status});
        if (status.isSkip()) {
            state.skipFilter(name);
            continue;
        }
        if (status.isRejected())
            return rejectAll(status);
        if (!status.isSuccess())
            return pluginError("PreFilter", name, status);
        if (!pluginResult.allNodes())
            pluginsWithNodes.push_back(name);
        narrowed = narrowed.merge(pluginResult);
        if (!narrowed.allNodes() && narrowed.nodeNames->empty()) {
            const std::string message =
                pluginsWithNodes.size() == 1
                    ? "node(s) didn't satisfy plugin " + pluginsWithNodes.front()
                    : "node(s) didn't satisfy plugin(s) [" + joinNames(pluginsWithNodes) +
                          "] simultaneously";
            return rejectAll(PluginStatus::unresolvable({message}));
        }
    }

    // The Filter plugins this cycle runs (those whose PreFilter said Skip
    // are left out once, not asked per node).
    std::vector<std::size_t> filters; // into m_filter
    bool anyLocal = false;
    for (std::size_t f = 0; f < m_filter.size(); ++f) {
        if (!state.isFilterSkipped(m_filter[f]->name())) {
            filters.push_back(f);
            anyLocal = anyLocal || m_filterLocal[f];
        }
    }

    // The node-local plugins' answers for this pod's spec, unless the cache
    // is in use (another thread, or a cycle this one is nested in). Released
    // before PostFilter, which may run cycles of its own.
    std::unique_lock<std::mutex> cacheLock;
    EquivalenceCache::Entry *cached = nullptr;
    if (anyLocal || m_localScores > 0) {
        cacheLock = std::unique_lock(m_equivalence->mutex, std::try_to_lock);
        if (cacheLock.owns_lock())
            cached = &m_equivalence->entryFor(equivalenceKey(pod), infos.size(), m_localScores);
    }

    // Filter, on every node. Rejections are kept as (node index, status).
    std::optional<PluginStatus> leftOut;
    if (!narrowed.allNodes()) {
        std::vector<std::string> sorted = pluginsWithNodes;
        std::sort(sorted.begin(), sorted.end());
        leftOut = PluginStatus::unresolvable(
            {"node(s) didn't satisfy plugin(s) [" + joinNames(sorted) + "]"});
    }
    std::vector<std::pair<std::size_t, PluginStatus>> rejected;
    ScratchLease lease;
    Scratch &scratch = *lease;
    std::vector<const NodeInfo *> &feasible = scratch.feasible;
    std::vector<std::size_t> &feasibleIndex = scratch.feasibleIndex; // into infos
    std::vector<std::string_view> &feasibleNames = scratch.feasibleNames;
    std::vector<std::size_t> &staleScores = scratch.staleScores;
    // Sized for every node and cut to the feasible ones after the loop
    // (cheaper than a push_back per node).
    feasible.resize(infos.size());
    feasibleIndex.resize(infos.size());
    feasibleNames.resize(infos.size());
    staleScores.clear();
    const bool cachedScores = cached && m_localScores > 0;
    std::size_t numFeasible = 0;
    for (std::size_t n = 0; n < infos.size(); ++n) {
        const NodeInfo &info = infos[n];
        if (leftOut && !narrowed.nodeNames->contains(info.name())) {
            rejected.emplace_back(n, *leftOut);
            continue;
        }
        ++result.evaluatedNodes;
        std::int32_t localRejection = EquivalenceCache::kNoRejection;
        if (cached) {
            if (cached->filterGeneration[n] != info.generation()) {
                std::int32_t by = EquivalenceCache::kNoRejection;
                PluginStatus verdict;
                for (const std::size_t f : filters) {
                    if (!m_filterLocal[f])
                        continue;
                    verdict = runFilter(*m_filter[f], state, pod, info);
                    if (verdict.isSuccess())
                        continue;
                    if (!verdict.isRejected())
                        return pluginError("Filter", m_filter[f]->name(), verdict);
                    by = static_cast<std::int32_t>(f);
                    break;
                }
                cached->rejectedBy[n] = by;
                cached->rejection[n] = std::move(verdict);
                cached->filterGeneration[n] = info.generation();
            }
            localRejection = cached->rejectedBy[n];
        }
        bool fits = true;
        for (const std::size_t f : filters) {
            const FilterPlugin *plugin = m_filter[f];
            if (cached && m_filterLocal[f]) {
                if (static_cast<std::int32_t>(f) != localRejection)
                    continue;
                rejected.emplace_back(n, cached->rejection[n]);
            } else {
                PluginStatus status = runFilter(*plugin, state, pod, info);
                if (status.isSuccess())
                    continue;
                if (!status.isRejected())
                    return pluginError("Filter", plugin->name(), status);
                rejected.emplace_back(n, std::move(status));
            }
            unschedulablePlugins.insert(rejected.back().second.plugin());
            fits = false;
            break;
        }
        if (fits) {
            if (cachedScores && cached->scoreGeneration[n] != info.generation())
                staleScores.push_back(numFeasible);
            feasible[numFeasible] = &info;
            feasibleIndex[numFeasible] = n;
            feasibleNames[numFeasible] = info.nameView();
            ++numFeasible;
        }
    }
    feasible.resize(numFeasible);
    feasibleIndex.resize(numFeasible);
    feasibleNames.resize(numFeasible);
    result.feasibleNodes = static_cast<int>(feasible.size());
    for (const auto &[n, status] : rejected)
        ++explanation.rejectedBy[status.plugin()];

    if (feasible.empty()) {
        FitError fit;
        fit.numAllNodes = numNodes;
        for (auto &[n, status] : rejected) {
            if (full) {
                NodeExplanation node;
                node.nodeName = infos[n].name();
                node.status = status;
                explanation.nodes.push_back(std::move(node));
            }
            fit.nodeStatuses.emplace(infos[n].name(), std::move(status));
        }
        fit.unschedulablePlugins = std::move(unschedulablePlugins);
        result.fitError = std::move(fit);
        if (cacheLock.owns_lock())
            cacheLock.unlock();
        return options.runPostFilter ? runPostFilter(state, pod, snapshot, std::move(result))
                                     : Result<ScheduleResult>(std::move(result));
    }

    // PreScore.
    for (const PreScorePlugin *plugin : m_preScore) {
        const std::string name(plugin->name());
        const PluginStatus status =
            plugin->preScore(state, pod, snapshot, feasible).withPlugin(name);
        explanation.preScore.push_back({name, status});
        if (status.isSkip())
            state.skipScore(name);
        else if (!status.isSuccess())
            return pluginError("PreScore", name, status);
    }

    // Score, NormalizeScore, weights: one column of numbers per plugin.
    struct Column
    {
        const ScoreEntry *entry = nullptr;
        bool skipped = false;
        std::vector<std::int64_t> *raw = nullptr;
        std::vector<NodeScore> *normalized = nullptr;
    };
    std::vector<char> scoreSkipped(m_score.size(), 0);
    for (std::size_t p = 0; p < m_score.size(); ++p)
        scoreSkipped[p] = state.isScoreSkipped(m_score[p].plugin->name()) ? 1 : 0;
    // The node-local plugins' raw scores of nodes whose answers are not
    // cached yet (found by the Filter loop).
    if (cachedScores) {
        for (const std::size_t i : staleScores) {
            const std::size_t n = feasibleIndex[i];
            std::int64_t *row = cached->raw.data() + n * m_localScores;
            for (std::size_t p = 0; p < m_score.size(); ++p) {
                const ScoreEntry &entry = m_score[p];
                if (!entry.nodeLocal || scoreSkipped[p])
                    continue;
                const PluginStatus status =
                    entry.plugin->score(state, pod, *feasible[i], &row[entry.localColumn]);
                if (!status.isSuccess())
                    return pluginError("Score", entry.plugin->name(), status);
            }
            cached->scoreGeneration[n] = feasible[i]->generation();
        }
    }
    std::vector<Column> columns(m_score.size());
    std::vector<std::int64_t> &totals = scratch.totals;
    totals.assign(feasible.size(), 0);
    scratch.raw.resize(std::max(scratch.raw.size(), m_score.size()));
    scratch.normalized.resize(std::max(scratch.normalized.size(), m_score.size()));
    for (std::size_t p = 0; p < m_score.size(); ++p) {
        const ScoreEntry &entry = m_score[p];
        Column &column = columns[p];
        column.entry = &entry;
        column.raw = &scratch.raw[p];
        column.normalized = &scratch.normalized[p];
        const std::string_view name = entry.plugin->name();
        if (scoreSkipped[p]) {
            column.skipped = true;
            continue;
        }
        std::vector<std::int64_t> &raw = *column.raw;
        std::vector<NodeScore> &normalized = *column.normalized;
        raw.resize(feasible.size());
        normalized.resize(feasible.size());
        if (cached && entry.nodeLocal) {
            const std::int64_t *column = cached->raw.data() + entry.localColumn;
            for (std::size_t i = 0; i < feasible.size(); ++i) {
                raw[i] = column[feasibleIndex[i] * m_localScores];
                normalized[i] = {feasibleNames[i], raw[i]};
            }
        } else {
            const PluginStatus status = entry.plugin->scoreNodes(state, pod, feasible, raw.data());
            if (!status.isSuccess())
                return pluginError("Score", name, status);
            for (std::size_t i = 0; i < feasible.size(); ++i)
                normalized[i] = {feasibleNames[i], raw[i]};
        }
        const PluginStatus status = entry.plugin->normalizeScore(state, pod, normalized);
        if (!status.isSuccess())
            return pluginError("NormalizeScore", name, status);
        if (normalized.size() != feasible.size())
            return Status::internal("plugin " + quoted(name) +
                                    " changed the number of scores while normalizing");
        for (std::size_t i = 0; i < feasible.size(); ++i) {
            const std::int64_t value = normalized[i].score;
            if (value > kMaxNodeScore || value < kMinNodeScore) {
                return Status::internal("plugin " + quoted(name) + " returns an invalid score " +
                                        std::to_string(value) + ", it should in the range of [" +
                                        std::to_string(kMinNodeScore) + ", " +
                                        std::to_string(kMaxNodeScore) + "] after normalizing");
            }
            totals[i] += value * entry.weight;
        }
    }

    // Select the host: the first node with the highest total, unless ties
    // are broken at random.
    std::size_t winner = 0;
    for (std::size_t i = 1; i < feasible.size(); ++i) {
        if (totals[i] > totals[winner])
            winner = i;
    }
    if (options.tieBreakSeed) {
        std::vector<std::size_t> tied; // into feasible
        for (std::size_t i = winner; i < feasible.size(); ++i) {
            if (totals[i] == totals[winner])
                tied.push_back(i);
        }
        if (tied.size() > 1) {
            std::mt19937_64 random(*options.tieBreakSeed);
            winner = tied[static_cast<std::size_t>(random() % tied.size())];
        }
    }
    result.suggestedHost = feasible[winner]->name();

    // The explanation: every node (Full), or the winner and the runner-up.
    auto explainFeasible = [&](std::size_t i) {
        NodeExplanation node;
        node.nodeName = feasible[i]->name();
        node.feasible = true;
        node.totalScore = totals[i];
        node.scores.reserve(columns.size());
        for (const Column &column : columns) {
            PluginScore score;
            score.plugin = std::string(column.entry->plugin->name());
            score.weight = column.entry->weight;
            score.skipped = column.skipped;
            if (!column.skipped) {
                score.raw = (*column.raw)[i];
                score.normalized = (*column.normalized)[i].score;
                score.weighted = score.normalized * score.weight;
            }
            node.scores.push_back(std::move(score));
        }
        return node;
    };
    if (full) {
        explanation.nodes.reserve(infos.size());
        std::size_t r = 0;
        std::size_t f = 0;
        for (std::size_t n = 0; n < infos.size(); ++n) {
            if (f < feasibleIndex.size() && feasibleIndex[f] == n) {
                explanation.nodes.push_back(explainFeasible(f++));
                continue;
            }
            NodeExplanation node;
            node.nodeName = infos[n].name();
            if (r < rejected.size() && rejected[r].first == n)
                node.status = std::move(rejected[r++].second);
            explanation.nodes.push_back(std::move(node));
        }
    } else {
        explanation.nodes.push_back(explainFeasible(winner));
        // The first node other than the winner with the highest total.
        constexpr std::size_t kNone = ~std::size_t(0);
        std::size_t runnerUp = kNone;
        for (std::size_t i = 0; i < feasible.size(); ++i) {
            if (i != winner && (runnerUp == kNone || totals[i] > totals[runnerUp]))
                runnerUp = i;
        }
        if (runnerUp != kNone)
            explanation.nodes.push_back(explainFeasible(runnerUp));
    }
    return result;
}

Result<ScheduleResult> Framework::runPostFilter(CycleState &state, const core::Pod &pod,
                                                const Snapshot &snapshot,
                                                ScheduleResult result) const
{
    if (m_postFilter.empty())
        return result;
    std::vector<std::string> reasons;
    for (const PostFilterPlugin *plugin : m_postFilter) {
        const std::string name(plugin->name());
        PostFilterResult postResult;
        const PluginStatus status =
            plugin->postFilter(state, pod, snapshot, result.fitError->nodeStatuses, &postResult)
                .withPlugin(name);
        result.explanation.postFilter.push_back({name, status});
        if (status.isSuccess()) {
            result.nominatedNodeName = postResult.nominatedNodeName;
            return result;
        }
        // Upstream records the message of a failing PostFilter (error or
        // rejection) on the FitError and moves on; an unresolvable answer
        // ends the round.
        reasons.insert(reasons.end(), status.reasons().begin(), status.reasons().end());
        if (status.code() == PluginStatus::Code::UnschedulableAndUnresolvable ||
            !status.isRejected())
            break;
    }
    result.fitError->postFilterMsg = PluginStatus::unschedulable(std::move(reasons)).message();
    return result;
}

PluginStatus Framework::runFilterPlugins(const CycleState &state, const core::Pod &pod,
                                         const NodeInfo &nodeInfo) const
{
    for (const FilterPlugin *plugin : m_filter) {
        if (state.isFilterSkipped(plugin->name()))
            continue;
        PluginStatus status = runFilter(*plugin, state, pod, nodeInfo);
        if (!status.isSuccess())
            return status;
    }
    return {};
}

PluginStatus Framework::runPreFilterExtensions(ExtensionCall call, CycleState &state,
                                               const core::Pod &podToSchedule,
                                               const PodInfo &podInfo,
                                               const NodeInfo &nodeInfo) const
{
    for (const PreFilterExtensions *plugin : m_preFilterExtensions) {
        if (state.isFilterSkipped(plugin->name()))
            continue;
        const PluginStatus status = (plugin->*call)(state, podToSchedule, podInfo, nodeInfo);
        if (!status.isSuccess())
            return status.withPlugin(std::string(plugin->name()));
    }
    return {};
}

PluginStatus Framework::runPreFilterExtensionAddPod(CycleState &state,
                                                    const core::Pod &podToSchedule,
                                                    const PodInfo &podInfo,
                                                    const NodeInfo &nodeInfo) const
{
    return runPreFilterExtensions(&PreFilterExtensions::addPod, state, podToSchedule, podInfo,
                                  nodeInfo);
}

PluginStatus Framework::runPreFilterExtensionRemovePod(CycleState &state,
                                                       const core::Pod &podToSchedule,
                                                       const PodInfo &podInfo,
                                                       const NodeInfo &nodeInfo) const
{
    return runPreFilterExtensions(&PreFilterExtensions::removePod, state, podToSchedule, podInfo,
                                  nodeInfo);
}

PluginStatus Framework::runReservePlugins(CycleState &state, const core::Pod &pod,
                                          const std::string &nodeName) const
{
    for (const ReservePlugin *plugin : m_reserve) {
        const PluginStatus status = plugin->reserve(state, pod, nodeName);
        if (!status.isSuccess()) {
            runUnreservePlugins(state, pod, nodeName);
            return status.withPlugin(std::string(plugin->name()));
        }
    }
    return {};
}

void Framework::runUnreservePlugins(CycleState &state, const core::Pod &pod,
                                    const std::string &nodeName) const
{
    for (auto it = m_reserve.rbegin(); it != m_reserve.rend(); ++it)
        (*it)->unreserve(state, pod, nodeName);
}

PluginStatus Framework::runBindPlugins(const CycleState &state, const core::Pod &pod,
                                       const std::string &nodeName) const
{
    PluginStatus status = PluginStatus::skip();
    for (const BindPlugin *plugin : m_bind) {
        status = plugin->bind(state, pod, nodeName);
        if (status.isSkip())
            continue;
        return status.withPlugin(std::string(plugin->name()));
    }
    return status;
}

} // namespace kubist::scheduler
