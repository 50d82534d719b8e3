#include "schemainfo.h"

#include "kubist_options.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>

namespace kubist::api {

namespace {

Special specialOf(const google::protobuf::Descriptor *d)
{
    const std::string &n = d->full_name();
    if (n == "k8s.io.apimachinery.pkg.apis.meta.v1.Time")
        return Special::Time;
    if (n == "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime")
        return Special::MicroTime;
    if (n == "k8s.io.apimachinery.pkg.api.resource.Quantity")
        return Special::Quantity;
    if (n == "k8s.io.apimachinery.pkg.util.intstr.IntOrString")
        return Special::IntOrString;
    if (n == "k8s.io.apimachinery.pkg.runtime.RawExtension" ||
        n == "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1")
        return Special::RawJson;
    if (n == "k8s.io.apimachinery.pkg.apis.meta.v1.Verbs")
        return Special::StringList;
    return Special::None;
}

} // namespace

const MessageInfo &MessageInfo::of(const google::protobuf::Descriptor *d)
{
    thread_local std::unordered_map<const google::protobuf::Descriptor *,
                                    std::unique_ptr<MessageInfo>>
        cache;
    auto &slot = cache[d];
    if (slot)
        return *slot;
    auto info = std::make_unique<MessageInfo>();
    info->special = specialOf(d);
    info->f1 = d->FindFieldByNumber(1);
    info->f2 = d->FindFieldByNumber(2);
    info->f3 = d->FindFieldByNumber(3);
    const bool isList = d->name().size() > 4 && d->name().ends_with("List");
    info->fields.reserve(size_t(d->field_count()));
    for (int i = 0; i < d->field_count(); ++i) {
        const google::protobuf::FieldDescriptor *fd = d->field(i);
        FieldInfo f;
        f.fd = fd;
        f.jsonName = fd->json_name();
        f.always = fd->options().GetExtension(kubist::always);
        f.nullable = fd->options().GetExtension(kubist::nullable);
        f.inlined = fd->options().GetExtension(kubist::inline_) &&
                    fd->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
                    !fd->is_repeated();
        f.itemsCarryTypeMeta = isList && fd->name() == "items";
        if (f.inlined) {
            // One level, which is all the Kubernetes types need.
            const MessageInfo &member = of(fd->message_type());
            for (const FieldInfo &m : member.fields) {
                FieldInfo copy = m;
                copy.via = fd;
                info->inlinedMembers.push_back(std::move(copy));
            }
        }
        info->fields.push_back(std::move(f));
    }
    for (const FieldInfo &f : info->fields)
        if (!f.inlined)
            info->m_byJsonName.emplace(f.jsonName, &f);
    for (const FieldInfo &f : info->inlinedMembers)
        info->m_byJsonName.emplace(f.jsonName, &f);
    slot = std::move(info);
    return *slot;
}

bool jsonMemberWritten(const google::protobuf::Message &m, const FieldInfo &f)
{
    const google::protobuf::Reflection *r = m.GetReflection();
    if (f.fd->is_repeated())
        return r->FieldSize(m, f.fd) != 0 || f.always || f.nullable;
    return r->HasField(m, f.fd) || f.always || f.nullable;
}

} // namespace kubist::api
