#pragma once

#include <cstddef>
#include <cstdint>

namespace kubist::apiserver {

// Bounds every patch function applies to its input and output. The defaults
// are Kubernetes' own: at most 10,000 JSON patch operations
// (maxJSONPatchOperations), at most 3 MiB added by JSON patch "copy"
// operations (JSONPatchMaxCopyBytes); nesting depth as the JSON codec accepts.
struct PatchLimits
{
    // Deepest nesting accepted in the document, the patch and the result.
    size_t maxDepth = 1000;
    // Most operations one JSON patch may hold.
    size_t maxOperations = 10000;
    // Most bytes (of serialized JSON) all "copy" operations of one JSON patch
    // may add together.
    int64_t maxCopyBytes = 3 * 1024 * 1024;
    // Largest serialized result accepted.
    size_t maxResultBytes = 8 * 1024 * 1024;
};

} // namespace kubist::apiserver
