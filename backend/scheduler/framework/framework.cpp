#include "backend/scheduler/framework/framework.h"

#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/snapshot.h"

#include "core_v1.pb.h"

#include <algorithm>
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

} // namespace

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
        if (const auto *p = dynamic_cast<const FilterPlugin *>(plugin.get()))
            fw->m_filter.push_back(p);
        if (const auto *p = dynamic_cast<const PostFilterPlugin *>(plugin.get()))
            fw->m_postFilter.push_back(p);
        if (const auto *p = dynamic_cast<const PreScorePlugin *>(plugin.get()))
            fw->m_preScore.push_back(p);
        if (const auto *p = dynamic_cast<const ScorePlugin *>(plugin.get()))
            fw->m_score.push_back({p, config.weight == 0 ? 1 : config.weight});
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
    const int numNodes = static_cast<int>(snapshot.numNodes());
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
        for (const NodeInfo &info : snapshot.nodeInfos()) {
            fit.nodeStatuses[info.name()] = status;
            NodeExplanation node;
            node.nodeName = info.name();
            node.status = status;
            explanation.nodes.push_back(std::move(node));
        }
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

    // Filter, on every node.
    std::optional<PluginStatus> leftOut;
    if (!narrowed.allNodes()) {
        std::vector<std::string> sorted = pluginsWithNodes;
        std::sort(sorted.begin(), sorted.end());
        leftOut = PluginStatus::unresolvable(
            {"node(s) didn't satisfy plugin(s) [" + joinNames(sorted) + "]"});
    }
    NodeStatusMap nodeStatuses;
    std::vector<const NodeInfo *> feasible;
    std::vector<std::size_t> feasibleIndex; // into explanation.nodes
    for (const NodeInfo &info : snapshot.nodeInfos()) {
        NodeExplanation node;
        node.nodeName = info.name();
        if (leftOut && !narrowed.nodeNames->contains(info.name())) {
            node.status = *leftOut;
            nodeStatuses[info.name()] = *leftOut;
            explanation.nodes.push_back(std::move(node));
            continue;
        }
        ++result.evaluatedNodes;
        for (const FilterPlugin *plugin : m_filter) {
            if (state.isFilterSkipped(plugin->name()))
                continue;
            const PluginStatus status = plugin->filter(state, pod, info);
            if (status.isSuccess() || status.isSkip())
                continue;
            if (!status.isRejected())
                return pluginError("Filter", plugin->name(), status);
            node.status = status.withPlugin(std::string(plugin->name()));
            unschedulablePlugins.insert(node.status.plugin());
            nodeStatuses[info.name()] = node.status;
            break;
        }
        node.feasible = node.status.isSuccess();
        if (node.feasible) {
            feasible.push_back(&info);
            feasibleIndex.push_back(explanation.nodes.size());
        }
        explanation.nodes.push_back(std::move(node));
    }
    result.feasibleNodes = static_cast<int>(feasible.size());

    if (feasible.empty()) {
        FitError fit;
        fit.numAllNodes = numNodes;
        fit.nodeStatuses = std::move(nodeStatuses);
        fit.unschedulablePlugins = std::move(unschedulablePlugins);
        result.fitError = std::move(fit);
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

    // Score, NormalizeScore, weights.
    for (const ScoreEntry &entry : m_score) {
        const std::string name(entry.plugin->name());
        if (state.isScoreSkipped(name)) {
            for (const std::size_t index : feasibleIndex) {
                PluginScore skipped;
                skipped.plugin = name;
                skipped.skipped = true;
                skipped.weight = entry.weight;
                explanation.nodes[index].scores.push_back(std::move(skipped));
            }
            continue;
        }
        std::vector<NodeScore> scores;
        scores.reserve(feasible.size());
        for (const NodeInfo *info : feasible) {
            std::int64_t score = 0;
            const PluginStatus status = entry.plugin->score(state, pod, *info, &score);
            if (!status.isSuccess())
                return pluginError("Score", name, status);
            scores.push_back({info->name(), score});
        }
        std::vector<NodeScore> normalized = scores;
        const PluginStatus status = entry.plugin->normalizeScore(state, pod, normalized);
        if (!status.isSuccess())
            return pluginError("NormalizeScore", name, status);
        if (normalized.size() != scores.size())
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
            PluginScore score;
            score.plugin = name;
            score.raw = scores[i].score;
            score.normalized = value;
            score.weight = entry.weight;
            score.weighted = value * entry.weight;
            NodeExplanation &node = explanation.nodes[feasibleIndex[i]];
            node.totalScore += score.weighted;
            node.scores.push_back(std::move(score));
        }
    }

    // Select the host.
    std::int64_t best = 0;
    std::vector<const NodeExplanation *> tied;
    for (const std::size_t index : feasibleIndex) {
        const NodeExplanation &node = explanation.nodes[index];
        if (tied.empty() || node.totalScore > best) {
            best = node.totalScore;
            tied.assign(1, &node);
        } else if (node.totalScore == best) {
            tied.push_back(&node);
        }
    }
    std::size_t pick = 0;
    if (options.tieBreakSeed && tied.size() > 1) {
        std::mt19937_64 random(*options.tieBreakSeed);
        pick = static_cast<std::size_t>(random() % tied.size());
    }
    result.suggestedHost = tied[pick]->nodeName;
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
        const PluginStatus status = plugin->filter(state, pod, nodeInfo);
        if (status.isSuccess() || status.isSkip())
            continue;
        return status.withPlugin(std::string(plugin->name()));
    }
    return {};
}

PluginStatus Framework::runPreFilterExtensionAddPod(CycleState &state,
                                                    const core::Pod &podToSchedule,
                                                    const PodInfo &podInfo,
                                                    const NodeInfo &nodeInfo) const
{
    for (const PreFilterExtensions *plugin : m_preFilterExtensions) {
        if (state.isFilterSkipped(plugin->name()))
            continue;
        const PluginStatus status = plugin->addPod(state, podToSchedule, podInfo, nodeInfo);
        if (!status.isSuccess())
            return status.withPlugin(std::string(plugin->name()));
    }
    return {};
}

PluginStatus Framework::runPreFilterExtensionRemovePod(CycleState &state,
                                                       const core::Pod &podToSchedule,
                                                       const PodInfo &podInfo,
                                                       const NodeInfo &nodeInfo) const
{
    for (const PreFilterExtensions *plugin : m_preFilterExtensions) {
        if (state.isFilterSkipped(plugin->name()))
            continue;
        const PluginStatus status = plugin->removePod(state, podToSchedule, podInfo, nodeInfo);
        if (!status.isSuccess())
            return status.withPlugin(std::string(plugin->name()));
    }
    return {};
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
