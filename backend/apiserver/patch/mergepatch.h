#pragma once

#include "backend/apiserver/patch/patchlimits.h"
#include "backend/util/status.h"

#include <string>
#include <string_view>

namespace kubist::apiserver {

// Applies a JSON merge patch (RFC 7386, Content-Type
// application/merge-patch+json) to `document`, as Kubernetes' API server
// does (evanphx/json-patch MergePatch): the patch must be a JSON object;
// its members replace the document's, objects merge recursively, null
// removes a member, and nulls inside new values are dropped (also inside
// objects that sit in arrays). Arrays are replaced whole.
//
// Both inputs are JSON text; the result is compact JSON text, member order
// kept (new members last). Errors: InvalidArgument for invalid JSON, a patch
// that is not an object, input nested deeper than limits.maxDepth;
// ResourceExhausted when the result exceeds the limits.
// Thread-safe (no shared state).
Result<std::string> applyMergePatch(std::string_view document, std::string_view patch,
                                    const PatchLimits &limits = {});

} // namespace kubist::apiserver
