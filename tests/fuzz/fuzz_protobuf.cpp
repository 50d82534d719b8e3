// Fuzz target: ProtobufCodec, the "k8s\0" envelope (runtime.Unknown) and the
// object's own encoding, into one of the fuzz kinds.
//
// Input: a selector byte, then bytes. selector - '0': bits 0-2 pick the kind
// (fuzzkinds.h). The bytes are decoded both as an enveloped object and as a
// bare message. Invariants: whatever decodes re-encodes deterministically to
// bytes that decode again to the same encoding (unknown fields included),
// and writes as JSON without failing. (The JSON need not decode again: the
// protobuf wire carries strings, e.g. quantities, unchecked.)

#include "fuzzkinds.h"
#include "fuzztarget.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/protocodec.h"

namespace kubist::fuzz {

namespace {

void checkRoundTrip(const FuzzKind &kind, const google::protobuf::Message &message)
{
    const std::string bare = api::ProtobufCodec::serialize(message);
    auto again = newMessage(kind);
    const Status parsed = api::ProtobufCodec::parse(bare, again.get());
    require(parsed.isOk(), "serialized message parses again", parsed.toString());
    require(api::ProtobufCodec::serialize(*again) == bare, "serialization is a fixed point");

    const std::string enveloped = api::ProtobufCodec::encode(message, kind.typeMeta);
    auto unwrapped = newMessage(kind);
    api::TypeMeta typeMeta;
    const Status decoded = api::ProtobufCodec::decode(enveloped, unwrapped.get(), &typeMeta);
    require(decoded.isOk(), "encoded envelope decodes again", decoded.toString());
    require(typeMeta == kind.typeMeta, "envelope keeps apiVersion and kind");
    require(api::ProtobufCodec::serialize(*unwrapped) == bare, "envelope keeps the object");

    (void)api::JsonCodec::encode(message, {.typeMeta = kind.typeMeta});
}

} // namespace

int fuzzProtobuf(const uint8_t *data, size_t size)
{
    const auto [selector, bytes] = splitSelector(asText(data, size));
    const FuzzKind &kind = fuzzKind(selector);

    const Result<api::ProtobufCodec::Envelope> envelope = api::ProtobufCodec::unwrap(bytes);
    bool expectDecoded = false;
    if (envelope) {
        auto probe = newMessage(kind);
        expectDecoded = api::ProtobufCodec::parse(envelope->raw, probe.get()).isOk();
    }
    auto message = newMessage(kind);
    api::TypeMeta typeMeta;
    const Status decoded = api::ProtobufCodec::decode(bytes, message.get(), &typeMeta);
    require(decoded.isOk() == expectDecoded, "decode is unwrap, then parse", decoded.toString());
    if (decoded) {
        require(typeMeta == envelope->typeMeta, "decode reports the envelope's type");
        checkRoundTrip(kind, *message);
    }

    auto bare = newMessage(kind);
    if (api::ProtobufCodec::parse(bytes, bare.get()))
        checkRoundTrip(kind, *bare);
    return 0;
}

} // namespace kubist::fuzz

KUBIST_FUZZ_TARGET(kubist::fuzz::fuzzProtobuf)
