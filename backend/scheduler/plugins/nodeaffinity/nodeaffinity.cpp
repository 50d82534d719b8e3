#include "backend/scheduler/plugins/nodeaffinity/nodeaffinity.h"

#include "backend/scheduler/framework/cyclestate.h"
#include "backend/scheduler/framework/nodeinfo.h"
#include "backend/scheduler/framework/normalizescore.h"

#include "core_v1.pb.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

namespace kubist::scheduler::plugins {

namespace core = k8s::io::api::core::v1;

namespace {

constexpr std::string_view kObjectNameField = "metadata.name";

std::optional<std::int64_t> parseInt(std::string_view text)
{
    std::int64_t value = 0;
    const char *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}

bool contains(const google::protobuf::RepeatedPtrField<std::string> &values, const std::string &v)
{
    return std::find(values.begin(), values.end(), v) != values.end();
}

// Label requirement; nullopt when malformed.
std::optional<bool> labelRequirementMatches(const core::NodeSelectorRequirement &req,
                                            const core::Node &node)
{
    const auto &labels = node.metadata().labels();
    const auto it = labels.find(req.key());
    const bool has = it != labels.end();
    const std::string &op = req.operator_();
    if (op == "In" || op == "NotIn") {
        if (req.values().empty())
            return std::nullopt;
        const bool in = has && contains(req.values(), it->second);
        return op == "In" ? in : !in;
    }
    if (op == "Exists" || op == "DoesNotExist") {
        if (!req.values().empty())
            return std::nullopt;
        return op == "Exists" ? has : !has;
    }
    if (op == "Gt" || op == "Lt") {
        if (req.values().size() != 1)
            return std::nullopt;
        const auto bound = parseInt(req.values(0));
        if (!bound)
            return std::nullopt;
        if (!has)
            return false;
        const auto value = parseInt(it->second);
        if (!value)
            return false;
        return op == "Gt" ? *value > *bound : *value < *bound;
    }
    return std::nullopt;
}

std::optional<bool> fieldRequirementMatches(const core::NodeSelectorRequirement &req,
                                            const core::Node &node)
{
    if (req.key() != kObjectNameField)
        return std::nullopt;
    const std::string &op = req.operator_();
    if ((op != "In" && op != "NotIn") || req.values().size() != 1)
        return std::nullopt;
    const bool equal = node.metadata().name() == req.values(0);
    return op == "In" ? equal : !equal;
}

bool hasRequiredAffinity(const core::Pod &pod)
{
    return pod.spec().has_affinity() && pod.spec().affinity().has_node_affinity() &&
           pod.spec()
               .affinity()
               .node_affinity()
               .has_required_during_scheduling_ignored_during_execution();
}

const google::protobuf::RepeatedPtrField<core::PreferredSchedulingTerm> *
preferredTerms(const core::Pod &pod)
{
    if (!pod.spec().has_affinity() || !pod.spec().affinity().has_node_affinity())
        return nullptr;
    const auto &terms = pod.spec()
                            .affinity()
                            .node_affinity()
                            .preferred_during_scheduling_ignored_during_execution();
    return terms.empty() ? nullptr : &terms;
}

} // namespace

Result<std::shared_ptr<const Plugin>> NodeAffinity::create(const PluginContext &)
{
    return std::shared_ptr<const Plugin>(std::make_shared<NodeAffinity>());
}

bool NodeAffinity::termMatches(const core::NodeSelectorTerm &term, const core::Node &node)
{
    if (term.match_expressions().empty() && term.match_fields().empty())
        return false;
    for (const core::NodeSelectorRequirement &req : term.match_expressions()) {
        const auto match = labelRequirementMatches(req, node);
        if (!match || !*match)
            return false;
    }
    for (const core::NodeSelectorRequirement &req : term.match_fields()) {
        const auto match = fieldRequirementMatches(req, node);
        if (!match || !*match)
            return false;
    }
    return true;
}

bool NodeAffinity::requiredMatches(const core::Pod &pod, const core::Node &node)
{
    const auto &labels = node.metadata().labels();
    for (const auto &[key, value] : pod.spec().node_selector()) {
        const auto it = labels.find(key);
        if (it == labels.end() || it->second != value)
            return false;
    }
    if (!hasRequiredAffinity(pod))
        return true;
    const auto &terms = pod.spec()
                            .affinity()
                            .node_affinity()
                            .required_during_scheduling_ignored_during_execution()
                            .node_selector_terms();
    return std::any_of(terms.begin(), terms.end(),
                       [&node](const core::NodeSelectorTerm &t) { return termMatches(t, node); });
}

PluginStatus NodeAffinity::preFilter(CycleState &, const core::Pod &pod, const Snapshot &,
                                     PreFilterResult *result) const
{
    const bool required = hasRequiredAffinity(pod);
    if (!required && pod.spec().node_selector().empty())
        return PluginStatus::skip();
    if (!required)
        return {};
    const auto &terms = pod.spec()
                            .affinity()
                            .node_affinity()
                            .required_during_scheduling_ignored_during_execution()
                            .node_selector_terms();
    if (terms.empty())
        return {};

    std::set<std::string> names;
    for (const core::NodeSelectorTerm &term : terms) {
        std::optional<std::set<std::string>> termNames;
        for (const core::NodeSelectorRequirement &req : term.match_fields()) {
            if (req.key() != kObjectNameField || req.operator_() != "In")
                continue;
            std::set<std::string> values(req.values().begin(), req.values().end());
            if (!termNames) {
                termNames = std::move(values);
            } else {
                std::set<std::string> both;
                std::set_intersection(termNames->begin(), termNames->end(), values.begin(),
                                      values.end(), std::inserter(both, both.end()));
                termNames = std::move(both);
            }
        }
        if (!termNames)
            return {}; // this term may match any node: no narrowing
        names.insert(termNames->begin(), termNames->end());
    }
    if (names.empty())
        return PluginStatus::unresolvable({std::string(kErrReasonConflict)});
    result->nodeNames = std::move(names);
    return {};
}

PluginStatus NodeAffinity::filter(const CycleState &, const core::Pod &pod,
                                  const NodeInfo &nodeInfo) const
{
    if (requiredMatches(pod, nodeInfo.node()))
        return {};
    return PluginStatus::unresolvable({std::string(kErrReasonPod)});
}

PluginStatus NodeAffinity::preScore(CycleState &, const core::Pod &pod, const Snapshot &,
                                    const std::vector<const NodeInfo *> &) const
{
    return preferredTerms(pod) ? PluginStatus() : PluginStatus::skip();
}

PluginStatus NodeAffinity::score(const CycleState &, const core::Pod &pod, const NodeInfo &nodeInfo,
                                 std::int64_t *score) const
{
    std::int64_t sum = 0;
    if (const auto *terms = preferredTerms(pod)) {
        for (const core::PreferredSchedulingTerm &term : *terms) {
            if (term.weight() == 0)
                continue;
            if (termMatches(term.preference(), nodeInfo.node()))
                sum += term.weight();
        }
    }
    *score = sum;
    return {};
}

PluginStatus NodeAffinity::normalizeScore(const CycleState &, const core::Pod &,
                                          std::vector<NodeScore> &scores) const
{
    defaultNormalizeScore(kMaxNodeScore, false, scores);
    return {};
}

} // namespace kubist::scheduler::plugins
