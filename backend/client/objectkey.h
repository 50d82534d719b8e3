#pragma once

#include <string>
#include <utility>

namespace google::protobuf {
class Message;
}
namespace k8s::io::apimachinery::pkg::apis::meta::v1 {
class ObjectMeta;
}

namespace kubist::client {

// The `metadata` of any Kubernetes object (found by reflection: every kind
// has one as field `metadata`); an empty ObjectMeta for a message without.
const k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta &
objectMeta(const google::protobuf::Message &object);
// The same, writable; nullptr for a message without `metadata`.
k8s::io::apimachinery::pkg::apis::meta::v1::ObjectMeta *
mutableObjectMeta(google::protobuf::Message &object);

// The cache key of an object, as client-go's MetaNamespaceKeyFunc:
// "namespace/name", or "name" for cluster-scoped objects.
std::string objectKey(const google::protobuf::Message &object);
std::string objectKey(const std::string &ns, const std::string &name);
// The inverse: {namespace, name} ("" namespace for a key without '/').
std::pair<std::string, std::string> splitObjectKey(const std::string &key);

} // namespace kubist::client
