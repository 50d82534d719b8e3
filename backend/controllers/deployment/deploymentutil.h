#pragma once

#include "backend/util/clock.h"
#include "backend/util/status.h"

#include "apps_v1.pb.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// Facts about Deployments and their ReplicaSets, as upstream's
// pkg/controller/deployment/util (deployment_util.go) and intstr helpers.
// Pure functions over the protobuf messages.
namespace kubist::controllers::deploymentutil {

using ReplicaSetPtr = std::shared_ptr<const k8s::io::api::apps::v1::ReplicaSet>;
using Deployment = k8s::io::api::apps::v1::Deployment;
using ReplicaSet = k8s::io::api::apps::v1::ReplicaSet;

inline constexpr const char kRevisionAnnotation[] = "deployment.kubernetes.io/revision";
inline constexpr const char kRevisionHistoryAnnotation[] =
    "deployment.kubernetes.io/revision-history";
inline constexpr const char kDesiredReplicasAnnotation[] =
    "deployment.kubernetes.io/desired-replicas";
inline constexpr const char kMaxReplicasAnnotation[] = "deployment.kubernetes.io/max-replicas";
inline constexpr const char kPodTemplateHashLabel[] = "pod-template-hash";
// Upstream's limit on the revision-history annotation.
inline constexpr size_t kMaxRevisionHistoryChars = 2000;

// Condition types and reasons (upstream deploymentutil constants).
inline constexpr const char kAvailable[] = "Available";
inline constexpr const char kProgressing[] = "Progressing";
inline constexpr const char kReplicaFailure[] = "ReplicaFailure";
inline constexpr const char kMinimumReplicasAvailable[] = "MinimumReplicasAvailable";
inline constexpr const char kMinimumReplicasUnavailable[] = "MinimumReplicasUnavailable";
inline constexpr const char kNewRSReason[] = "NewReplicaSetCreated";
inline constexpr const char kFoundNewRSReason[] = "FoundNewReplicaSet";
inline constexpr const char kRSUpdatedReason[] = "ReplicaSetUpdated";
inline constexpr const char kNewRSAvailableReason[] = "NewReplicaSetAvailable";
inline constexpr const char kFailedRSCreateReason[] = "ReplicaSetCreateError";
inline constexpr const char kTimedOutReason[] = "ProgressDeadlineExceeded";
inline constexpr const char kPausedReason[] = "DeploymentPaused";
inline constexpr const char kResumedReason[] = "DeploymentResumed";

// intstr.GetScaledValueFromIntOrPercent: an integer as is, "N%" of `total`
// rounded up or down. InvalidArgument for a malformed percentage.
Result<int32_t> scaledValue(const k8s::io::apimachinery::pkg::util::intstr::IntOrString *value,
                            int32_t total, bool roundUp);
// upstream ResolveFenceposts over the Deployment's rolling-update numbers:
// surge rounds up, unavailable rounds down, both 0 makes unavailable 1.
// 0 for Recreate; maxUnavailable is capped at spec.replicas, and both are 0
// when spec.replicas is 0 (as upstream MaxUnavailable).
int32_t maxSurge(const Deployment &d);
int32_t maxUnavailable(const Deployment &d);

// upstream rand.SafeEncodeString: every character mapped into
// "bcdfghjklmnpqrstvwxz2456789" (no vowels, no look-alikes).
std::string safeEncodeString(const std::string &s);
// The pod-template-hash of a template (upstream ComputeHash).
//
// What is hashed: FNV-32a over the template's Kubernetes JSON as our
// JsonCodec writes it (fields in schema order, map keys sorted, unset and
// empty fields omitted) with any pod-template-hash label removed first;
// then, when `collisionCount` is given, its 4 bytes little-endian (as
// upstream). The 32-bit sum is printed in decimal and passed through
// safeEncodeString. Upstream hashes a spew dump of the Go struct instead,
// so the values differ from a real cluster's, but have the same shape and
// properties (stable, changes with the template and the collision count).
std::string computeHash(const k8s::io::api::core::v1::PodTemplateSpec &tmpl,
                        std::optional<int32_t> collisionCount);
// upstream EqualIgnoreHash: equal templates once the pod-template-hash
// label is dropped from both (compared by their canonical JSON, so an empty
// field and an absent one are the same).
bool equalIgnoreHash(const k8s::io::api::core::v1::PodTemplateSpec &a,
                     const k8s::io::api::core::v1::PodTemplateSpec &b);

// The revision annotation (0 when absent or unparsable).
int64_t revisionOf(const ReplicaSet &rs);
int64_t maxRevision(const std::vector<ReplicaSetPtr> &rss);

// upstream SetNewReplicaSetAnnotations: copies the Deployment's
// annotations (except kubectl's last-applied and the deployment.kubernetes.io
// ones), raises the revision to `newRevision` when lower (remembering the
// old one in revision-history: a rollback), and for a ReplicaSet about to be
// created (`exists` false) sets desired-/max-replicas. True if changed.
bool setNewReplicaSetAnnotations(const Deployment &d, ReplicaSet &rs, int64_t newRevision,
                                 bool exists);
// Sets desired-replicas/max-replicas; true if they changed.
bool setReplicasAnnotations(ReplicaSet &rs, int32_t desired, int32_t max);
bool replicasAnnotationsNeedUpdate(const ReplicaSet &rs, int32_t desired, int32_t max);
// The desired-replicas / max-replicas annotations, when present and valid.
std::optional<int32_t> desiredReplicasAnnotation(const ReplicaSet &rs);
std::optional<int32_t> maxReplicasAnnotation(const ReplicaSet &rs);
// Sets the Deployment's revision annotation; true if it changed.
bool setDeploymentRevision(Deployment &d, const std::string &revision);

// Conditions. newCondition stamps lastUpdateTime and lastTransitionTime
// with `now`. setCondition keeps an existing condition with the same status
// and reason untouched, and keeps lastTransitionTime when only the reason
// changes (upstream SetDeploymentCondition).
const k8s::io::api::apps::v1::DeploymentCondition *
getCondition(const k8s::io::api::apps::v1::DeploymentStatus &status, const std::string &type);
k8s::io::api::apps::v1::DeploymentCondition
newCondition(const std::string &type, const std::string &status, const std::string &reason,
             const std::string &message, Clock::Time now);
void setCondition(k8s::io::api::apps::v1::DeploymentStatus &status,
                  k8s::io::api::apps::v1::DeploymentCondition condition);
void removeCondition(k8s::io::api::apps::v1::DeploymentStatus &status, const std::string &type);

bool hasProgressDeadline(const Deployment &d);
bool hasRevisionHistoryLimit(const Deployment &d);
bool isRollingUpdate(const Deployment &d);
// Every pod of the Deployment updated and available, and the status
// observed the current generation.
bool deploymentComplete(const Deployment &d,
                        const k8s::io::api::apps::v1::DeploymentStatus &status);
// Some progress between d.status and `status` (upstream DeploymentProgressing).
bool deploymentProgressing(const Deployment &d,
                           const k8s::io::api::apps::v1::DeploymentStatus &status);
// The Progressing condition of `status` was last updated more than
// progressDeadlineSeconds before `now`.
bool deploymentTimedOut(const Deployment &d, const k8s::io::api::apps::v1::DeploymentStatus &status,
                        Clock::Time now);

// ReplicaSets with spec.replicas > 0 (nulls dropped).
std::vector<ReplicaSetPtr> filterActive(const std::vector<ReplicaSetPtr> &rss);
int32_t specReplicas(const std::vector<ReplicaSetPtr> &rss);      // sum of spec.replicas
int32_t actualReplicas(const std::vector<ReplicaSetPtr> &rss);    // sum of status.replicas
int32_t readyReplicas(const std::vector<ReplicaSetPtr> &rss);     // sum of status.readyReplicas
int32_t availableReplicas(const std::vector<ReplicaSetPtr> &rss); // sum of status.available
// Oldest first (creationTimestamp, then name).
bool olderThan(const ReplicaSet &a, const ReplicaSet &b);

// Seconds-resolution meta Time of a clock time.
k8s::io::apimachinery::pkg::apis::meta::v1::Time toMetaTime(Clock::Time t);
Clock::Time fromMetaTime(const k8s::io::apimachinery::pkg::apis::meta::v1::Time &t);

} // namespace kubist::controllers::deploymentutil
