#pragma once

#include "backend/util/clock.h"

#include "core_v1.pb.h"
#include "meta_v1.pb.h"

#include <string>

namespace kubist::controllers {

// Small facts about objects that several controllers need, as upstream's
// podutil and metav1 helpers.

// The pod's condition of `type`, or nullptr.
const k8s::io::api::core::v1::PodCondition *podCondition(const k8s::io::api::core::v1::Pod &pod,
                                                         const std::string &type);
// Ready condition True.
bool isPodReady(const k8s::io::api::core::v1::Pod &pod);
// Ready for at least minReadySeconds at `now` (upstream IsPodAvailable).
bool isPodAvailable(const k8s::io::api::core::v1::Pod &pod, int32_t minReadySeconds,
                    Clock::Time now);
// Not terminal (Succeeded/Failed) and not being deleted: counts as one of
// a ReplicaSet's replicas (upstream FilterActivePods).
bool isPodActive(const k8s::io::api::core::v1::Pod &pod);

// The ownerReference with controller=true, or nullptr.
const k8s::io::apimachinery::pkg::apis::meta::v1::OwnerReference *
controllerOf(const k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta &meta);
// An ownerReference to `owner` (kind/apiVersion from the Scheme) with
// controller=true and blockOwnerDeletion=true, as controllers set on what
// they create.
k8s::io::apimachinery::pkg::apis::meta::v1::OwnerReference
makeControllerRef(const google::protobuf::Message &owner);

} // namespace kubist::controllers
