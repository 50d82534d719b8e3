#include "backend/scheduler/plugins/interpodaffinity/interpodaffinity.h"

#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/snapshot.h"
#include "backend/scheduler/plugins/interpodaffinity/affinityterm.h"
#include "backend/scheduler/plugins/interpodaffinity/topologycounts.h"

#include "core_v1.pb.h"

#include <algorithm>
#include <limits>

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;
using interpodaffinity::AffinityTerm;
using interpodaffinity::Labels;
using interpodaffinity::TopologyCounts;

namespace {

const std::vector<NodeInfo> kNoNodes;

const Labels &emptyLabels()
{
    static const Labels empty;
    return empty;
}

// The incoming pod's namespace, for existing pods' namespaceSelectors
// (upstream GetNamespaceLabelsSnapshot: an unknown namespace has no labels).
std::shared_ptr<const core::Namespace> namespaceOf(const core::Pod &pod, const Snapshot &snapshot)
{
    return snapshot.lister().getNamespace(pod.metadata().namespace_());
}

// Computed by PreFilter, read by Filter, updated by addPod / removePod on
// clones (upstream preFilterState).
class PreFilterState final : public StateData
{
public:
    std::vector<AffinityTerm> affinityTerms;
    std::vector<AffinityTerm> antiAffinityTerms;
    // Existing pods matching all affinity terms / each anti-affinity term,
    // per topology pair of their node.
    TopologyCounts affinityCounts;
    TopologyCounts antiAffinityCounts;
    // Existing pods' required anti-affinity terms matching the incoming pod.
    TopologyCounts existingAntiAffinityCounts;
    std::shared_ptr<const core::Namespace> podNamespace;
    // The incoming pod matches all its own affinity terms.
    bool podMatchesOwnAffinity = false;

    const Labels &namespaceLabels() const
    {
        return podNamespace ? podNamespace->metadata().labels() : emptyLabels();
    }

    std::shared_ptr<StateData> clone() const override
    {
        return std::make_shared<PreFilterState>(*this);
    }
};

// Computed by PreScore, read by Score and NormalizeScore (upstream
// preScoreState).
class PreScoreState final : public StateData
{
public:
    TopologyCounts topologyScore;
};

// Upstream podMatchesAllAffinityTerms: false for no terms.
bool matchesAll(const std::vector<AffinityTerm> &terms, const core::Pod &pod)
{
    if (terms.empty())
        return false;
    return std::all_of(terms.begin(), terms.end(),
                       [&pod](const AffinityTerm &t) { return t.matches(pod); });
}

// Adds `multiplier` for every required anti-affinity term of `existing`
// (on a node with `nodeLabels`) that matches `incoming`. The terms are
// checked for validity only once one matches (most do not).
void countExistingAntiAffinity(TopologyCounts &counts, const core::Pod &existing,
                               const Labels &nodeLabels, const core::Pod &incoming,
                               const Labels &incomingNamespaceLabels, std::int64_t multiplier)
{
    const auto &terms = interpodaffinity::requiredAntiAffinityTerms(existing);
    bool checked = false;
    for (const core::PodAffinityTerm &term : terms) {
        if (!interpodaffinity::existingTermMatches(term, existing, incoming,
                                                   incomingNamespaceLabels))
            continue;
        if (!checked) {
            if (!interpodaffinity::termsValid(terms))
                return;
            checked = true;
        }
        counts.addForNode(term.topology_key(), nodeLabels, multiplier);
    }
}

// Upstream's aggregated parse error of a pod's terms.
class ParseErrors final
{
public:
    template<class T> bool take(Result<T> &result, std::string_view what)
    {
        if (result.isOk())
            return true;
        m_errors.push_back(std::string(what) + ": " + result.status().message());
        return false;
    }
    bool empty() const { return m_errors.empty(); }
    std::string message() const
    {
        if (m_errors.size() == 1)
            return m_errors.front();
        std::string out = "[";
        for (std::size_t i = 0; i < m_errors.size(); ++i)
            out += (i ? ", " : "") + m_errors[i];
        return out + "]";
    }

private:
    std::vector<std::string> m_errors;
};

// How many pods of the snapshot have podAffinity / podAntiAffinity terms,
// and required podAntiAffinity terms: the snapshot keeps the sums up to date
// from the nodes that changed, so a cluster without such pods (most) costs
// no walk over the nodes.
std::int64_t podsWithAffinity(const Snapshot &snapshot)
{
    return snapshot
        .countPerNode("InterPodAffinity|pods with affinity terms",
                      [](const NodeInfo &info) { return info.numPodsWithAffinity(); })
        ->total;
}

std::int64_t podsWithRequiredAntiAffinity(const Snapshot &snapshot)
{
    return snapshot
        .countPerNode("InterPodAffinity|pods with required anti-affinity terms",
                      [](const NodeInfo &info) { return info.numPodsWithRequiredAntiAffinity(); })
        ->total;
}

PluginStatus missingState(std::string_view key)
{
    return PluginStatus::error("error reading \"" + std::string(key) +
                               "\" from cycleState: not found");
}

// Scores one existing pod's own terms against the incoming pod; true when
// some term matched on a node carrying its topology key.
bool scoreExistingPodTerms(TopologyCounts &scores, const core::Pod &existing,
                           const Labels &nodeLabels, const core::Pod &incoming,
                           const Labels &incomingNamespaceLabels, std::int32_t hardWeight)
{
    bool touched = false;
    // A list's validity is checked once one of its terms matches: state 0
    // unchecked, 1 valid, -1 invalid (the whole list is ignored).
    auto process = [&](const core::PodAffinityTerm &term, std::int64_t delta, auto isValid,
                       int &state) {
        if (state < 0 || !interpodaffinity::existingTermMatches(term, existing, incoming,
                                                                incomingNamespaceLabels))
            return;
        if (state == 0)
            state = isValid() ? 1 : -1;
        if (state < 0)
            return;
        const auto it = nodeLabels.find(term.topology_key());
        if (it == nodeLabels.end())
            return;
        scores.add(term.topology_key(), it->second, delta);
        touched = true;
    };
    if (hardWeight > 0) {
        const auto &required = interpodaffinity::requiredAffinityTerms(existing);
        const auto valid = [&required] { return interpodaffinity::termsValid(required); };
        int state = 0;
        for (const core::PodAffinityTerm &term : required)
            process(term, hardWeight, valid, state);
    }
    const auto &preferred = interpodaffinity::preferredAffinityTerms(existing);
    const auto preferredValid = [&preferred] {
        return interpodaffinity::weightedTermsValid(preferred);
    };
    int preferredState = 0;
    for (const core::WeightedPodAffinityTerm &term : preferred)
        process(term.pod_affinity_term(), term.weight(), preferredValid, preferredState);
    const auto &preferredAnti = interpodaffinity::preferredAntiAffinityTerms(existing);
    const auto antiValid = [&preferredAnti] {
        return interpodaffinity::weightedTermsValid(preferredAnti);
    };
    int antiState = 0;
    for (const core::WeightedPodAffinityTerm &term : preferredAnti)
        process(term.pod_affinity_term(), -std::int64_t(term.weight()), antiValid, antiState);
    return touched;
}

} // namespace

Result<std::shared_ptr<const Plugin>> InterPodAffinity::create(const PluginContext &context)
{
    return createWithArgs(context, InterPodAffinityArgs{});
}

Result<std::shared_ptr<const Plugin>>
InterPodAffinity::createWithArgs(const PluginContext &, const InterPodAffinityArgs &args)
{
    if (args.hardPodAffinityWeight < 0 || args.hardPodAffinityWeight > 100)
        return Status::invalidArgument(
            "hardPodAffinityWeight: Invalid value: " + std::to_string(args.hardPodAffinityWeight) +
            ": not in valid range [0-100]");
    return std::shared_ptr<const Plugin>(std::make_shared<InterPodAffinity>(args));
}

PluginStatus InterPodAffinity::preFilter(CycleState &state, const core::Pod &pod,
                                         const Snapshot &snapshot, PreFilterResult *) const
{
    auto s = std::make_shared<PreFilterState>();
    if (pod.spec().has_affinity()) {
        // Upstream parses every term of the pod here (framework.NewPodInfo)
        // and turns the pod down when any of them does not parse.
        const ClusterLister &lister = snapshot.lister();
        ParseErrors errors;
        auto affinity = interpodaffinity::compileTerms(
            pod, interpodaffinity::requiredAffinityTerms(pod), lister);
        auto anti = interpodaffinity::compileTerms(
            pod, interpodaffinity::requiredAntiAffinityTerms(pod), lister);
        auto preferred = interpodaffinity::compileWeightedTerms(
            pod, interpodaffinity::preferredAffinityTerms(pod), lister);
        auto preferredAnti = interpodaffinity::compileWeightedTerms(
            pod, interpodaffinity::preferredAntiAffinityTerms(pod), lister);
        errors.take(affinity, "requiredAffinityTerms");
        errors.take(anti, "requiredAntiAffinityTerms");
        errors.take(preferred, "preferredAffinityTerms");
        errors.take(preferredAnti, "preferredAntiAffinityTerms");
        if (!errors.empty())
            return PluginStatus::unresolvable({"parsing pod: " + errors.message()});
        s->affinityTerms = std::move(affinity).value();
        s->antiAffinityTerms = std::move(anti).value();
    }
    s->podNamespace = namespaceOf(pod, snapshot);
    s->podMatchesOwnAffinity = matchesAll(s->affinityTerms, pod);

    // Existing pods' required anti-affinity: only nodes hosting such pods.
    const Labels &nsLabels = s->namespaceLabels();
    const bool anyRequiredAntiAffinity = podsWithRequiredAntiAffinity(snapshot) > 0;
    for (const NodeInfo &nodeInfo : anyRequiredAntiAffinity ? snapshot.nodeInfos() : kNoNodes) {
        if (nodeInfo.numPodsWithRequiredAntiAffinity() == 0)
            continue;
        const Labels &nodeLabels = nodeInfo.node().metadata().labels();
        for (const PodInfo &existing : nodeInfo.pods()) {
            if (existing.hasRequiredAntiAffinity)
                countExistingAntiAffinity(s->existingAntiAffinityCounts, *existing.pod, nodeLabels,
                                          pod, nsLabels, 1);
        }
    }

    // The incoming pod's required terms against every existing pod, counted
    // per node first so each node costs one add per term.
    if (!s->affinityTerms.empty() || !s->antiAffinityTerms.empty()) {
        std::vector<std::int64_t> antiMatches(s->antiAffinityTerms.size());
        for (const NodeInfo &nodeInfo : snapshot.nodeInfos()) {
            if (nodeInfo.pods().empty())
                continue;
            std::int64_t affinityMatches = 0;
            std::fill(antiMatches.begin(), antiMatches.end(), 0);
            for (const PodInfo &existing : nodeInfo.pods()) {
                const core::Pod &p = *existing.pod;
                if (matchesAll(s->affinityTerms, p))
                    ++affinityMatches;
                for (std::size_t i = 0; i < s->antiAffinityTerms.size(); ++i) {
                    if (s->antiAffinityTerms[i].matches(p))
                        ++antiMatches[i];
                }
            }
            const Labels &nodeLabels = nodeInfo.node().metadata().labels();
            if (affinityMatches > 0) {
                for (const AffinityTerm &t : s->affinityTerms)
                    s->affinityCounts.addForNode(t.topologyKey, nodeLabels, affinityMatches);
            }
            for (std::size_t i = 0; i < s->antiAffinityTerms.size(); ++i) {
                if (antiMatches[i] > 0)
                    s->antiAffinityCounts.addForNode(s->antiAffinityTerms[i].topologyKey,
                                                     nodeLabels, antiMatches[i]);
            }
        }
    }

    if (s->existingAntiAffinityCounts.empty() && s->affinityTerms.empty() &&
        s->antiAffinityTerms.empty())
        return PluginStatus::skip();
    state.write(std::string(kPreFilterStateKey), std::move(s));
    return {};
}

PluginStatus InterPodAffinity::filter(const CycleState &state, const core::Pod &,
                                      const NodeInfo &nodeInfo) const
{
    const auto *s = state.read<PreFilterState>(kPreFilterStateKey);
    if (!s)
        return missingState(kPreFilterStateKey);
    const Labels &labels = nodeInfo.node().metadata().labels();

    if (!s->affinityTerms.empty()) {
        bool podsExist = true;
        for (const AffinityTerm &t : s->affinityTerms) {
            const auto it = labels.find(t.topologyKey);
            if (it == labels.end()) // every topology key must be on the node
                return PluginStatus::unresolvable({std::string(kErrReasonAffinityRulesNotMatch)});
            if (s->affinityCounts.count(t.topologyKey, it->second) <= 0)
                podsExist = false;
        }
        // The first pod of a group whose terms select itself may go to any
        // node with the topology keys while no pod anywhere matches.
        if (!podsExist && !(s->affinityCounts.empty() && s->podMatchesOwnAffinity))
            return PluginStatus::unresolvable({std::string(kErrReasonAffinityRulesNotMatch)});
    }

    if (!s->antiAffinityCounts.empty()) {
        for (const AffinityTerm &t : s->antiAffinityTerms) {
            if (s->antiAffinityCounts.countForNode(t.topologyKey, labels) > 0)
                return PluginStatus::unschedulable(
                    {std::string(kErrReasonAntiAffinityRulesNotMatch)});
        }
    }

    if (s->existingAntiAffinityCounts.anyPositiveOnNode(labels))
        return PluginStatus::unschedulable(
            {std::string(kErrReasonExistingAntiAffinityRulesNotMatch)});
    return {};
}

PluginStatus InterPodAffinity::updateWithPod(CycleState &state, const core::Pod &podToSchedule,
                                             const PodInfo &podInfo, const NodeInfo &nodeInfo,
                                             std::int64_t multiplier) const
{
    auto *s = state.readMutable<PreFilterState>(kPreFilterStateKey);
    if (!s)
        return missingState(kPreFilterStateKey);
    if (!podInfo.pod)
        return PluginStatus::error("InterPodAffinity: pod info without a pod");
    const core::Pod &pod = *podInfo.pod;
    const Labels &nodeLabels = nodeInfo.node().metadata().labels();
    countExistingAntiAffinity(s->existingAntiAffinityCounts, pod, nodeLabels, podToSchedule,
                              s->namespaceLabels(), multiplier);
    if (matchesAll(s->affinityTerms, pod)) {
        for (const AffinityTerm &t : s->affinityTerms)
            s->affinityCounts.addForNode(t.topologyKey, nodeLabels, multiplier);
    }
    for (const AffinityTerm &t : s->antiAffinityTerms) {
        if (t.matches(pod))
            s->antiAffinityCounts.addForNode(t.topologyKey, nodeLabels, multiplier);
    }
    return {};
}

PluginStatus InterPodAffinity::addPod(CycleState &state, const core::Pod &podToSchedule,
                                      const PodInfo &podInfo, const NodeInfo &nodeInfo) const
{
    return updateWithPod(state, podToSchedule, podInfo, nodeInfo, 1);
}

PluginStatus InterPodAffinity::removePod(CycleState &state, const core::Pod &podToSchedule,
                                         const PodInfo &podInfo, const NodeInfo &nodeInfo) const
{
    return updateWithPod(state, podToSchedule, podInfo, nodeInfo, -1);
}

PluginStatus InterPodAffinity::preScore(CycleState &state, const core::Pod &pod,
                                        const Snapshot &snapshot,
                                        const std::vector<const NodeInfo *> &nodes) const
{
    if (nodes.empty())
        return PluginStatus::skip();
    const auto &preferredRaw = interpodaffinity::preferredAffinityTerms(pod);
    const auto &preferredAntiRaw = interpodaffinity::preferredAntiAffinityTerms(pod);
    const bool hasConstraints = !preferredRaw.empty() || !preferredAntiRaw.empty();
    if (m_args.ignorePreferredTermsOfExistingPods && !hasConstraints)
        return PluginStatus::skip();
    // (Nothing would touch the scores.)
    if (!hasConstraints && podsWithAffinity(snapshot) == 0)
        return PluginStatus::skip();

    // The incoming pod's preferred terms: affinity first (+weight), then
    // anti-affinity (-weight).
    std::vector<AffinityTerm> terms;
    std::size_t numAffinity = 0;
    if (hasConstraints) {
        ParseErrors errors;
        auto preferred =
            interpodaffinity::compileWeightedTerms(pod, preferredRaw, snapshot.lister());
        auto preferredAnti =
            interpodaffinity::compileWeightedTerms(pod, preferredAntiRaw, snapshot.lister());
        errors.take(preferred, "preferredAffinityTerms");
        errors.take(preferredAnti, "preferredAntiAffinityTerms");
        if (!errors.empty())
            return PluginStatus::error("failed to parse pod: " + errors.message());
        terms = std::move(preferred).value();
        numAffinity = terms.size();
        for (AffinityTerm &t : preferredAnti.value())
            terms.push_back(std::move(t));
    }
    const auto podNamespace = namespaceOf(pod, snapshot);
    const Labels &nsLabels = podNamespace ? podNamespace->metadata().labels() : emptyLabels();

    auto s = std::make_shared<PreScoreState>();
    bool touched = false;
    std::vector<std::int64_t> matches(terms.size());
    for (const NodeInfo &nodeInfo : snapshot.nodeInfos()) {
        if (!hasConstraints && nodeInfo.numPodsWithAffinity() == 0)
            continue;
        const Labels &nodeLabels = nodeInfo.node().metadata().labels();
        if (nodeLabels.empty() || nodeInfo.pods().empty())
            continue;
        if (hasConstraints) {
            std::fill(matches.begin(), matches.end(), 0);
            for (const PodInfo &existing : nodeInfo.pods()) {
                for (std::size_t i = 0; i < terms.size(); ++i) {
                    if (terms[i].matches(*existing.pod))
                        ++matches[i];
                }
            }
            for (std::size_t i = 0; i < terms.size(); ++i) {
                if (matches[i] == 0)
                    continue;
                const auto it = nodeLabels.find(terms[i].topologyKey);
                if (it == nodeLabels.end())
                    continue;
                const std::int64_t sign = i < numAffinity ? 1 : -1;
                s->topologyScore.add(terms[i].topologyKey, it->second,
                                     sign * terms[i].weight * matches[i]);
                touched = true;
            }
        }
        if (nodeInfo.numPodsWithAffinity() == 0)
            continue;
        for (const PodInfo &existing : nodeInfo.pods()) {
            if (existing.hasAffinity &&
                scoreExistingPodTerms(s->topologyScore, *existing.pod, nodeLabels, pod, nsLabels,
                                      m_args.hardPodAffinityWeight))
                touched = true;
        }
    }
    if (!touched)
        return PluginStatus::skip();
    state.write(std::string(kPreScoreStateKey), std::move(s));
    return {};
}

PluginStatus InterPodAffinity::score(const CycleState &state, const core::Pod &,
                                     const NodeInfo &nodeInfo, std::int64_t *score) const
{
    const auto *s = state.read<PreScoreState>(kPreScoreStateKey);
    if (!s)
        return missingState(kPreScoreStateKey);
    *score = s->topologyScore.sumForNode(nodeInfo.node().metadata().labels());
    return {};
}

PluginStatus InterPodAffinity::normalizeScore(const CycleState &state, const core::Pod &,
                                              std::vector<NodeScore> &scores) const
{
    const auto *s = state.read<PreScoreState>(kPreScoreStateKey);
    if (!s)
        return missingState(kPreScoreStateKey);
    if (s->topologyScore.empty() || scores.empty())
        return {};
    std::int64_t minCount = std::numeric_limits<std::int64_t>::max();
    std::int64_t maxCount = std::numeric_limits<std::int64_t>::min();
    for (const NodeScore &n : scores) {
        minCount = std::min(minCount, n.score);
        maxCount = std::max(maxCount, n.score);
    }
    const std::int64_t diff = maxCount - minCount;
    for (NodeScore &n : scores) {
        double f = 0;
        if (diff > 0)
            f = double(kMaxNodeScore) * (double(n.score - minCount) / double(diff));
        n.score = static_cast<std::int64_t>(f);
    }
    return {};
}

} // namespace kubist::scheduler::plugins
