#include "objectaccess.h"

#include "backend/api/protocodec.h"

#include "meta_v1.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

namespace kubist::apiserver {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

namespace {

const FieldDescriptor *topLevel(const Message &object, std::string_view name)
{
    return object.GetDescriptor()->FindFieldByName(std::string(name));
}

} // namespace

meta::ObjectMeta *mutableMetadata(Message *object)
{
    const FieldDescriptor *fd = topLevel(*object, "metadata");
    if (!fd || fd->message_type() != meta::ObjectMeta::descriptor())
        return nullptr;
    return static_cast<meta::ObjectMeta *>(object->GetReflection()->MutableMessage(object, fd));
}

const meta::ObjectMeta &metadata(const Message &object)
{
    const FieldDescriptor *fd = topLevel(object, "metadata");
    if (!fd || fd->message_type() != meta::ObjectMeta::descriptor())
        return meta::ObjectMeta::default_instance();
    return static_cast<const meta::ObjectMeta &>(object.GetReflection()->GetMessage(object, fd));
}

bool hasTopLevelField(const Message &object, std::string_view name)
{
    return topLevel(object, name) != nullptr;
}

void copyTopLevelField(const Message &from, Message *to, std::string_view name)
{
    const FieldDescriptor *fd = topLevel(*to, name);
    if (!fd)
        return;
    const auto *r = to->GetReflection();
    if (!from.GetReflection()->HasField(from, fd)) {
        r->ClearField(to, fd);
        return;
    }
    r->MutableMessage(to, fd)->CopyFrom(from.GetReflection()->GetMessage(from, fd));
}

std::string serializedField(const Message &object, std::string_view name)
{
    const FieldDescriptor *fd = topLevel(object, name);
    if (!fd || !object.GetReflection()->HasField(object, fd))
        return {};
    return api::ProtobufCodec::serialize(object.GetReflection()->GetMessage(object, fd));
}

std::optional<std::string> fieldValue(const Message &object, std::string_view path)
{
    const Message *msg = &object;
    while (true) {
        const size_t dot = path.find('.');
        const std::string_view part = path.substr(0, dot);
        const FieldDescriptor *fd = nullptr;
        const auto *d = msg->GetDescriptor();
        for (int i = 0; i < d->field_count(); ++i)
            if (d->field(i)->json_name() == part)
                fd = d->field(i);
        if (!fd || fd->is_repeated())
            return std::nullopt;
        const auto *r = msg->GetReflection();
        if (dot == std::string_view::npos) {
            switch (fd->cpp_type()) {
            case FieldDescriptor::CPPTYPE_STRING:
                return r->GetString(*msg, fd);
            case FieldDescriptor::CPPTYPE_BOOL:
                return r->GetBool(*msg, fd) ? "true" : "false";
            case FieldDescriptor::CPPTYPE_INT32:
                return std::to_string(r->GetInt32(*msg, fd));
            case FieldDescriptor::CPPTYPE_INT64:
                return std::to_string(r->GetInt64(*msg, fd));
            default:
                return std::nullopt;
            }
        }
        if (fd->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE)
            return std::nullopt;
        msg = &r->GetMessage(*msg, fd);
        path.remove_prefix(dot + 1);
    }
}

} // namespace kubist::apiserver
