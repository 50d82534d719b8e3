#include "protocodec.h"

#include "runtime.pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>

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

Result<ProtobufCodec::Envelope> ProtobufCodec::unwrap(std::string_view bytes)
{
    if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic)
        return Status::invalidArgument(
            "not Kubernetes protobuf: the data does not start with the \"k8s\\0\" prefix");
    runtime::Unknown unknown;
    if (Status s = parse(bytes.substr(kMagic.size()), &unknown); !s)
        return Status::invalidArgument("malformed protobuf envelope (runtime.Unknown)");
    Envelope e;
    e.typeMeta.apiVersion = unknown.type_meta().api_version();
    e.typeMeta.kind = unknown.type_meta().kind();
    e.raw = std::move(*unknown.mutable_raw());
    e.contentEncoding = unknown.content_encoding();
    e.contentType = unknown.content_type();
    if (!e.contentEncoding.empty())
        return Status::unsupported("unsupported protobuf content encoding \"" + e.contentEncoding +
                                   "\"");
    return e;
}

Status ProtobufCodec::decode(std::string_view bytes, google::protobuf::Message *out,
                             TypeMeta *typeMeta)
{
    Result<Envelope> e = unwrap(bytes);
    if (!e)
        return e.status();
    if (typeMeta)
        *typeMeta = e->typeMeta;
    return parse(e->raw, out);
}

} // namespace kubist::api
