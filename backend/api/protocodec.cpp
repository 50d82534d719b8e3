#include "protocodec.h"

#include "runtime.pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>
#include <google/protobuf/wire_format_lite.h>

#include <limits>
#include <vector>

namespace kubist::api {

namespace runtime = k8s::io::apimachinery::pkg::runtime;

namespace {

// Appends `message`, whose ByteSizeLong() was just computed as `size` (so
// its cached sizes are set), without computing the sizes again.
void serializeSized(const google::protobuf::Message &message, size_t size, std::string &out)
{
    const size_t start = out.size();
    out.resize(start + size);
    google::protobuf::io::ArrayOutputStream array(out.data() + start, int(size));
    google::protobuf::io::CodedOutputStream coded(&array);
    coded.SetSerializationDeterministic(true);
    message.SerializeWithCachedSizes(&coded);
}

} // namespace

void ProtobufCodec::serializeTo(const google::protobuf::Message &message, std::string &out)
{
    serializeSized(message, message.ByteSizeLong(), out);
}

std::string ProtobufCodec::serialize(const google::protobuf::Message &message)
{
    std::string out;
    serializeTo(message, out);
    return out;
}

Status ProtobufCodec::parse(std::string_view raw, google::protobuf::Message *out)
{
    out->Clear();
    if (raw.size() > size_t(std::numeric_limits<int>::max()))
        return Status::resourceExhausted("protobuf message too large");
    // The default recursion limit (100) bounds nesting; ParsePartial keeps
    // proto2 semantics without required-field checks (we have none).
    if (!out->ParsePartialFromArray(raw.data(), int(raw.size())))
        return Status::invalidArgument("malformed protobuf: cannot decode " +
                                       out->GetDescriptor()->name());
    return {};
}

namespace {

size_t varintSize(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

// The envelope up to the object's bytes: magic, runtime.Unknown's typeMeta,
// and the tag and length of its raw field. Field order and the always present
// empty contentEncoding/contentType (kEnvelopeTail) match Go's encoder.
std::string envelopeHead(const TypeMeta &typeMeta, size_t objectSize)
{
    std::string out(ProtobufCodec::kMagic);
    runtime::TypeMeta tm;
    tm.set_api_version(typeMeta.apiVersion);
    tm.set_kind(typeMeta.kind);
    std::string head;
    {
        google::protobuf::io::StringOutputStream stream(&head);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.WriteTag(1 << 3 | 2);
        coded.WriteVarint32(uint32_t(tm.ByteSizeLong()));
        tm.SerializeWithCachedSizes(&coded);
        coded.WriteTag(2 << 3 | 2);
        coded.WriteVarint64(objectSize);
    }
    out += head;
    return out;
}

constexpr std::string_view kEnvelopeTail("\x1a\x00\x22\x00", 4);

void appendVarint(uint64_t v, std::string &out)
{
    while (v >= 0x80) {
        out += char(uint8_t(v) | 0x80);
        v >>= 7;
    }
    out += char(v);
}

} // namespace

std::string ProtobufCodec::encode(const google::protobuf::Message &message,
                                  const TypeMeta &typeMeta)
{
    // Written by hand rather than through a runtime::Unknown so the object is
    // serialized once, straight into the output.
    const size_t size = message.ByteSizeLong();
    std::string out = envelopeHead(typeMeta, size);
    serializeSized(message, size, out);
    out += kEnvelopeTail;
    return out;
}

std::string ProtobufCodec::encodeList(const TypeMeta &typeMeta,
                                      const google::protobuf::Message &listMeta,
                                      std::span<const google::protobuf::Message *const> items)
{
    // Each size is computed once: it sizes the envelope, prefixes the item
    // and lets the item be written from its cached sizes.
    const auto field = [](size_t n) { return 1 + varintSize(n) + n; };
    const size_t metaSize = listMeta.ByteSizeLong();
    std::vector<size_t> sizes;
    sizes.reserve(items.size());
    size_t rawSize = field(metaSize);
    for (const google::protobuf::Message *item : items) {
        sizes.push_back(item->ByteSizeLong());
        rawSize += field(sizes.back());
    }
    std::string out = envelopeHead(typeMeta, rawSize);
    out.reserve(out.size() + rawSize + kEnvelopeTail.size());
    out += char(1 << 3 | 2);
    appendVarint(metaSize, out);
    serializeSized(listMeta, metaSize, out);
    for (size_t i = 0; i < items.size(); ++i) {
        out += char(2 << 3 | 2);
        appendVarint(sizes[i], out);
        serializeSized(*items[i], sizes[i], out);
    }
    out += kEnvelopeTail;
    return out;
}

namespace {

// The envelope's parts, the raw object a view into the input (no copy: a
// list page is megabytes).
struct EnvelopeView
{
    TypeMeta typeMeta;
    std::string_view raw;
    std::string contentEncoding;
    std::string contentType;
};

// Walks runtime.Unknown's wire format: typeMeta (1), raw (2),
// contentEncoding (3), contentType (4); other fields are skipped.
Result<EnvelopeView> unwrapView(std::string_view bytes)
{
    if (bytes.size() < ProtobufCodec::kMagic.size() ||
        bytes.substr(0, ProtobufCodec::kMagic.size()) != ProtobufCodec::kMagic)
        return Status::invalidArgument(
            "not Kubernetes protobuf: the data does not start with the \"k8s\\0\" prefix");
    const std::string_view body = bytes.substr(ProtobufCodec::kMagic.size());
    if (body.size() > size_t(std::numeric_limits<int>::max()))
        return Status::resourceExhausted("protobuf message too large");
    const Status malformed =
        Status::invalidArgument("malformed protobuf envelope (runtime.Unknown)");
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t *>(body.data()),
                                              int(body.size()));
    EnvelopeView e;
    while (size_t(in.CurrentPosition()) < body.size()) {
        const uint32_t tag = in.ReadTag();
        if (tag == 0)
            return malformed; // a bad varint, or field number 0
        using google::protobuf::internal::WireFormatLite;
        const int field = int(WireFormatLite::GetTagFieldNumber(tag));
        if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED ||
            field < 1 || field > 4) {
            if (!WireFormatLite::SkipField(&in, tag))
                return malformed;
            continue;
        }
        uint32_t length = 0;
        if (!in.ReadVarint32(&length))
            return malformed;
        const size_t at = size_t(in.CurrentPosition());
        if (length > body.size() - at || !in.Skip(int(length)))
            return malformed;
        const std::string_view value = body.substr(at, length);
        switch (field) {
        case 1: {
            runtime::TypeMeta tm;
            if (!tm.ParsePartialFromArray(value.data(), int(value.size())))
                return malformed;
            // A repeated message field merges, as the parser would.
            if (tm.has_api_version())
                e.typeMeta.apiVersion = tm.api_version();
            if (tm.has_kind())
                e.typeMeta.kind = tm.kind();
            break;
        }
        case 2:
            e.raw = value;
            break;
        case 3:
            e.contentEncoding = value;
            break;
        default:
            e.contentType = value;
            break;
        }
    }
    if (!e.contentEncoding.empty())
        return Status::unsupported("unsupported protobuf content encoding \"" + e.contentEncoding +
                                   "\"");
    return e;
}

} // namespace

Result<ProtobufCodec::Envelope> ProtobufCodec::unwrap(std::string_view bytes)
{
    Result<EnvelopeView> v = unwrapView(bytes);
    if (!v)
        return v.status();
    Envelope e;
    e.typeMeta = std::move(v->typeMeta);
    e.raw = std::string(v->raw);
    e.contentEncoding = std::move(v->contentEncoding);
    e.contentType = std::move(v->contentType);
    return e;
}

Status ProtobufCodec::decode(std::string_view bytes, google::protobuf::Message *out,
                             TypeMeta *typeMeta)
{
    Result<EnvelopeView> e = unwrapView(bytes);
    if (!e)
        return e.status();
    if (typeMeta)
        *typeMeta = e->typeMeta;
    return parse(e->raw, out);
}

} // namespace kubist::api
