#pragma once

#include "backend/util/status.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kubist::api {
struct KindInfo;
} // namespace kubist::api

// OpenAPI v3 documents of the API server (`/openapi/v3` and
// `/openapi/v3/<path>`), generated from the served kinds' descriptors and the
// .proto comments, in kube-apiserver's shapes
// (../shared/k8s-reference/openapi-v3/): what `kubectl explain` (1.27+) and
// kubectl's check for server-side field validation (a PATCH operation with
// the kind's x-kubernetes-group-version-kind and a `fieldValidation` query
// parameter) read.
//
// Pure functions, thread-safe; equal input gives equal bytes.
namespace kubist::apiserver::openapiv3 {

using Kinds = std::vector<api::KindInfo>;

// Document paths as `/openapi/v3` lists them: "api/v1", "apis/apps/v1", ...
// (core first, then the named groups in the order `kinds` names them).
std::vector<std::string> documentPaths(const Kinds &kinds);

// The document of one group-version: `path` is "api/v1" or
// "apis/<group>/<version>" (a leading "/openapi/v3/" or "/" is accepted).
// Holds the group-version's paths (every verb the kinds list, watch paths,
// subresources) and the schemas they reach (components.schemas). NotFound
// for a group-version that is not served.
Result<std::string> document(const Kinds &kinds, std::string_view path);

// The hash a document is addressed by (uppercase hex SHA-512, as
// kube-apiserver's ETag): `/openapi/v3/<path>?hash=<hash>`.
std::string documentHash(std::string_view documentBytes);

// Every document at once, with the root that addresses them by hash.
struct Documents
{
    std::string root;                          // `/openapi/v3`
    std::map<std::string, std::string> byPath; // "api/v1" -> document
    std::map<std::string, std::string> hashByPath;
};
Documents allDocuments(const Kinds &kinds);

} // namespace kubist::apiserver::openapiv3
