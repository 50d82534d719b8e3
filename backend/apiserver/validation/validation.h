#pragma once

#include "fielderror.h"

namespace google::protobuf {
class Message;
}
namespace kubist::api {
struct KindInfo;
}

// What Kubernetes validates for the kinds Kubist serves
// (pkg/apis/core/validation, apps, policy, coordination, discovery and
// apimachinery's ObjectMeta rules), with upstream's field paths and
// messages. Pure functions: no I/O, no clock; safe from any thread.
//
// Contracts, as upstream's registry (rest.BeforeCreate / BeforeUpdate) has
// them:
//  - `object` has been defaulted (applyDefaults) and, on create, its name
//    generated from generateName; cluster-scoped kinds carry no namespace.
//  - On update the caller has already carried over what the server owns
//    (uid, creationTimestamp, generation, and whatever the kind's update
//    strategy keeps from `old`, e.g. status on a spec update) and, for an
//    unconditional update, set metadata.resourceVersion to the stored one.
//  - `object` and `old` are messages of `kind.descriptor`; for any other
//    type (or a kind without rules) the result is a single internal error.
//
// Deliberate differences from upstream: bad values of structs are printed
// briefly (or omitted) instead of Go's %#v; the "pod updates may not change
// fields" message ends with protobuf's difference report instead of Go's
// cmp.Diff; feature-gated rules follow the current default gates.
namespace kubist::apiserver {

FieldErrors validateCreate(const api::KindInfo &kind, const google::protobuf::Message &object);
FieldErrors validateUpdate(const api::KindInfo &kind, const google::protobuf::Message &object,
                           const google::protobuf::Message &old);
// An update through the status subresource: metadata rules plus the
// kind's status rules (the spec is assumed to have been copied from `old`).
FieldErrors validateStatusUpdate(const api::KindInfo &kind, const google::protobuf::Message &object,
                                 const google::protobuf::Message &old);

} // namespace kubist::apiserver
