#pragma once

// typed.Compare on protobuf messages: the answer of compare() (structured.h)
// on the JSON encodings of two messages, computed by walking the messages
// themselves wherever the schema makes them structs. Only a member that
// differs and is neither a struct nor a plain scalar (a list, a map, a
// special type, an atomic struct) is encoded to JSON and compared there.
// Most writes change a few fields of a large object (a binding sets
// spec.nodeName, a heartbeat a condition's time); this costs what changed,
// not the object's size. Internal to kubist_apiserver_apply.

#include "backend/apiserver/apply/structured.h"

namespace google::protobuf {
class Message;
}

namespace kubist::apiserver::apply {

struct TypedCompareOptions
{
    // Leaves metadata.managedFields and metadata.resourceVersion of the
    // top-level object out (they are the server's, and never recorded).
    bool skipServerMetadata = false;
};

// Adds to `out` what compare() would add for JsonCodec::encode(lhs) and
// JsonCodec::encode(rhs) below an empty path, with the shape of their type
// (shapeOfMessage). Both messages are of one type. Thread-safe.
void compareMessages(const google::protobuf::Message &lhs, const google::protobuf::Message &rhs,
                     Comparison &out, const TypedCompareOptions &options = {});

} // namespace kubist::apiserver::apply
