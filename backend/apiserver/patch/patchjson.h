#pragma once

// Internal to kubist_apiserver_patch: the JSON value type the patch
// functions work on and the helpers they share. Not for other libraries
// (nlohmann_json is a private dependency).

#include "backend/apiserver/patch/patchlimits.h"
#include "backend/util/status.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace kubist::apiserver::patchjson {

using Json = nlohmann::ordered_json;

// Thrown inside the patch functions and turned into a Status at their
// boundary; never leaves the library.
class PatchError final : public std::runtime_error
{
public:
    PatchError(Status::Code code, const std::string &message)
        : std::runtime_error(message)
        , m_code(code)
    {}
    Status::Code code() const { return m_code; }
    Status status() const { return Status(m_code, what()); }

private:
    Status::Code m_code;
};

[[noreturn]] void fail(Status::Code code, const std::string &message);
[[noreturn]] inline void invalidArgument(const std::string &message)
{
    fail(Status::Code::InvalidArgument, message);
}

// Parses `text`. Refuses (InvalidArgument) invalid JSON and nesting deeper
// than `maxDepth` before building anything; `what` names the input in
// messages ("document", "patch").
Result<Json> parse(std::string_view text, size_t maxDepth, std::string_view what);

// Nesting depth of `value` (a scalar is 0, {} and [] are 1); iterative.
size_t depthOf(const Json &value);

// Serializes compactly, keeping key order; invalid UTF-8 cannot occur (the
// parser refuses it) but would be replaced rather than throw.
std::string dump(const Json &value);

// Serializes `value` and checks the result against the limits
// (ResourceExhausted when too deep or too large).
Result<std::string> finish(const Json &value, const PatchLimits &limits);

// `value` as Go's fmt %v prints the interface{} Kubernetes decodes it to:
// map[a:1 b:x], [1 2], <nil>. Used in messages that quote Kubernetes'.
std::string goValue(const Json &value);

// The Go type Kubernetes' decoded form of `value` has: "map[string]interface {}",
// "[]interface {}", "string", "int64", "float64", "bool", "<nil>".
std::string goType(const Json &value);

// A hashable identity of a value consistent with Json's operator==
// (numbers compare by value): equal values give equal keys.
std::string identity(const Json &value);

// The coarse kind Kubernetes' merges compare (Go's reflect.Type of the
// decoded value, with all numbers one kind).
enum class Kind { Null, Object, Array, String, Number, Bool };
Kind kindOf(const Json &value);

} // namespace kubist::apiserver::patchjson
