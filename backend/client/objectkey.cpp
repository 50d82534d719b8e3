#include "objectkey.h"

#include "meta_v1.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

namespace kubist::client {

namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

const meta::ObjectMeta &objectMeta(const google::protobuf::Message &object)
{
    const google::protobuf::FieldDescriptor *field =
        object.GetDescriptor()->FindFieldByName("metadata");
    if (!field || field->message_type() != meta::ObjectMeta::descriptor())
        return meta::ObjectMeta::default_instance();
    return static_cast<const meta::ObjectMeta &>(object.GetReflection()->GetMessage(object, field));
}

meta::ObjectMeta *mutableObjectMeta(google::protobuf::Message &object)
{
    const google::protobuf::FieldDescriptor *field =
        object.GetDescriptor()->FindFieldByName("metadata");
    if (!field || field->message_type() != meta::ObjectMeta::descriptor())
        return nullptr;
    return static_cast<meta::ObjectMeta *>(object.GetReflection()->MutableMessage(&object, field));
}

std::string objectKey(const std::string &ns, const std::string &name)
{
    return ns.empty() ? name : ns + "/" + name;
}

std::string objectKey(const google::protobuf::Message &object)
{
    const meta::ObjectMeta &md = objectMeta(object);
    return objectKey(md.namespace_(), md.name());
}

std::pair<std::string, std::string> splitObjectKey(const std::string &key)
{
    const size_t slash = key.find('/');
    if (slash == std::string::npos)
        return {std::string(), key};
    return {key.substr(0, slash), key.substr(slash + 1)};
}

} // namespace kubist::client
