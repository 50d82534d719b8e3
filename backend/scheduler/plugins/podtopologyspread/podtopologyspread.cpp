#include "backend/scheduler/plugins/podtopologyspread/podtopologyspread.h"

#include "backend/api/labelselector.h"
#include "backend/scheduler/framework/clusterlister.h"
#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/snapshot.h"
#include "backend/scheduler/framework/taints.h"
#include "backend/scheduler/plugins/nodeaffinity/nodeaffinity.h"
#include "backend/scheduler/plugins/podtopologyspread/spreadselector.h"

#include "apps_v1.pb.h"
#include "core_v1.pb.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;
namespace apps = k8s::io::api::apps::v1;
using LabelMap = google::protobuf::Map<std::string, std::string>;

namespace {

constexpr std::string_view kPreFilterStateKey = "PreFilterPodTopologySpread";
constexpr std::string_view kPreScoreStateKey = "PreScorePodTopologySpread";
constexpr std::string_view kLabelHostname = "kubernetes.io/hostname";
constexpr std::string_view kLabelTopologyZone = "topology.kubernetes.io/zone";
constexpr std::string_view kDoNotSchedule = "DoNotSchedule";
constexpr std::string_view kScheduleAnyway = "ScheduleAnyway";
constexpr std::string_view kPolicyHonor = "Honor";
constexpr std::string_view kPolicyIgnore = "Ignore";

// Markers in the per-(node, constraint) domain tables; ids are >= 0.
constexpr std::int32_t kNoDomain = -1;   // has the key; value not (yet) a domain
constexpr std::int32_t kMissingKey = -2; // lacks the topology key

// topologySpreadConstraint with its selector compiled.
struct Constraint
{
    std::int32_t maxSkew = 1;
    std::string topologyKey;
    SpreadSelector selector;
    std::int32_t minDomains = 1;
    bool honorNodeAffinity = true;
    bool honorNodeTaints = false;
    bool isHostname = false;
};
using Constraints = std::vector<Constraint>;

// Topology value -> domain id. Keys view label values of the snapshot's
// nodes (or strings the state owns).
using DomainIndex = std::unordered_map<std::string_view, std::int32_t>;

std::optional<std::size_t> indexIn(const NodeInfo *begin, std::size_t count, const NodeInfo &info)
{
    if (!begin)
        return std::nullopt;
    const auto b = reinterpret_cast<std::uintptr_t>(begin);
    const auto p = reinterpret_cast<std::uintptr_t>(&info);
    if (p < b)
        return std::nullopt;
    const std::size_t offset = (p - b) / sizeof(NodeInfo);
    if (offset >= count || begin + offset != &info)
        return std::nullopt;
    return offset;
}

bool isCountable(const core::Pod &pod, const std::string &ns)
{
    return !pod.metadata().has_deletion_timestamp() && pod.metadata().namespace_() == ns;
}

// Upstream countPodsMatchSelector.
std::int64_t countPodsMatchSelector(const std::vector<PodInfo> &pods,
                                    const SpreadSelector &selector, const std::string &ns)
{
    if (selector.isEmpty())
        return 0;
    std::int64_t count = 0;
    for (const PodInfo &info : pods) {
        if (isCountable(*info.pod, ns) && selector.matches(info.pod->metadata().labels()))
            ++count;
    }
    return count;
}

bool nodeHasAllKeys(const NodeInfo &info, const Constraints &constraints)
{
    for (const Constraint &c : constraints) {
        if (!info.label(c.topologyKey))
            return false;
    }
    return true;
}

// Per snapshot node, the pods in `ns` matching each constraint's selector
// (upstream countPodsMatchSelector on every node), from the snapshot's
// per-node answers (Snapshot::countPerNode), so only nodes that changed since
// the last cycle are counted again. Constraints with an empty selector get
// no column; constraints with one selector share it. `grouped`: the columns
// of constraints other than hostname ones also sum the counts per domain of
// their topology key. `onlyAllKeys`: nodes lacking any constraint's key
// count 0.
std::vector<std::shared_ptr<const Snapshot::Counts>> matchingPerNode(const Snapshot &snapshot,
                                                                     const Constraints &cs,
                                                                     const std::string &ns,
                                                                     bool grouped, bool onlyAllKeys)
{
    std::vector<std::shared_ptr<const Snapshot::Counts>> columns(cs.size());
    std::vector<std::string> questions(cs.size());
    std::string keys;
    if (onlyAllKeys) {
        keys = "|nodes with";
        for (const Constraint &c : cs)
            keys += " " + c.topologyKey;
    }
    auto groupOf = [&](std::size_t i) {
        return grouped && !cs[i].isHostname ? std::string_view(cs[i].topologyKey)
                                            : std::string_view();
    };
    // Grouped columns first, so that hostname constraints can share them.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < cs.size(); ++i) {
        if (!groupOf(i).empty())
            order.push_back(i);
    }
    for (std::size_t i = 0; i < cs.size(); ++i) {
        if (groupOf(i).empty())
            order.push_back(i);
    }
    for (const std::size_t i : order) {
        if (cs[i].selector.isEmpty())
            continue;
        questions[i] = "PodTopologySpread|" + ns + "|" +
                       (cs[i].selector.isNothing() ? std::string("<nothing>")
                                                   : cs[i].selector.selector().toString()) +
                       keys;
        for (std::size_t j = 0; j < cs.size() && !columns[i]; ++j) {
            if (columns[j] && questions[j] == questions[i] &&
                (groupOf(i).empty() || groupOf(j) == groupOf(i)))
                columns[i] = columns[j];
        }
        if (columns[i])
            continue;
        const SpreadSelector &selector = cs[i].selector;
        columns[i] = snapshot.countPerNode(
            questions[i],
            [&](const NodeInfo &info) {
                if (onlyAllKeys && !nodeHasAllKeys(info, cs))
                    return std::int32_t(0);
                return static_cast<std::int32_t>(countPodsMatchSelector(info.pods(), selector, ns));
            },
            groupOf(i));
    }
    return columns;
}

bool hasRequiredNodeAffinity(const core::Pod &pod)
{
    if (!pod.spec().node_selector().empty())
        return true;
    return pod.spec().has_affinity() && pod.spec().affinity().has_node_affinity() &&
           pod.spec()
               .affinity()
               .node_affinity()
               .has_required_during_scheduling_ignored_during_execution();
}

bool toleratesDoNotScheduleTaints(const core::Pod &pod, const core::Node &node)
{
    for (const core::Taint &taint : node.spec().taints()) {
        if (taint.effect() != kTaintEffectNoSchedule && taint.effect() != kTaintEffectNoExecute)
            continue;
        if (!tolerationsTolerateTaint(pod.spec().tolerations(), taint))
            return false;
    }
    return true;
}

// Per node, the answers of the node inclusion policies, computed on first
// use (upstream matchNodeInclusionPolicies).
class InclusionCheck
{
public:
    InclusionCheck(const core::Pod &pod, const core::Node &node, bool podHasAffinity)
        : m_pod(pod)
        , m_node(node)
        , m_podHasAffinity(podHasAffinity)
    {}

    bool matches(const Constraint &c)
    {
        if (c.honorNodeAffinity && m_podHasAffinity) {
            if (m_affinity == kUnknown)
                m_affinity = NodeAffinity::requiredMatches(m_pod, m_node) ? kYes : kNo;
            if (m_affinity == kNo)
                return false;
        }
        if (c.honorNodeTaints) {
            if (m_taints == kUnknown)
                m_taints = toleratesDoNotScheduleTaints(m_pod, m_node) ? kYes : kNo;
            if (m_taints == kNo)
                return false;
        }
        return true;
    }

private:
    const core::Pod &m_pod;
    const core::Node &m_node;
    bool m_podHasAffinity;
    // Tri-state answers (std::optional<bool> trips GCC 12's
    // -Wmaybe-uninitialized here).
    static constexpr signed char kUnknown = -1, kNo = 0, kYes = 1;
    signed char m_affinity = kUnknown;
    signed char m_taints = kUnknown;
};

Result<api::LabelSelector> mergeMatchLabelKeys(api::LabelSelector selector,
                                               const core::TopologySpreadConstraint &c,
                                               const LabelMap &podLabels)
{
    if (c.match_label_keys().empty() || selector.isNothing())
        return selector;
    for (const std::string &key : c.match_label_keys()) {
        const auto it = podLabels.find(key);
        if (it == podLabels.end())
            continue;
        auto requirement = api::LabelSelector::makeRequirement(
            key, api::LabelSelector::Operator::Equals, {it->second});
        if (!requirement.isOk())
            return requirement.status();
        selector = selector.withRequirement(std::move(*requirement));
    }
    return selector;
}

// Upstream filterTopologySpreadConstraints.
Result<Constraints>
filterConstraints(const google::protobuf::RepeatedPtrField<core::TopologySpreadConstraint> &all,
                  const LabelMap &podLabels, std::string_view action)
{
    Constraints result;
    for (const core::TopologySpreadConstraint &c : all) {
        if (c.when_unsatisfiable() != action)
            continue;
        auto selector =
            api::LabelSelector::fromProto(c.has_label_selector() ? &c.label_selector() : nullptr);
        if (!selector.isOk())
            return selector.status();
        auto merged = mergeMatchLabelKeys(std::move(*selector), c, podLabels);
        if (!merged.isOk())
            return merged.status();
        Constraint constraint;
        constraint.maxSkew = c.max_skew();
        constraint.topologyKey = c.topology_key();
        constraint.selector = SpreadSelector(*merged);
        constraint.minDomains = c.has_min_domains() ? c.min_domains() : 1;
        constraint.honorNodeAffinity = c.node_affinity_policy() != kPolicyIgnore;
        constraint.honorNodeTaints = c.node_taints_policy() == kPolicyHonor;
        constraint.isHostname = c.topology_key() == kLabelHostname;
        result.push_back(std::move(constraint));
    }
    return result;
}

// Upstream getConstraints / the constraint half of initPreScoreState.
Result<Constraints>
constraintsFor(const core::Pod &pod, std::string_view action,
               const std::vector<PodTopologySpread::DefaultConstraint> &defaults,
               const ClusterLister &lister)
{
    if (!pod.spec().topology_spread_constraints().empty())
        return filterConstraints(pod.spec().topology_spread_constraints(), pod.metadata().labels(),
                                 action);
    Constraints result;
    for (const PodTopologySpread::DefaultConstraint &d : defaults) {
        if (d.whenUnsatisfiable != action)
            continue;
        Constraint constraint;
        constraint.maxSkew = d.maxSkew;
        constraint.topologyKey = d.topologyKey;
        constraint.isHostname = d.topologyKey == kLabelHostname;
        result.push_back(std::move(constraint));
    }
    if (result.empty())
        return result;
    const api::LabelSelector selector = PodTopologySpread::defaultSelector(pod, lister);
    if (selector.isEmpty())
        return Constraints();
    const SpreadSelector compiled(selector);
    for (Constraint &c : result)
        c.selector = compiled;
    return result;
}

// Upstream criticalPaths, over domain ids: [0] holds the minimum count,
// [1] a count >= it (not necessarily the second smallest).
struct CriticalPaths
{
    struct Path
    {
        std::int32_t domain = kNoDomain;
        std::int64_t matchNum = INT32_MAX;
    };
    Path paths[2];

    void update(std::int32_t domain, std::int64_t num)
    {
        int i = -1;
        if (domain == paths[0].domain)
            i = 0;
        else if (domain == paths[1].domain)
            i = 1;
        if (i >= 0) {
            paths[i].matchNum = num;
            if (paths[0].matchNum > paths[1].matchNum)
                std::swap(paths[0], paths[1]);
        } else if (num < paths[0].matchNum) {
            paths[1] = paths[0];
            paths[0] = {domain, num};
        } else if (num < paths[1].matchNum) {
            paths[1] = {domain, num};
        }
    }
};

struct PreFilterState final : StateData
{
    struct PerConstraint
    {
        // Shared between clones until one of them adds a domain.
        std::shared_ptr<DomainIndex> domains;
        std::vector<std::int64_t> matchNum; // by domain id
        CriticalPaths criticalPaths;
        bool selfMatch = false;
    };

    std::shared_ptr<const Constraints> constraints;
    std::vector<PerConstraint> perConstraint;
    // The snapshot's nodes, and per node and constraint its domain id (or
    // a marker), row-major by node: the O(1) path of Filter.
    const NodeInfo *nodes = nullptr;
    std::size_t numNodes = 0;
    std::shared_ptr<const std::vector<std::int32_t>> nodeDomain;
    // Values of domains first seen in addPod/removePod.
    std::vector<std::shared_ptr<const std::string>> ownedValues;

    std::shared_ptr<StateData> clone() const override
    {
        return std::make_shared<PreFilterState>(*this);
    }

    std::int64_t minMatchNum(std::size_t i, std::int32_t minDomains) const
    {
        const PerConstraint &pc = perConstraint[i];
        if (static_cast<std::int64_t>(pc.domains->size()) < minDomains)
            return 0;
        return pc.criticalPaths.paths[0].matchNum;
    }

    std::int32_t lookup(std::size_t i, std::string_view value) const
    {
        const DomainIndex &domains = *perConstraint[i].domains;
        const auto it = domains.find(value);
        return it == domains.end() ? kNoDomain : it->second;
    }

    std::int32_t findOrAdd(std::size_t i, const std::string &value)
    {
        PerConstraint &pc = perConstraint[i];
        if (const std::int32_t id = lookup(i, value); id != kNoDomain)
            return id;
        if (pc.domains.use_count() > 1)
            pc.domains = std::make_shared<DomainIndex>(*pc.domains);
        ownedValues.push_back(std::make_shared<const std::string>(value));
        const auto id = static_cast<std::int32_t>(pc.matchNum.size());
        pc.domains->emplace(std::string_view(*ownedValues.back()), id);
        pc.matchNum.push_back(0);
        return id;
    }
};

struct PreScoreState final : StateData
{
    // What preScore knew of each snapshot node (nodeState).
    static constexpr char kNotGiven = 0; // not among the feasible nodes
    static constexpr char kFeasible = 1;
    static constexpr char kIgnored = 2; // feasible, missing a topology key

    std::shared_ptr<const Constraints> constraints;
    // Per constraint (hostname ones unused): domain ids of the feasible
    // nodes' values ("" for a missing key) and the matching pod counts.
    // The keys view the snapshot's domain names (held by `topology`) or
    // label values of the nodes preScore was given.
    std::vector<DomainIndex> domains;
    std::vector<std::vector<std::int64_t>> counts;
    std::vector<std::shared_ptr<const Snapshot::Domains>> topology;
    std::vector<double> weights;
    // Feasible nodes missing a topology key (scored 0); views of names.
    std::unordered_set<std::string_view> ignoredNodes;
    // Fast path for the snapshot's nodes: per node, kNotGiven / kFeasible /
    // kIgnored; per constraint, the domain number of each node (its
    // topology's ofNode; -1: missing key) and then, for hostname
    // constraints, the node's own matching pods (by node index), for the
    // others the count of the domain (by number; only numbers of feasible
    // nodes are filled in).
    const NodeInfo *nodes = nullptr;
    std::size_t numNodes = 0;
    bool allFeasible = false; // every snapshot node, so nodeState is not kept
    std::vector<char> nodeState;
    std::vector<const std::int32_t *> numberOf;
    std::vector<const std::int32_t *> hostCount;
    std::vector<std::vector<std::int64_t>> countOfNumber;
    // The above per constraint in one row each, for Score.
    struct Term
    {
        const std::int32_t *numberOf = nullptr;
        const std::int32_t *hostCount = nullptr;     // hostname constraints
        const std::int64_t *countOfNumber = nullptr; // the others
        bool isHostname = false;
        double weight = 0;
        double maxSkewMinusOne = 0;
    };
    std::vector<Term> terms;
    // Hold what numberOf and hostCount point into.
    std::vector<std::shared_ptr<const Snapshot::Counts>> matching;
};

std::string readError(std::string_view key)
{
    return "reading \"" + std::string(key) + "\" from cycleState: not found";
}

} // namespace

Result<std::shared_ptr<const Plugin>> PodTopologySpread::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<PodTopologySpread>());
}

PodTopologySpread::PodTopologySpread()
    : PodTopologySpread(Options())
{}

PodTopologySpread::PodTopologySpread(Options options)
    : m_options(std::move(options))
{
    if (m_options.systemDefaulting)
        m_options.defaultConstraints = systemDefaultConstraints();
}

std::vector<PodTopologySpread::DefaultConstraint> PodTopologySpread::systemDefaultConstraints()
{
    return {
        {3, std::string(kLabelHostname), std::string(kScheduleAnyway)},
        {5, std::string(kLabelTopologyZone), std::string(kScheduleAnyway)},
    };
}

api::LabelSelector PodTopologySpread::defaultSelector(const core::Pod &pod,
                                                      const ClusterLister &lister)
{
    const std::string &ns = pod.metadata().namespace_();
    const LabelMap &podLabels = pod.metadata().labels();

    std::map<std::string, std::string> labelSet;
    for (const auto &service : lister.services(ns)) {
        if (!service || service->spec().selector().empty())
            continue;
        bool selects = true;
        for (const auto &[key, value] : service->spec().selector()) {
            const auto it = podLabels.find(key);
            if (it == podLabels.end() || it->second != value) {
                selects = false;
                break;
            }
        }
        if (!selects)
            continue;
        for (const auto &[key, value] : service->spec().selector())
            labelSet[key] = value;
    }
    api::LabelSelector selector;
    for (const auto &[key, value] : labelSet) {
        auto requirement =
            api::LabelSelector::makeRequirement(key, api::LabelSelector::Operator::Equals, {value});
        if (requirement.isOk())
            selector = selector.withRequirement(std::move(*requirement));
    }

    const k8s::io::apimachinery::pkg::apis::meta::v1::OwnerReference *owner = nullptr;
    for (const auto &ref : pod.metadata().owner_references()) {
        if (ref.controller()) {
            owner = &ref;
            break;
        }
    }
    if (!owner || owner->kind() != "ReplicaSet" || owner->api_version() != "apps/v1")
        return selector;
    for (const auto &rs : lister.replicaSets(ns)) {
        if (!rs || rs->metadata().name() != owner->name())
            continue;
        const auto other = api::LabelSelector::fromProto(
            rs->spec().has_selector() ? &rs->spec().selector() : nullptr);
        if (other.isOk() && !other->isNothing()) {
            for (const api::LabelSelector::Requirement &r : other->requirements())
                selector = selector.withRequirement(r);
        }
        break;
    }
    return selector;
}

PluginStatus PodTopologySpread::preFilter(CycleState &state, const core::Pod &pod,
                                          const Snapshot &snapshot, PreFilterResult *) const
{
    auto built =
        constraintsFor(pod, kDoNotSchedule, m_options.defaultConstraints, snapshot.lister());
    if (!built.isOk())
        return PluginStatus::error(
            "get constraints from pod: obtaining pod's hard topology spread constraints: " +
            built.status().message());
    if (built->empty())
        return PluginStatus::skip();

    auto s = std::make_shared<PreFilterState>();
    auto constraints = std::make_shared<const Constraints>(std::move(*built));
    const Constraints &cs = *constraints;
    const std::size_t nc = cs.size();
    const std::vector<NodeInfo> &nodes = snapshot.nodeInfos();
    const std::size_t n = nodes.size();
    const std::string &ns = pod.metadata().namespace_();
    const bool podHasAffinity = hasRequiredNodeAffinity(pod);
    const auto matching = matchingPerNode(snapshot, cs, ns, false, false);

    s->constraints = constraints;
    s->perConstraint.resize(nc);
    for (std::size_t i = 0; i < nc; ++i) {
        auto &pc = s->perConstraint[i];
        pc.domains = std::make_shared<DomainIndex>();
        if (cs[i].isHostname)
            pc.domains->reserve(n);
        pc.selfMatch = cs[i].selector.matches(pod.metadata().labels());
    }
    auto nodeDomain = std::make_shared<std::vector<std::int32_t>>(n * nc, kNoDomain);
    std::vector<std::int32_t> &table = *nodeDomain;

    std::vector<std::size_t> pending; // nodes with a known key but no domain yet
    std::vector<const std::string *> values(nc, nullptr);
    std::vector<std::size_t> counted;
    counted.reserve(nc);
    for (std::size_t node = 0; node < n; ++node) {
        const core::Node &object = nodes[node].node();
        std::int32_t *row = table.data() + node * nc;
        bool allKeys = true;
        for (std::size_t i = 0; i < nc; ++i) {
            const std::string *value = nodes[node].label(cs[i].topologyKey);
            if (!value) {
                row[i] = kMissingKey;
                allKeys = false;
            } else {
                values[i] = value;
            }
        }
        if (!allKeys) {
            pending.push_back(node);
            continue;
        }
        InclusionCheck inclusion(pod, object, podHasAffinity);
        counted.clear();
        bool skipped = false;
        for (std::size_t i = 0; i < nc; ++i) {
            if (!inclusion.matches(cs[i])) {
                skipped = true;
                continue;
            }
            auto &pc = s->perConstraint[i];
            const auto [it, added] = pc.domains->try_emplace(
                std::string_view(*values[i]), static_cast<std::int32_t>(pc.matchNum.size()));
            if (added)
                pc.matchNum.push_back(0);
            row[i] = it->second;
            if (!cs[i].selector.isEmpty())
                counted.push_back(i);
        }
        if (skipped)
            pending.push_back(node);
        if (counted.empty())
            continue;
        for (const std::size_t i : counted)
            s->perConstraint[i].matchNum[row[i]] += matching[i]->perNode[node];
    }
    // Nodes that are not eligible still see the count of their domain.
    for (const std::size_t node : pending) {
        const LabelMap &labels = nodes[node].node().metadata().labels();
        std::int32_t *row = table.data() + node * nc;
        for (std::size_t i = 0; i < nc; ++i) {
            if (row[i] != kNoDomain)
                continue;
            row[i] = s->lookup(i, labels.at(cs[i].topologyKey));
        }
    }
    for (auto &pc : s->perConstraint) {
        for (std::size_t id = 0; id < pc.matchNum.size(); ++id)
            pc.criticalPaths.update(static_cast<std::int32_t>(id), pc.matchNum[id]);
    }
    s->nodes = nodes.data();
    s->numNodes = n;
    s->nodeDomain = std::move(nodeDomain);
    state.write(std::string(kPreFilterStateKey), std::move(s));
    return {};
}

PluginStatus PodTopologySpread::filter(const CycleState &state, const core::Pod &,
                                       const NodeInfo &nodeInfo) const
{
    const PreFilterState *s = state.read<PreFilterState>(kPreFilterStateKey);
    if (!s)
        return PluginStatus::error(readError(kPreFilterStateKey));
    const Constraints &cs = *s->constraints;
    const std::size_t nc = cs.size();
    const auto index = indexIn(s->nodes, s->numNodes, nodeInfo);
    const std::int32_t *row = index ? s->nodeDomain->data() + *index * nc : nullptr;
    const LabelMap &labels = nodeInfo.node().metadata().labels();

    for (std::size_t i = 0; i < nc; ++i) {
        const Constraint &c = cs[i];
        std::int32_t domain = row ? row[i] : kNoDomain;
        if (!row || domain == kNoDomain) {
            const auto it = labels.find(c.topologyKey);
            domain = it == labels.end() ? kMissingKey : s->lookup(i, it->second);
        }
        if (domain == kMissingKey)
            return PluginStatus::unresolvable({std::string(kErrReasonNodeLabelNotMatch)});
        const std::int64_t minMatchNum = s->minMatchNum(i, c.minDomains);
        const std::int64_t selfMatchNum = s->perConstraint[i].selfMatch ? 1 : 0;
        const std::int64_t matchNum = domain >= 0 ? s->perConstraint[i].matchNum[domain] : 0;
        if (matchNum + selfMatchNum - minMatchNum > c.maxSkew)
            return PluginStatus::unschedulable({std::string(kErrReasonConstraintsNotMatch)});
    }
    return {};
}

PluginStatus PodTopologySpread::addPod(CycleState &state, const core::Pod &podToSchedule,
                                       const PodInfo &podInfo, const NodeInfo &nodeInfo) const
{
    return updateWithPod(state, *podInfo.pod, podToSchedule, nodeInfo, 1);
}

PluginStatus PodTopologySpread::removePod(CycleState &state, const core::Pod &podToSchedule,
                                          const PodInfo &podInfo, const NodeInfo &nodeInfo) const
{
    return updateWithPod(state, *podInfo.pod, podToSchedule, nodeInfo, -1);
}

PluginStatus PodTopologySpread::updateWithPod(CycleState &state, const core::Pod &updatedPod,
                                              const core::Pod &preemptor, const NodeInfo &nodeInfo,
                                              int delta) const
{
    PreFilterState *s = state.readMutable<PreFilterState>(kPreFilterStateKey);
    if (!s)
        return PluginStatus::error(readError(kPreFilterStateKey));
    if (updatedPod.metadata().namespace_() != preemptor.metadata().namespace_())
        return {};
    const Constraints &cs = *s->constraints;
    const core::Node &node = nodeInfo.node();
    const LabelMap &labels = node.metadata().labels();
    if (!nodeHasAllKeys(nodeInfo, cs))
        return {};
    InclusionCheck inclusion(preemptor, node, hasRequiredNodeAffinity(preemptor));
    const LabelMap &podLabels = updatedPod.metadata().labels();
    for (std::size_t i = 0; i < cs.size(); ++i) {
        if (!cs[i].selector.matches(podLabels) || !inclusion.matches(cs[i]))
            continue;
        const std::int32_t id = s->findOrAdd(i, labels.at(cs[i].topologyKey));
        auto &pc = s->perConstraint[i];
        pc.matchNum[id] += delta;
        pc.criticalPaths.update(id, pc.matchNum[id]);
    }
    return {};
}

PluginStatus PodTopologySpread::preScore(CycleState &state, const core::Pod &pod,
                                         const Snapshot &snapshot,
                                         const std::vector<const NodeInfo *> &filtered) const
{
    if (snapshot.numNodes() == 0)
        return PluginStatus::skip();
    auto built =
        constraintsFor(pod, kScheduleAnyway, m_options.defaultConstraints, snapshot.lister());
    if (!built.isOk())
        return PluginStatus::error(
            "calculating preScoreState: obtaining pod's soft topology spread constraints: " +
            built.status().message());
    if (built->empty())
        return PluginStatus::skip();

    auto s = std::make_shared<PreScoreState>();
    s->constraints = std::make_shared<const Constraints>(std::move(*built));
    const Constraints &cs = *s->constraints;
    const std::size_t nc = cs.size();
    const std::vector<NodeInfo> &nodes = snapshot.nodeInfos();
    const std::size_t n = nodes.size();
    const std::string &ns = pod.metadata().namespace_();
    // Only non-default constraints need every topology key on a node, so
    // nodes without a zone label still get hostname spreading.
    const bool requireAllTopologies =
        !pod.spec().topology_spread_constraints().empty() || !m_options.systemDefaulting;

    s->domains.resize(nc);
    s->counts.resize(nc);
    s->nodes = nodes.data();
    s->numNodes = n;

    // Each constraint's topology as numbers per node (Snapshot::domains), and
    // the domain id of each number in this cycle (kNoDomain: no feasible node
    // has it). A node without the key, or with an empty value, is in the
    // domain "" (slot names.size()), as upstream's topologyPair{key, ""}.
    s->topology.resize(nc);
    s->numberOf.resize(nc);
    std::vector<std::vector<std::int32_t>> idOf(nc);
    for (std::size_t i = 0; i < nc; ++i) {
        s->topology[i] = snapshot.domains(cs[i].topologyKey);
        s->numberOf[i] = s->topology[i]->ofNode.data();
        if (!cs[i].isHostname) // (hostname constraints have no domains here)
            idOf[i].assign(s->topology[i]->names.size() + 1, kNoDomain);
    }
    auto slotOfNumber = [&](std::size_t i, std::int32_t number) -> std::size_t {
        const auto &names = s->topology[i]->names;
        return number < 0 || names[static_cast<std::size_t>(number)].empty()
                   ? names.size()
                   : static_cast<std::size_t>(number);
    };
    auto hasAllKeys = [&](std::size_t node) {
        for (std::size_t i = 0; i < nc; ++i) {
            if (s->numberOf[i][node] < 0)
                return false;
        }
        return true;
    };
    auto addDomain = [&](std::size_t i, std::string_view value) {
        const auto [entry, added] =
            s->domains[i].try_emplace(value, static_cast<std::int32_t>(s->counts[i].size()));
        if (added)
            s->counts[i].push_back(0);
        return entry->second;
    };

    // Matching pods per node and, without inclusion policies, a domain's
    // count as the snapshot's sum over its nodes (kept up to date as nodes
    // change); with them, which nodes count depends on this pod, so every
    // node is visited below.
    const bool podHasAffinity = hasRequiredNodeAffinity(pod);
    bool anyInclusionPolicy = false; // else every node is included
    for (const Constraint &c : cs)
        anyInclusionPolicy =
            anyInclusionPolicy || (c.honorNodeAffinity && podHasAffinity) || c.honorNodeTaints;
    s->matching = matchingPerNode(snapshot, cs, ns, !anyInclusionPolicy, requireAllTopologies);
    const auto &matching = s->matching;

    // initPreScoreState: the domains of the feasible nodes. When they are
    // all the snapshot's nodes (as usual) and every node counts, those are
    // the domains the snapshot's sums have nodes in.
    bool allFeasible = filtered.size() == n && !requireAllTopologies && !anyInclusionPolicy;
    for (std::size_t i = 0; i < nc && allFeasible; ++i)
        allFeasible = cs[i].isHostname || matching[i];
    for (std::size_t k = 0; k < n && allFeasible; ++k)
        allFeasible = filtered[k] == &nodes[k];
    s->allFeasible = allFeasible;
    if (allFeasible) {
        for (std::size_t i = 0; i < nc; ++i) {
            if (cs[i].isHostname)
                continue;
            const Snapshot::Counts &column = *matching[i];
            const std::size_t none = s->topology[i]->names.size();
            const std::size_t numbers = std::min(column.nodesPerDomain.size(), none);
            auto add = [&](std::size_t slot) {
                std::int32_t &id = idOf[i][slot];
                if (id == kNoDomain)
                    id = addDomain(i, slot == none ? std::string_view()
                                                   : std::string_view(s->topology[i]->names[slot]));
            };
            for (std::size_t number = 0; number < numbers; ++number) {
                if (column.nodesPerDomain[number] > 0)
                    add(slotOfNumber(i, static_cast<std::int32_t>(number)));
            }
            if (column.nodesWithoutLabel > 0)
                add(none);
        }
    } else {
        s->nodeState.assign(n, PreScoreState::kNotGiven);
    }
    const std::vector<const NodeInfo *> none;
    for (const NodeInfo *info : allFeasible ? none : filtered) {
        const auto index = indexIn(s->nodes, n, *info);
        if (!index) { // not one of the snapshot's nodes: by its labels
            if (requireAllTopologies && !nodeHasAllKeys(*info, cs)) {
                s->ignoredNodes.insert(std::string_view(info->name()));
                continue;
            }
            for (std::size_t i = 0; i < nc; ++i) {
                if (cs[i].isHostname)
                    continue;
                const std::string *label = info->label(cs[i].topologyKey);
                const std::string_view value = label ? std::string_view(*label) : "";
                const std::int32_t id = addDomain(i, value);
                const auto &names = s->topology[i]->names;
                const auto known = std::find(names.begin(), names.end(), value);
                if (value.empty())
                    idOf[i][names.size()] = id;
                else if (known != names.end())
                    idOf[i][static_cast<std::size_t>(known - names.begin())] = id;
            }
            continue;
        }
        const std::size_t node = *index;
        if (requireAllTopologies && !hasAllKeys(node)) {
            s->ignoredNodes.insert(std::string_view(info->name()));
            s->nodeState[node] = PreScoreState::kIgnored;
            continue;
        }
        s->nodeState[node] = PreScoreState::kFeasible;
        for (std::size_t i = 0; i < nc; ++i) {
            if (cs[i].isHostname)
                continue;
            const std::size_t slot = slotOfNumber(i, s->numberOf[i][node]);
            std::int32_t &id = idOf[i][slot];
            if (id == kNoDomain)
                id = addDomain(i, slot == s->topology[i]->names.size()
                                      ? std::string_view()
                                      : std::string_view(s->topology[i]->names[slot]));
        }
    }
    s->weights.resize(nc);
    for (std::size_t i = 0; i < nc; ++i) {
        const std::size_t size =
            cs[i].isHostname ? filtered.size() - s->ignoredNodes.size() : s->domains[i].size();
        s->weights[i] = std::log(static_cast<double>(size + 2));
    }

    // Count matching pods over all nodes, for the domains found above; the
    // feasible nodes' own counts for the hostname constraints (which
    // upstream counts in Score) are the per-node column.
    if (!anyInclusionPolicy) {
        for (std::size_t i = 0; i < nc; ++i) {
            if (cs[i].isHostname || !matching[i] || s->counts[i].empty())
                continue;
            const Snapshot::Counts &column = *matching[i];
            const std::size_t none = s->topology[i]->names.size();
            // (Numbers beyond `none` are of domains no node of this snapshot
            // is in: another copy of it added them; their sums are 0.)
            const std::size_t numbers = std::min(column.perDomain.size(), none);
            for (std::size_t number = 0; number < numbers; ++number) {
                const std::int32_t id = idOf[i][slotOfNumber(i, static_cast<std::int32_t>(number))];
                if (id != kNoDomain)
                    s->counts[i][static_cast<std::size_t>(id)] += column.perDomain[number];
            }
            if (idOf[i][none] != kNoDomain)
                s->counts[i][static_cast<std::size_t>(idOf[i][none])] += column.withoutLabel;
        }
    } else {
        for (std::size_t node = 0; node < n; ++node) {
            if (requireAllTopologies && !hasAllKeys(node))
                continue;
            InclusionCheck inclusion(pod, nodes[node].node(), podHasAffinity);
            for (std::size_t i = 0; i < nc; ++i) {
                if (cs[i].isHostname || !matching[i] || s->counts[i].empty())
                    continue;
                const std::int32_t id = idOf[i][slotOfNumber(i, s->numberOf[i][node])];
                if (id == kNoDomain || !inclusion.matches(cs[i]))
                    continue;
                s->counts[i][static_cast<std::size_t>(id)] += matching[i]->perNode[node];
            }
        }
    }
    s->hostCount.assign(nc, nullptr);
    s->countOfNumber.resize(nc);
    for (std::size_t i = 0; i < nc; ++i) {
        if (cs[i].isHostname) {
            if (matching[i])
                s->hostCount[i] = matching[i]->perNode.data();
            continue;
        }
        const std::size_t numbers = s->topology[i]->names.size();
        s->countOfNumber[i].assign(numbers, 0);
        for (std::size_t number = 0; number < numbers; ++number) {
            const std::int32_t id = idOf[i][slotOfNumber(i, static_cast<std::int32_t>(number))];
            if (id != kNoDomain)
                s->countOfNumber[i][number] = s->counts[i][static_cast<std::size_t>(id)];
        }
    }
    s->terms.resize(nc);
    for (std::size_t i = 0; i < nc; ++i) {
        PreScoreState::Term &t = s->terms[i];
        t.numberOf = s->numberOf[i];
        t.hostCount = s->hostCount[i];
        t.countOfNumber = s->countOfNumber[i].data();
        t.isHostname = cs[i].isHostname;
        t.weight = s->weights[i];
        t.maxSkewMinusOne = static_cast<double>(cs[i].maxSkew - 1);
    }
    state.write(std::string(kPreScoreStateKey), std::move(s));
    return {};
}

namespace {

// std::round, without a call into libm for the usual case (a small
// non-negative total): the same value, as the fraction x - trunc(x) is
// exact below 2^52.
std::int64_t roundScore(double total)
{
    if (total >= 0 && total < 4.0e15) {
        const auto whole = static_cast<std::int64_t>(total);
        return total - static_cast<double>(whole) >= 0.5 ? whole + 1 : whole;
    }
    return static_cast<std::int64_t>(std::round(total));
}

// The score of feasible snapshot node `node`: table lookups only.
std::int64_t scoreOfFeasible(const PreScoreState &s, std::size_t node)
{
    double total = 0;
    for (const PreScoreState::Term &t : s.terms) {
        const std::int32_t number = t.numberOf[node];
        if (number < 0)
            continue;
        std::int64_t count = 0;
        if (t.isHostname)
            count = t.hostCount ? t.hostCount[node] : 0;
        else
            count = t.countOfNumber[static_cast<std::size_t>(number)];
        total += static_cast<double>(count) * t.weight + t.maxSkewMinusOne;
    }
    return roundScore(total);
}

// PodTopologySpread's score of `nodeInfo` from the PreScore state.
std::int64_t scoreOf(const PreScoreState &s, const core::Pod &pod, const NodeInfo &nodeInfo)
{
    const Constraints &cs = *s.constraints;
    const std::size_t nc = cs.size();
    const auto index = indexIn(s.nodes, s.numNodes, nodeInfo);
    const char known = !index          ? PreScoreState::kNotGiven
                       : s.allFeasible ? PreScoreState::kFeasible
                                       : s.nodeState[*index];
    if (known == PreScoreState::kFeasible)
        return scoreOfFeasible(s, *index);
    if (known == PreScoreState::kIgnored ||
        s.ignoredNodes.contains(std::string_view(nodeInfo.name())))
        return 0;
    // Any other node: by its labels.
    const LabelMap &labels = nodeInfo.node().metadata().labels();
    double total = 0;
    for (std::size_t i = 0; i < nc; ++i) {
        const Constraint &c = cs[i];
        const auto it = labels.find(c.topologyKey);
        if (it == labels.end())
            continue;
        std::int64_t count = 0;
        if (c.isHostname) {
            count =
                countPodsMatchSelector(nodeInfo.pods(), c.selector, pod.metadata().namespace_());
        } else {
            const auto found = s.domains[i].find(std::string_view(it->second));
            count = found == s.domains[i].end() ? 0 : s.counts[i][found->second];
        }
        total += static_cast<double>(count) * s.weights[i] + static_cast<double>(c.maxSkew - 1);
    }
    return roundScore(total);
}

} // namespace

PluginStatus PodTopologySpread::score(const CycleState &state, const core::Pod &pod,
                                      const NodeInfo &nodeInfo, std::int64_t *score) const
{
    const PreScoreState *s = state.read<PreScoreState>(kPreScoreStateKey);
    if (!s)
        return PluginStatus::error(readError(kPreScoreStateKey));
    *score = scoreOf(*s, pod, nodeInfo);
    return {};
}

PluginStatus PodTopologySpread::scoreNodes(const CycleState &state, const core::Pod &pod,
                                           const std::vector<const NodeInfo *> &nodes,
                                           std::int64_t *scores) const
{
    const PreScoreState *s = state.read<PreScoreState>(kPreScoreStateKey);
    if (!s)
        return PluginStatus::error(readError(kPreScoreStateKey));
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        // (Usually the i-th snapshot node, all of them feasible.)
        if (s->allFeasible && i < s->numNodes && nodes[i] == s->nodes + i)
            scores[i] = scoreOfFeasible(*s, i);
        else
            scores[i] = scoreOf(*s, pod, *nodes[i]);
    }
    return {};
}

PluginStatus PodTopologySpread::normalizeScore(const CycleState &state, const core::Pod &,
                                               std::vector<NodeScore> &scores) const
{
    const PreScoreState *s = state.read<PreScoreState>(kPreScoreStateKey);
    if (!s)
        return PluginStatus::error(readError(kPreScoreStateKey));
    const bool anyIgnored = !s->ignoredNodes.empty();
    std::vector<bool> ignored(anyIgnored ? scores.size() : 0, false);
    std::int64_t minScore = std::numeric_limits<std::int64_t>::max();
    std::int64_t maxScore = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (anyIgnored && s->ignoredNodes.contains(std::string_view(scores[i].name))) {
            ignored[i] = true;
            continue;
        }
        minScore = std::min(minScore, scores[i].score);
        maxScore = std::max(maxScore, scores[i].score);
    }
    // Many nodes share a raw score: each value's division is remembered in
    // a small direct-mapped table.
    struct Memo
    {
        bool valid = false;
        std::int64_t raw = 0;
        std::int64_t normalized = 0;
    };
    Memo memo[64];
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (anyIgnored && ignored[i]) {
            scores[i].score = 0;
            continue;
        }
        if (maxScore == 0) {
            scores[i].score = kMaxNodeScore;
            continue;
        }
        const std::int64_t raw = scores[i].score;
        Memo &m = memo[static_cast<std::uint64_t>(raw) % 64];
        if (!m.valid || m.raw != raw)
            m = {true, raw, kMaxNodeScore * (maxScore + minScore - raw) / maxScore};
        scores[i].score = m.normalized;
    }
    return {};
}

} // namespace kubist::scheduler::plugins
