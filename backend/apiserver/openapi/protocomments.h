#pragma once

#include <memory>
#include <string>

namespace google::protobuf {
class Descriptor;
class DescriptorPool;
class FieldDescriptor;
} // namespace google::protobuf

namespace kubist::apiserver {

// ProtoComments gives the documentation comments of the object model's
// .proto files (backend/api/proto), which the generated descriptors lack: the
// build compiles the schema once more into a descriptor set with source info
// and embeds it in this library.
//
// Comments are returned as prose: comment lines of one paragraph joined by
// spaces, paragraphs separated by a blank line, trimmed; "" when the element
// has no leading comment or is unknown to the embedded set (e.g. a message
// from a .proto outside backend/api/proto).
//
// Constant after construction; safe to use from any thread.
class ProtoComments final
{
public:
    // The comments of the embedded schema; lives for the whole program.
    static const ProtoComments &instance();

    // Looked up by full name, so descriptors of the generated pool work.
    std::string message(const google::protobuf::Descriptor *d) const;
    std::string field(const google::protobuf::FieldDescriptor *fd) const;

    ~ProtoComments();
    ProtoComments(const ProtoComments &) = delete;
    ProtoComments &operator=(const ProtoComments &) = delete;

private:
    ProtoComments();
    std::unique_ptr<google::protobuf::DescriptorPool> m_pool; // nullptr if the set failed to load
};

} // namespace kubist::apiserver
