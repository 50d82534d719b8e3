#pragma once

#include "fielderror.h"

#include <google/protobuf/repeated_ptr_field.h>

#include <string>

namespace k8s::io::api::core::v1 {
class Pod;
class PodSpec;
class PodTemplateSpec;
class Toleration;
} // namespace k8s::io::api::core::v1

// Pod, PodSpec and pod template validation (pkg/apis/core/validation), used
// by validation.cpp for Pods and the templates of Deployments and
// ReplicaSets. Internal to this library; pure functions.
namespace kubist::apiserver::podvalidation {

// ValidatePodSpec: `isPod` adds the checks upstream makes only for Pods
// (hostPort must equal containerPort with hostNetwork, image whitespace).
void podSpec(const k8s::io::api::core::v1::PodSpec &spec, const std::string &path, bool isPod,
             FieldErrors &errs);
// ValidatePodTemplateSpec: template labels/annotations and its spec.
void podTemplateSpec(const k8s::io::api::core::v1::PodTemplateSpec &tmpl, const std::string &path,
                     FieldErrors &errs);
void tolerations(const google::protobuf::RepeatedPtrField<k8s::io::api::core::v1::Toleration> &t,
                 const std::string &path, FieldErrors &errs);

FieldErrors podCreate(const k8s::io::api::core::v1::Pod &pod);
FieldErrors podUpdate(const k8s::io::api::core::v1::Pod &pod,
                      const k8s::io::api::core::v1::Pod &old);
FieldErrors podStatusUpdate(const k8s::io::api::core::v1::Pod &pod,
                            const k8s::io::api::core::v1::Pod &old);

} // namespace kubist::apiserver::podvalidation
