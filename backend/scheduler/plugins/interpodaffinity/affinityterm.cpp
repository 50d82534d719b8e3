#include "backend/scheduler/plugins/interpodaffinity/affinityterm.h"

#include "backend/api/labelselector.h"
#include "backend/scheduler/framework/clusterlister.h"

#include <algorithm>
#include <string_view>

namespace kubist::scheduler::plugins::interpodaffinity {

namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

enum class Op { In, NotIn, Exists, DoesNotExist, Invalid };

Op parseOp(const std::string &name)
{
    // string_view comparisons with literals compile to inline compares.
    const std::string_view op(name);
    switch (op.size()) {
    case 2:
        return op == "In" ? Op::In : Op::Invalid;
    case 5:
        return op == "NotIn" ? Op::NotIn : Op::Invalid;
    case 6:
        return op == "Exists" ? Op::Exists : Op::Invalid;
    case 12:
        return op == "DoesNotExist" ? Op::DoesNotExist : Op::Invalid;
    default:
        return Op::Invalid;
    }
}

bool contains(const google::protobuf::RepeatedPtrField<std::string> &values,
              const std::string &value)
{
    return std::find(values.begin(), values.end(), value) != values.end();
}

bool selectorValid(const meta::LabelSelector &selector)
{
    for (const meta::LabelSelectorRequirement &req : selector.match_expressions()) {
        switch (parseOp(req.operator_())) {
        case Op::In:
        case Op::NotIn:
            if (req.values().empty())
                return false;
            break;
        case Op::Exists:
        case Op::DoesNotExist:
            if (!req.values().empty())
                return false;
            break;
        case Op::Invalid:
            return false;
        }
    }
    return true;
}

bool termValid(const core::PodAffinityTerm &term)
{
    return (!term.has_label_selector() || selectorValid(term.label_selector())) &&
           (!term.has_namespace_selector() || selectorValid(term.namespace_selector()));
}

// The label pairs of `owner` named by `keys` (keys it lacks are skipped).
std::vector<std::pair<std::string, std::string>>
ownerPairs(const Labels &owner, const google::protobuf::RepeatedPtrField<std::string> &keys)
{
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const std::string &key : keys) {
        const auto it = owner.find(key);
        if (it != owner.end())
            pairs.emplace_back(key, it->second);
    }
    return pairs;
}

Result<AffinityTerm> compileTerm(const core::Pod &owner, const core::PodAffinityTerm &term,
                                 std::int32_t weight, const ClusterLister &lister)
{
    AffinityTerm out;
    out.weight = weight;
    out.topologyKey = term.topology_key();
    if (term.has_label_selector()) {
        const auto parsed = api::LabelSelector::fromProto(&term.label_selector());
        if (!parsed.isOk())
            return parsed.status();
        out.hasSelector = true;
        out.selector = term.label_selector();
        // As the API server merges them (KEP-3633): only with a selector.
        out.matchLabels = ownerPairs(owner.metadata().labels(), term.match_label_keys());
        out.mismatchLabels = ownerPairs(owner.metadata().labels(), term.mismatch_label_keys());
    }
    out.namespaces.assign(term.namespaces().begin(), term.namespaces().end());
    if (!term.has_namespace_selector()) {
        if (out.namespaces.empty())
            out.namespaces.push_back(owner.metadata().namespace_());
    } else {
        const auto nsSelector = api::LabelSelector::fromProto(&term.namespace_selector());
        if (!nsSelector.isOk())
            return nsSelector.status();
        if (nsSelector->isEmpty()) {
            out.allNamespaces = true;
        } else {
            for (const auto &ns : lister.namespaces()) {
                if (ns && nsSelector->matches(ns->metadata().labels()))
                    out.namespaces.push_back(ns->metadata().name());
            }
        }
    }
    std::sort(out.namespaces.begin(), out.namespaces.end());
    out.namespaces.erase(std::unique(out.namespaces.begin(), out.namespaces.end()),
                         out.namespaces.end());
    return out;
}

const core::PodAffinity &podAffinity(const core::Pod &pod)
{
    return pod.spec().affinity().pod_affinity();
}

const core::PodAntiAffinity &podAntiAffinity(const core::Pod &pod)
{
    return pod.spec().affinity().pod_anti_affinity();
}

} // namespace

bool AffinityTerm::matches(const core::Pod &pod) const
{
    if (!hasSelector)
        return false;
    if (!allNamespaces) {
        const std::string &ns = pod.metadata().namespace_();
        if (std::find(namespaces.begin(), namespaces.end(), ns) == namespaces.end())
            return false;
    }
    const Labels &labels = pod.metadata().labels();
    if (!selectorMatches(selector, labels))
        return false;
    for (const auto &[key, value] : matchLabels) {
        const auto it = labels.find(key);
        if (it == labels.end() || it->second != value)
            return false;
    }
    for (const auto &[key, value] : mismatchLabels) {
        const auto it = labels.find(key);
        if (it != labels.end() && it->second == value)
            return false;
    }
    return true;
}

Result<std::vector<AffinityTerm>>
compileTerms(const core::Pod &owner, const PodAffinityTerms &terms, const ClusterLister &lister)
{
    std::vector<AffinityTerm> out;
    out.reserve(terms.size());
    for (const core::PodAffinityTerm &term : terms) {
        auto compiled = compileTerm(owner, term, 0, lister);
        if (!compiled.isOk())
            return compiled.status();
        out.push_back(std::move(compiled).value());
    }
    return out;
}

Result<std::vector<AffinityTerm>> compileWeightedTerms(const core::Pod &owner,
                                                       const WeightedPodAffinityTerms &terms,
                                                       const ClusterLister &lister)
{
    std::vector<AffinityTerm> out;
    out.reserve(terms.size());
    for (const core::WeightedPodAffinityTerm &term : terms) {
        auto compiled = compileTerm(owner, term.pod_affinity_term(), term.weight(), lister);
        if (!compiled.isOk())
            return compiled.status();
        out.push_back(std::move(compiled).value());
    }
    return out;
}

bool selectorMatches(const meta::LabelSelector &selector, const Labels &labels)
{
    for (const auto &[key, value] : selector.match_labels()) {
        const auto it = labels.find(key);
        if (it == labels.end() || it->second != value)
            return false;
    }
    for (const meta::LabelSelectorRequirement &req : selector.match_expressions()) {
        const auto it = labels.find(req.key());
        const bool has = it != labels.end();
        switch (parseOp(req.operator_())) {
        case Op::In:
            if (!has || !contains(req.values(), it->second))
                return false;
            break;
        case Op::NotIn:
            if (has && contains(req.values(), it->second))
                return false;
            break;
        case Op::Exists:
            if (!has)
                return false;
            break;
        case Op::DoesNotExist:
            if (has)
                return false;
            break;
        case Op::Invalid:
            return false;
        }
    }
    return true;
}

bool termsValid(const PodAffinityTerms &terms)
{
    return std::all_of(terms.begin(), terms.end(), termValid);
}

bool weightedTermsValid(const WeightedPodAffinityTerms &terms)
{
    return std::all_of(terms.begin(), terms.end(), [](const core::WeightedPodAffinityTerm &t) {
        return termValid(t.pod_affinity_term());
    });
}

bool existingTermMatches(const core::PodAffinityTerm &term, const core::Pod &owner,
                         const core::Pod &target, const Labels &targetNamespaceLabels)
{
    if (!term.has_label_selector())
        return false;
    const std::string &targetNs = target.metadata().namespace_();
    bool inNamespace = false;
    if (term.namespaces().empty() && !term.has_namespace_selector())
        inNamespace = owner.metadata().namespace_() == targetNs;
    else
        inNamespace = contains(term.namespaces(), targetNs) ||
                      (term.has_namespace_selector() &&
                       selectorMatches(term.namespace_selector(), targetNamespaceLabels));
    if (!inNamespace)
        return false;
    const Labels &labels = target.metadata().labels();
    if (!selectorMatches(term.label_selector(), labels))
        return false;
    const Labels &ownerLabels = owner.metadata().labels();
    for (const std::string &key : term.match_label_keys()) {
        const auto own = ownerLabels.find(key);
        if (own == ownerLabels.end())
            continue;
        const auto it = labels.find(key);
        if (it == labels.end() || it->second != own->second)
            return false;
    }
    for (const std::string &key : term.mismatch_label_keys()) {
        const auto own = ownerLabels.find(key);
        if (own == ownerLabels.end())
            continue;
        const auto it = labels.find(key);
        if (it != labels.end() && it->second == own->second)
            return false;
    }
    return true;
}

const PodAffinityTerms &requiredAffinityTerms(const core::Pod &pod)
{
    return podAffinity(pod).required_during_scheduling_ignored_during_execution();
}

const PodAffinityTerms &requiredAntiAffinityTerms(const core::Pod &pod)
{
    return podAntiAffinity(pod).required_during_scheduling_ignored_during_execution();
}

const WeightedPodAffinityTerms &preferredAffinityTerms(const core::Pod &pod)
{
    return podAffinity(pod).preferred_during_scheduling_ignored_during_execution();
}

const WeightedPodAffinityTerms &preferredAntiAffinityTerms(const core::Pod &pod)
{
    return podAntiAffinity(pod).preferred_during_scheduling_ignored_during_execution();
}

} // namespace kubist::scheduler::plugins::interpodaffinity
