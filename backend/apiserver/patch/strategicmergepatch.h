#pragma once

#include "backend/apiserver/patch/patchlimits.h"
#include "backend/util/status.h"

#include <string>
#include <string_view>

namespace google::protobuf {
class Descriptor;
} // namespace google::protobuf

namespace kubist::apiserver {

// Applies a Kubernetes strategic merge patch (Content-Type
// application/strategic-merge-patch+json) to `document`, an object of the
// message type `schema`, as k8s.io/apimachinery/pkg/util/strategicpatch
// does on the API server (StrategicMergeMapPatch). It is what `kubectl
// apply` (client-side), `kubectl rollout restart`, `set image`, `scale`,
// `label`, `annotate` and `edit` send.
//
// How each field merges comes from the schema's options (see
// kubist_options.proto): a list with (kubist.patch_strategy) "merge" is
// merged element by element, objects matched by (kubist.patch_merge_key)
// (containers by name, ports by containerPort, conditions by type, ...),
// scalars as a set (finalizers); other lists are replaced; "replace" on an
// object replaces it whole; objects and maps merge key by key and null
// deletes a key. Field names resolve as the JSON codec's do, including the
// members of (kubist.inline) fields. Fields the schema does not know (and
// RawExtension content) follow merge-patch rules. `schema` may be null: then
// nothing is known about any field.
//
// Directives: "$patch": "replace" | "merge" | "delete" in an object or a
// merge-list element, "$deleteFromPrimitiveList/<list>", "$setElementOrder/<list>"
// and "$retainKeys", with Kubernetes' semantics and error messages
// (e.g. "map: map[image:nginx] does not contain declared merge key: name").
//
// Both inputs are JSON text; the result is compact JSON text. Errors:
// InvalidArgument for invalid JSON, a document or patch that is not an
// object, nesting deeper than limits.maxDepth, unknown directives, a merge
// key missing from a list element and every other patch Kubernetes refuses;
// ResourceExhausted when the result exceeds the limits. The schema must
// outlive the call. Thread-safe.
Result<std::string> applyStrategicMergePatch(std::string_view document, std::string_view patch,
                                             const google::protobuf::Descriptor *schema,
                                             const PatchLimits &limits = {});

} // namespace kubist::apiserver
