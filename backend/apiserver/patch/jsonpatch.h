#pragma once

#include "backend/apiserver/patch/patchlimits.h"
#include "backend/util/status.h"

#include <string>
#include <string_view>

namespace kubist::apiserver {

// Applies a JSON patch (RFC 6902, Content-Type application/json-patch+json)
// to `document` as Kubernetes' API server does (evanphx/json-patch v4):
// operations add, remove, replace, move, copy and test, applied in order;
// paths are JSON Pointers (RFC 6901, "~1" for "/", "~0" for "~"); "-" appends
// to an array; negative array indices count from the end (v4's
// SupportNegativeIndices). Like v4, "replace" of a missing object member
// adds it and "copy" from a missing member copies null; unlike v4, "test"
// compares objects in full (v4 ignores members only the patch value has).
// A path must start with "/" (v4 silently drops a first segment without it).
//
// Both inputs are JSON text; the result is compact JSON text, member order
// kept. Errors, with Kubernetes' messages:
//  - InvalidArgument: invalid JSON, a patch that is not an array of objects,
//    input nested deeper than limits.maxDepth (400 upstream);
//  - ResourceExhausted: more than limits.maxOperations operations ("The
//    allowed maximum operations in a JSON patch is 10000, got N"), copies
//    adding more than limits.maxCopyBytes, a result over the limits (413);
//  - Invalid: an operation that does not apply, e.g. `add operation does not
//    apply: doc is missing path: "/spec/foo": missing value` or `testing value
//    /metadata/name failed: test failed` (422 upstream).
// Thread-safe (no shared state).
Result<std::string> applyJsonPatch(std::string_view document, std::string_view patch,
                                   const PatchLimits &limits = {});

} // namespace kubist::apiserver
