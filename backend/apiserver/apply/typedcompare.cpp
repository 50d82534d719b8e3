#include "backend/apiserver/apply/typedcompare.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/schemainfo.h"

#include "meta_v1.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstring>

namespace kubist::apiserver::apply {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

bool equalMessages(const Message &a, const Message &b);

// Maps larger than this are compared entry by entry in order only (a
// different order then reads as "different" and the JSON decides).
constexpr int kMapMatchLimit = 64;

bool equalValue(const Message &a, const Message &b, const Reflection *r, const FieldDescriptor *fd,
                int i)
{
    const bool rep = i >= 0;
    switch (fd->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
        return rep ? r->GetRepeatedInt32(a, fd, i) == r->GetRepeatedInt32(b, fd, i)
                   : r->GetInt32(a, fd) == r->GetInt32(b, fd);
    case FieldDescriptor::CPPTYPE_INT64:
        return rep ? r->GetRepeatedInt64(a, fd, i) == r->GetRepeatedInt64(b, fd, i)
                   : r->GetInt64(a, fd) == r->GetInt64(b, fd);
    case FieldDescriptor::CPPTYPE_UINT32:
        return rep ? r->GetRepeatedUInt32(a, fd, i) == r->GetRepeatedUInt32(b, fd, i)
                   : r->GetUInt32(a, fd) == r->GetUInt32(b, fd);
    case FieldDescriptor::CPPTYPE_UINT64:
        return rep ? r->GetRepeatedUInt64(a, fd, i) == r->GetRepeatedUInt64(b, fd, i)
                   : r->GetUInt64(a, fd) == r->GetUInt64(b, fd);
    case FieldDescriptor::CPPTYPE_BOOL:
        return rep ? r->GetRepeatedBool(a, fd, i) == r->GetRepeatedBool(b, fd, i)
                   : r->GetBool(a, fd) == r->GetBool(b, fd);
    case FieldDescriptor::CPPTYPE_ENUM:
        return rep ? r->GetRepeatedEnumValue(a, fd, i) == r->GetRepeatedEnumValue(b, fd, i)
                   : r->GetEnumValue(a, fd) == r->GetEnumValue(b, fd);
    case FieldDescriptor::CPPTYPE_DOUBLE: // bitwise: -0 and NaN go to the JSON
    case FieldDescriptor::CPPTYPE_FLOAT: {
        const double x = fd->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE
                             ? (rep ? r->GetRepeatedDouble(a, fd, i) : r->GetDouble(a, fd))
                             : (rep ? r->GetRepeatedFloat(a, fd, i) : r->GetFloat(a, fd));
        const double y = fd->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE
                             ? (rep ? r->GetRepeatedDouble(b, fd, i) : r->GetDouble(b, fd))
                             : (rep ? r->GetRepeatedFloat(b, fd, i) : r->GetFloat(b, fd));
        return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
        std::string sa, sb;
        return rep ? r->GetRepeatedStringReference(a, fd, i, &sa) ==
                         r->GetRepeatedStringReference(b, fd, i, &sb)
                   : r->GetStringReference(a, fd, &sa) == r->GetStringReference(b, fd, &sb);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
        return rep ? equalMessages(r->GetRepeatedMessage(a, fd, i), r->GetRepeatedMessage(b, fd, i))
                   : equalMessages(r->GetMessage(a, fd), r->GetMessage(b, fd));
    }
    return false;
}

// Equal maps in any order (entries matched by key), for small maps.
bool equalMaps(const Message &a, const Message &b, const Reflection *r, const FieldDescriptor *fd,
               int n)
{
    const FieldDescriptor *keyFd = fd->message_type()->map_key();
    for (int i = 0; i < n; ++i) {
        const Message &ea = r->GetRepeatedMessage(a, fd, i);
        const Reflection *er = ea.GetReflection();
        int match = -1;
        for (int j = 0; j < n && match < 0; ++j)
            if (equalValue(ea, r->GetRepeatedMessage(b, fd, j), er, keyFd, -1))
                match = j;
        if (match < 0 || !equalMessages(ea, r->GetRepeatedMessage(b, fd, match)))
            return false;
    }
    return true;
}

// Whether field `fd` holds the same in `a` and `b` (so their JSON members
// are equal). "false" may also mean "cannot tell cheaply".
bool equalField(const Message &a, const Message &b, const FieldDescriptor *fd)
{
    const Reflection *r = a.GetReflection();
    if (fd->is_repeated()) {
        const int n = r->FieldSize(a, fd);
        if (n != r->FieldSize(b, fd))
            return false;
        if (fd->is_map() && n > 1 && n <= kMapMatchLimit)
            return equalMaps(a, b, r, fd, n);
        for (int i = 0; i < n; ++i)
            if (!equalValue(a, b, r, fd, i))
                return false;
        return true;
    }
    const bool has = r->HasField(a, fd);
    if (has != r->HasField(b, fd))
        return false;
    return !has || equalValue(a, b, r, fd, -1);
}

bool equalMessages(const Message &a, const Message &b)
{
    const Descriptor *d = a.GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i)
        if (!equalField(a, b, d->field(i)))
            return false;
    return true;
}

// Whether the member of `m` for struct field `f` is written as an object
// (not as null; it is written at all: jsonMemberWritten).
bool objectMember(const Message &m, const api::FieldInfo &f)
{
    return m.GetReflection()->HasField(m, f.fd) || (f.always && !f.nullable);
}

Json memberJson(const Message &m, const api::FieldInfo &f)
{
    std::string text;
    api::JsonCodec::encodeMember(m, f.jsonName, text);
    return parseJson(text);
}

// Deeper structs than this are compared on their JSON (the encoder writes
// "{}" for members past its own depth limit).
constexpr int kMaxWalkDepth = 100;

class Walker
{
public:
    Walker(Comparison &out, bool skipServerMetadata)
        : m_out(out)
        , m_skipServerMetadata(skipServerMetadata)
    {}

    // The objects of struct type `d` at `path`: `l` / `r` null for a side
    // without the member. `rootMetadata`: they are the top-level metadata,
    // whose server fields are left out when the options say so.
    void structs(const Message *l, const Message *r, const Descriptor *d, Path &path, int depth,
                 bool rootMetadata)
    {
        if (!l && !r)
            return;
        if ((!l || !r) && !path.empty())
            (l ? m_out.removed : m_out.added).insert(path);
        members(l, r, api::MessageInfo::of(d), path, depth, rootMetadata && m_skipServerMetadata);
    }

private:
    void members(const Message *l, const Message *r, const api::MessageInfo &info, Path &path,
                 int depth, bool skipServerMetadata)
    {
        for (const api::FieldInfo &f : info.fields) {
            if (skipServerMetadata &&
                (f.fd->name() == "managed_fields" || f.fd->name() == "resource_version"))
                continue;
            if (f.inlined) {
                // Its members are members of this object.
                const Message *li = l ? &l->GetReflection()->GetMessage(*l, f.fd) : nullptr;
                const Message *ri = r ? &r->GetReflection()->GetMessage(*r, f.fd) : nullptr;
                members(li, ri, api::MessageInfo::of(f.fd->message_type()), path, depth + 1, false);
                continue;
            }
            member(l, r, f, path, depth);
        }
    }

    void member(const Message *l, const Message *r, const api::FieldInfo &f, Path &path, int depth)
    {
        const bool lp = l && api::jsonMemberWritten(*l, f), rp = r && api::jsonMemberWritten(*r, f);
        if (!lp && !rp)
            return;
        if (lp && rp && equalField(*l, *r, f.fd))
            return;
        const FieldDescriptor *fd = f.fd;
        const Shape shape = shapeOfField(fd);
        path.push_back("f:" + f.jsonName);
        if (shape.kind == Shape::Kind::Struct && depth < kMaxWalkDepth) {
            const bool lo = lp && objectMember(*l, f), ro = rp && objectMember(*r, f);
            if (lo == lp && ro == rp) { // no null on either side
                const bool metadata =
                    depth == 0 && fd->message_type() == meta::ObjectMeta::descriptor();
                structs(lo ? &l->GetReflection()->GetMessage(*l, fd) : nullptr,
                        ro ? &r->GetReflection()->GetMessage(*r, fd) : nullptr, shape.message, path,
                        depth + 1, metadata);
                path.pop_back();
                return;
            }
        } else if (shape.kind == Shape::Kind::Scalar && !fd->is_repeated() &&
                   fd->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
            if (lp != rp) {
                (lp ? m_out.removed : m_out.added).insert(path);
                path.pop_back();
                return;
            }
            if (plainlyDifferent(*l, *r, fd)) {
                m_out.modified.insert(path);
                path.pop_back();
                return;
            }
        }
        const Json lj = lp ? memberJson(*l, f) : Json(), rj = rp ? memberJson(*r, f) : Json();
        compare(lp ? &lj : nullptr, rp ? &rj : nullptr, shape, path, m_out);
        path.pop_back();
    }

    // Two set scalars whose values differ and whose JSON surely differs
    // too (not floating point, strings only of ASCII: invalid UTF-8 is
    // replaced when written, so different bytes may read alike).
    static bool plainlyDifferent(const Message &l, const Message &r, const FieldDescriptor *fd)
    {
        const Reflection *refl = l.GetReflection();
        if (!refl->HasField(l, fd) || !refl->HasField(r, fd))
            return false;
        switch (fd->cpp_type()) {
        case FieldDescriptor::CPPTYPE_DOUBLE:
        case FieldDescriptor::CPPTYPE_FLOAT:
            return false;
        case FieldDescriptor::CPPTYPE_STRING: {
            if (fd->type() == FieldDescriptor::TYPE_BYTES)
                return true;
            std::string sa, sb;
            const std::string &a = refl->GetStringReference(l, fd, &sa);
            const std::string &b = refl->GetStringReference(r, fd, &sb);
            auto ascii = [](const std::string &s) {
                for (unsigned char c : s)
                    if (c >= 0x80)
                        return false;
                return true;
            };
            return ascii(a) && ascii(b);
        }
        default:
            return true;
        }
    }

    Comparison &m_out;
    const bool m_skipServerMetadata;
};

} // namespace

void compareMessages(const Message &lhs, const Message &rhs, Comparison &out,
                     const TypedCompareOptions &options)
{
    const Descriptor *d = rhs.GetDescriptor();
    Path path;
    const Shape shape = shapeOfMessage(d);
    if (shape.kind != Shape::Kind::Struct) {
        const Json l = parseJson(api::JsonCodec::encode(lhs));
        const Json r = parseJson(api::JsonCodec::encode(rhs));
        compare(&l, &r, shape, path, out);
        return;
    }
    Walker walker(out, options.skipServerMetadata);
    walker.structs(&lhs, &rhs, d, path, 0, false);
}

} // namespace kubist::apiserver::apply
