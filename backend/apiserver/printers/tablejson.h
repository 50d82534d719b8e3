#pragma once

#include "backend/apiserver/printers/printers.h"
#include "backend/util/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class Message;
} // namespace google::protobuf

namespace kubist::api {
struct KindInfo;
} // namespace kubist::api

namespace kubist::apiserver::printers {

// What the client asked for with `Accept: application/json;as=Table;v=v1;
// g=meta.k8s.io` (or v1beta1) and the TableOptions query parameters.
struct TableOptions
{
    // ?includeObject=: what each row's "object" carries. Upstream treats an
    // absent value as Metadata; None writes "object":null.
    enum class IncludeObject {
        None,     // "object": null
        Metadata, // a meta.k8s.io/v1 PartialObjectMetadata with the full ObjectMeta
        Object,   // the whole object, with its kind and apiVersion
    };
    IncludeObject includeObject = IncludeObject::Metadata;

    // False writes "columnDefinitions":null. kube-apiserver sends the column
    // definitions only with the first event of a watch (its watch handler sets
    // TableOptions.NoHeaders after transforming the first object); lists and
    // single GETs always carry them.
    bool includeColumnDefinitions = true;

    // The cluster clock's "now", which AGE and the other durations count from.
    std::int64_t nowSeconds = 0;
    std::int32_t nowNanos = 0;
};

// The Table's "metadata" (a meta.v1 ListMeta). For a list: the list's
// resourceVersion, continue token and remainingItemCount. For a single object
// (a GET or one watch event): the object's own resourceVersion, as upstream's
// table generator takes it from the object.
struct TableListMeta
{
    std::string resourceVersion;
    std::string continueToken;
    std::optional<std::int64_t> remainingItemCount;
};

// Parses the ?includeObject= value: "" and "Metadata" -> Metadata, "None",
// "Object"; anything else is InvalidArgument with upstream's message
// ("Unable to convert to Table as requested: includeObject: Unsupported
// value: ..."), which the HTTP layer answers with 400 BadRequest.
Result<TableOptions::IncludeObject> parseIncludeObject(std::string_view value);

// The full meta.k8s.io/v1 Table as JSON, in upstream's member order:
//   {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{...},
//    "columnDefinitions":[{"name","type","format","description","priority"}],
//    "rows":[{"cells":[...],"conditions":[...],"object":{...}}]}
// "conditions" appears only on rows that have some (finished pods). Kinds
// with a printer always write "rows" as an array; the default table (kinds
// without a printer) writes "rows":null for no objects, as upstream does.
// Strings are escaped as JsonCodec escapes them (no HTML escaping of <, >, &;
// the JSON value is the same as upstream's).
//
// `objects` are messages of kind.descriptor's type (one for a GET or a watch
// event, any number for a list); each must stay alive during the call. Fails
// (InvalidArgument) when an object is of another type. Thread-safe.
Result<std::string> tableJson(const api::KindInfo &kind,
                              const std::vector<const google::protobuf::Message *> &objects,
                              const TableListMeta &listMeta, const TableOptions &options);

} // namespace kubist::apiserver::printers
