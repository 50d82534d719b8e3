#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
class Message;
} // namespace google::protobuf

namespace kubist::api {

// Message types whose JSON form is not an object of their fields.
enum class Special {
    None,
    Time,        // meta.v1.Time: RFC 3339 string, seconds
    MicroTime,   // meta.v1.MicroTime: RFC 3339 string, microseconds
    Quantity,    // resource.Quantity: canonical string
    IntOrString, // intstr.IntOrString: number or string
    RawJson,     // runtime.RawExtension, meta.v1.FieldsV1: raw JSON bytes
    StringList,  // meta.v1.Verbs: a plain array of strings
};

struct FieldInfo
{
    const google::protobuf::FieldDescriptor *fd = nullptr;
    std::string jsonName;
    bool always = false;   // (kubist.always)
    bool nullable = false; // (kubist.nullable)
    bool inlined = false;  // (kubist.inline): members belong to the parent object
    // For a member of an inlined message, as seen from the parent: the
    // parent's inline field holding it; else nullptr.
    const google::protobuf::FieldDescriptor *via = nullptr;
    bool itemsCarryTypeMeta = false; // a List's `items`: elements may carry apiVersion/kind
};

// What the codecs need to know about one message type, computed once per
// descriptor and thread (so lookups take no lock). Internal to backend/api.
struct MessageInfo
{
    Special special = Special::None;
    std::vector<FieldInfo> fields; // declaration order
    // Members of inlined fields, with `via` set; found by find() too.
    std::vector<FieldInfo> inlinedMembers;
    // For special types: their fields by number (1, 2, 3), else nullptr.
    const google::protobuf::FieldDescriptor *f1 = nullptr;
    const google::protobuf::FieldDescriptor *f2 = nullptr;
    const google::protobuf::FieldDescriptor *f3 = nullptr;

    // A field by JSON name, own or inlined (then `via` is set).
    const FieldInfo *find(std::string_view jsonName) const
    {
        auto it = m_byJsonName.find(jsonName);
        return it == m_byJsonName.end() ? nullptr : it->second;
    }

    // The info for `d`; the reference stays valid for the thread's lifetime.
    static const MessageInfo &of(const google::protobuf::Descriptor *d);
    // Index of `f` (from find()) among fields and inlined members together.
    size_t indexOf(const FieldInfo *f) const
    {
        if (f >= fields.data() && f < fields.data() + fields.size())
            return size_t(f - fields.data());
        return fields.size() + size_t(f - inlinedMembers.data());
    }
    size_t fieldCount() const { return fields.size() + inlinedMembers.size(); }

private:
    std::unordered_map<std::string_view, const FieldInfo *> m_byJsonName;
};

// Whether the JSON of `m` has a member for own (not inlined) field `f`:
// set, or (kubist.always), or (kubist.nullable) written as null.
bool jsonMemberWritten(const google::protobuf::Message &m, const FieldInfo &f);

} // namespace kubist::api
