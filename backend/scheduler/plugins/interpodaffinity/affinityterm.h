#pragma once

#include "backend/util/status.h"

#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kubist::scheduler {
class ClusterLister;
}

// Pod affinity terms for the InterPodAffinity plugin (upstream
// framework.AffinityTerm and the helpers around it), split in two kinds:
//
//  - AffinityTerm: a term of the pod being scheduled, compiled once per
//    cycle. Its namespaceSelector is unrolled into the namespace list
//    (upstream mergeAffinityTermNamespacesIfNotEmpty) and its matchLabelKeys
//    / mismatchLabelKeys are turned into label pairs from the pod's own
//    labels, so matching an existing pod needs no further lookups.
//  - terms of existing pods are matched where they are, straight from the
//    protobuf (no copies, no allocations), against the incoming pod.
//
// Selector semantics are metav1.LabelSelectorAsSelector's: a missing
// selector matches nothing, an empty one everything; matchLabels and
// matchExpressions (In, NotIn, Exists, DoesNotExist) are ANDed.
//
// Free functions and plain values; thread-safe.
namespace kubist::scheduler::plugins::interpodaffinity {

using Labels = google::protobuf::Map<std::string, std::string>;
using PodAffinityTerms =
    google::protobuf::RepeatedPtrField<k8s::io::api::core::v1::PodAffinityTerm>;
using WeightedPodAffinityTerms =
    google::protobuf::RepeatedPtrField<k8s::io::api::core::v1::WeightedPodAffinityTerm>;

// A compiled term of the incoming pod.
struct AffinityTerm
{
    // The term's labelSelector (meaningful when hasSelector).
    k8s::io::apimachinery::pkg::apis::meta::v1::LabelSelector selector;
    bool hasSelector = false;
    // matchLabelKeys / mismatchLabelKeys resolved against the owner's labels:
    // the target must carry each of `matchLabels` and none of
    // `mismatchLabels` (keys the owner lacks are left out, as upstream).
    std::vector<std::pair<std::string, std::string>> matchLabels;
    std::vector<std::pair<std::string, std::string>> mismatchLabels;
    // The namespaces the term looks at; every namespace when allNamespaces
    // (an empty namespaceSelector).
    bool allNamespaces = false;
    std::vector<std::string> namespaces;
    std::string topologyKey;
    // The weight of a preferred term; 0 for required terms.
    std::int32_t weight = 0;

    // Whether `pod` is in one of the term's namespaces and its labels match.
    bool matches(const k8s::io::api::core::v1::Pod &pod) const;
};

// Compiles `terms` of `owner` (the incoming pod). `lister` resolves
// namespaceSelectors. InvalidArgument with the selector's message when a
// labelSelector or namespaceSelector is invalid.
Result<std::vector<AffinityTerm>> compileTerms(const k8s::io::api::core::v1::Pod &owner,
                                               const PodAffinityTerms &terms,
                                               const ClusterLister &lister);
Result<std::vector<AffinityTerm>> compileWeightedTerms(const k8s::io::api::core::v1::Pod &owner,
                                                       const WeightedPodAffinityTerms &terms,
                                                       const ClusterLister &lister);

// Whether `labels` satisfy `selector` (a present selector; see above). An
// unknown operator matches nothing.
bool selectorMatches(const k8s::io::apimachinery::pkg::apis::meta::v1::LabelSelector &selector,
                     const Labels &labels);

// Whether every term of an existing pod has well-formed selectors (known
// operators, In/NotIn with values, Exists/DoesNotExist without). Upstream
// drops a pod's whole list of terms of one kind when one of them does not
// parse; label key/value syntax is not re-checked (the API server's
// validation already refused such pods).
bool termsValid(const PodAffinityTerms &terms);
bool weightedTermsValid(const WeightedPodAffinityTerms &terms);

// Whether the term `term` of the existing pod `owner` selects `target` (the
// incoming pod), whose namespace has the labels `targetNamespaceLabels`
// (upstream AffinityTerm.Matches). Precondition: the term is valid.
bool existingTermMatches(const k8s::io::api::core::v1::PodAffinityTerm &term,
                         const k8s::io::api::core::v1::Pod &owner,
                         const k8s::io::api::core::v1::Pod &target,
                         const Labels &targetNamespaceLabels);

// The pod's required / preferred (anti-)affinity term lists; empty lists
// when the pod has none.
const PodAffinityTerms &requiredAffinityTerms(const k8s::io::api::core::v1::Pod &pod);
const PodAffinityTerms &requiredAntiAffinityTerms(const k8s::io::api::core::v1::Pod &pod);
const WeightedPodAffinityTerms &preferredAffinityTerms(const k8s::io::api::core::v1::Pod &pod);
const WeightedPodAffinityTerms &preferredAntiAffinityTerms(const k8s::io::api::core::v1::Pod &pod);

} // namespace kubist::scheduler::plugins::interpodaffinity
