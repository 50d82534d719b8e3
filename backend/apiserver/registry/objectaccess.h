#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace google::protobuf {
class Message;
}
namespace k8s::io::apimachinery::pkg::apis::meta::v1 {
class ObjectMeta;
}

namespace kubist::apiserver {

namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

// Reflective access to the parts every Kubernetes object shares, so the
// registry handles every kind with one code path.

// The object's `metadata` (every kind has one as field `metadata`); nullptr
// for messages without it.
meta::ObjectMeta *mutableMetadata(google::protobuf::Message *object);
const meta::ObjectMeta &metadata(const google::protobuf::Message &object);

// Whether the kind has a top-level field with this name ("spec", "status").
bool hasTopLevelField(const google::protobuf::Message &object, std::string_view name);
// Copies field `name` (e.g. "status") from `from` to `to` (same type),
// clearing it in `to` when unset in `from`.
void copyTopLevelField(const google::protobuf::Message &from, google::protobuf::Message *to,
                       std::string_view name);
// The serialized bytes of field `name`, for cheap "did it change" checks.
std::string serializedField(const google::protobuf::Message &object, std::string_view name);

// The value of a scalar field by its JSON path ("spec.nodeName",
// "involvedObject.kind"), as a field selector sees it: strings as is,
// numbers and booleans as text, unset fields as "". nullopt when the path
// does not name a scalar field of the type.
std::optional<std::string> fieldValue(const google::protobuf::Message &object,
                                      std::string_view path);

} // namespace kubist::apiserver
