#pragma once

#include "backend/util/status.h"

#include <string>
#include <string_view>
#include <vector>

namespace kubist::api {
struct KindInfo;
} // namespace kubist::api

namespace openapi::v2 {
class Document;
} // namespace openapi::v2

// The OpenAPI v2 (Swagger 2.0) document of the API server, `/openapi/v2`:
// definitions and paths of every served group-version, the same content as
// the v3 documents in Swagger's shapes (definitions under "#/definitions/",
// body parameters, Quantity and IntOrString as strings as kube-apiserver
// writes them). Older kubectl (1.20) reads it as protobuf for client-side
// validation and `explain`; newer ones fall back to it.
//
// Pure functions, thread-safe; equal input gives equal bytes.
namespace kubist::apiserver::openapiv2 {

using Kinds = std::vector<api::KindInfo>;

// The Content-Type of the protobuf form.
inline constexpr const char *kProtobufContentType =
    "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

// The Swagger 2.0 JSON document.
std::string documentJson(const Kinds &kinds);

// A Swagger 2.0 JSON document converted to gnostic's openapi.v2.Document, as
// gnostic's compiler reads one: maps become (name, value) pairs in key order,
// `x-` keys become vendor extensions holding their value as YAML (flow-style
// JSON) text, parameters split into body and non-body kinds by `in`.
// InvalidArgument when `json` is not a Swagger 2.0 object.
Status fromJson(std::string_view json, openapi::v2::Document *out);

// documentJson() converted by fromJson() and serialized: the body served for
// kProtobufContentType. An error only on a bug.
Result<std::string> documentProtobuf(const Kinds &kinds);

} // namespace kubist::apiserver::openapiv2
