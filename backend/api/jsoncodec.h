#pragma once

#include "backend/util/status.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class Descriptor;
class Message;
} // namespace google::protobuf

namespace kubist::api {

// apiVersion and kind, as a JSON object carries them at its top level.
struct TypeMeta
{
    std::string apiVersion;
    std::string kind;
    bool operator==(const TypeMeta &) const = default;
};

struct JsonDecodeOptions
{
    // Strict rejects unknown fields and duplicate keys (fieldValidation=Strict);
    // lenient ignores unknown fields and lets the last duplicate win.
    bool strict = false;
    // Deepest JSON nesting accepted; deeper input is refused before it is
    // walked (Kubernetes' own decoder stops at 10,000; objects need < 30).
    size_t maxDepth = 1000;
};

struct JsonDecodeReport
{
    // Paths of ignored unknown fields and duplicate keys, in lenient mode
    // (the API server turns them into Warning headers for fieldValidation=Warn).
    std::vector<std::string> warnings;
};

struct JsonEncodeOptions
{
    // When non-empty, written first as "kind" and "apiVersion" (Go's order).
    TypeMeta typeMeta;
};

// JsonCodec reads and writes Kubernetes' JSON for any message of our schema,
// by reflection over its descriptor, as the API server does:
//  - RFC 3339 times (meta.v1.Time in seconds, MicroTime with microseconds),
//    quantities as canonical strings, IntOrString as number or string,
//    int64 as JSON numbers, bytes as base64, maps as objects;
//  - unset fields omitted, except those marked (kubist.always) in the schema;
//  - RawExtension and FieldsV1 carry raw JSON through unchanged.
// Top-level "apiVersion"/"kind" (and those of list items) are not schema
// fields; decode reports them through `typeMeta`.
//
// Thread-safe: all functions may be called concurrently from any thread.
// Bad input never throws, crashes or hangs: it returns an error Status
// (Code::InvalidArgument) whose message names the JSON path.
class JsonCodec final
{
public:
    // Decodes `json` into `out` (cleared first). On error `out` is left in an
    // unspecified but valid state.
    static Status decode(std::string_view json, google::protobuf::Message *out,
                         const JsonDecodeOptions &options = {}, TypeMeta *typeMeta = nullptr,
                         JsonDecodeReport *report = nullptr);

    // Decodes an object whose type is chosen by its own apiVersion/kind:
    // `resolve` returns a fresh message for them, or nullptr to refuse (the
    // decode then fails with "no kind ... is registered"). The caller owns the
    // returned message.
    using Resolver = std::function<google::protobuf::Message *(const TypeMeta &typeMeta)>;
    static Result<google::protobuf::Message *>
    decodeAny(std::string_view json, const Resolver &resolve, const JsonDecodeOptions &options = {},
              TypeMeta *typeMeta = nullptr, JsonDecodeReport *report = nullptr);

    // Reads only the top-level apiVersion and kind of a JSON object.
    static Result<TypeMeta> peekTypeMeta(std::string_view json);

    static std::string encode(const google::protobuf::Message &message,
                              const JsonEncodeOptions &options = {});
    // Appends to `out` instead of returning a new string.
    static void encodeTo(const google::protobuf::Message &message, std::string &out,
                         const JsonEncodeOptions &options = {});

    // Appends the JSON value of `message`'s member `jsonName` (one of its
    // own fields, not a member of an inlined message) as encode() writes
    // it inside the object, and returns true; returns false, appending
    // nothing, when encode() leaves the member out or there is no such field.
    static bool encodeMember(const google::protobuf::Message &message, std::string_view jsonName,
                             std::string &out);

    // Writes `s` as a JSON string literal (quoted, escaped; invalid UTF-8
    // replaced by U+FFFD as Go's encoder does).
    static void appendQuoted(std::string_view s, std::string &out);
};

} // namespace kubist::api
