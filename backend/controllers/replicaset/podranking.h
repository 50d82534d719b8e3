#pragma once

#include "backend/util/clock.h"

#include "core_v1.pb.h"

#include <memory>
#include <vector>

namespace kubist::controllers {

using PodPtr = std::shared_ptr<const k8s::io::api::core::v1::Pod>;

// Which of a ReplicaSet's pods go first when it scales down, as upstream's
// ActivePodsWithRanks (controller_utils.go, with LogarithmicScaleDown and
// PodDeletionCost on, as in 1.32). `a` is deleted before `b` when, in this
// order of precedence:
//  1. a is unassigned (no spec.nodeName) and b is assigned;
//  2. a's phase ranks lower: Pending (and others) < Unknown < Running;
//  3. a is not ready and b is;
//  4. a has the lower controller.kubernetes.io/pod-deletion-cost;
//  5. a has the higher rank (more related pods on its node: doubled up);
//  6. both ready: a became ready more recently (compared in log2 buckets of
//     the time since, ties broken by uid); a zero time counts as newest;
//  7. a's containers restarted more (the highest restart count of a
//     regular container);
//  8. a is newer (creationTimestamp, in log2 buckets, ties by uid).
// Upstream also compares sidecar restart counts after 7; not done here.
bool deletePodBefore(const k8s::io::api::core::v1::Pod &a, int rankA,
                     const k8s::io::api::core::v1::Pod &b, int rankB, Clock::Time now);

// Sorts `pods` so the first ones are the ones to delete first. A pod's rank
// is the number of active pods of `relatedPods` (the pods of every
// ReplicaSet under the same controller, or the ReplicaSet's own pods) on
// the same node.
void sortPodsForDeletion(std::vector<PodPtr> &pods, const std::vector<PodPtr> &relatedPods,
                         Clock::Time now);

} // namespace kubist::controllers
