#pragma once

#include "backend/api/jsoncodec.h"
#include "backend/util/status.h"

#include <span>
#include <string>
#include <string_view>

namespace google::protobuf {
class Message;
}

namespace kubist::api {

// ProtobufCodec reads and writes Kubernetes' protobuf wire format: the magic
// bytes "k8s\0" followed by a runtime.Unknown whose typeMeta names the
// object's apiVersion and kind and whose raw field holds the object's own
// protobuf encoding. Encoding is deterministic (map entries sorted by key),
// and fields our schema does not model survive decode + encode unchanged.
//
// Thread-safe. Bad input returns Code::InvalidArgument, never throws.
class ProtobufCodec final
{
public:
    static constexpr std::string_view kMagic{"k8s\0", 4};
    static constexpr std::string_view kContentType = "application/vnd.kubernetes.protobuf";

    struct Envelope
    {
        TypeMeta typeMeta;
        std::string raw; // the object's own encoding
        std::string contentEncoding;
        std::string contentType;
    };

    // The enveloped encoding of `message` as `typeMeta`'s kind.
    static std::string encode(const google::protobuf::Message &message, const TypeMeta &typeMeta);
    // The enveloped encoding of a List of `typeMeta`'s kind from its parts —
    // `listMeta` (field 1) and `items` (field 2, as in every Kubernetes
    // list) — written straight into the output: no list message is built,
    // so a huge list is held once (its encoding), not twice.
    static std::string encodeList(const TypeMeta &typeMeta,
                                  const google::protobuf::Message &listMeta,
                                  std::span<const google::protobuf::Message *const> items);
    static Result<Envelope> unwrap(std::string_view bytes);
    // Unwraps and parses into `out` (cleared first). `typeMeta` receives the
    // envelope's apiVersion/kind; checking it against `out` is the caller's.
    static Status decode(std::string_view bytes, google::protobuf::Message *out,
                         TypeMeta *typeMeta = nullptr);

    // The bare message encoding, deterministic; no envelope.
    static std::string serialize(const google::protobuf::Message &message);
    static void serializeTo(const google::protobuf::Message &message, std::string &out);
    static Status parse(std::string_view raw, google::protobuf::Message *out);
};

} // namespace kubist::api
