// Fuzz target: JsonCodec::decode into one of the fuzz kinds.
//
// Input: a selector byte, then JSON text. selector - '0': bits 0-2 pick the
// kind (fuzzkinds.h), bit 3 strict decoding (unknown fields and duplicate
// keys refused). Invariants: whatever decodes encodes to JSON that decodes
// again, strictly, and encodes to the same text (encoding is a fixed point).

#include "fuzzkinds.h"
#include "fuzztarget.h"

#include "backend/api/jsoncodec.h"

namespace kubist::fuzz {

int fuzzJson(const uint8_t *data, size_t size)
{
    const auto [selector, json] = splitSelector(asText(data, size));
    const FuzzKind &kind = fuzzKind(selector);
    const bool strict = (selector & 8u) != 0;

    (void)api::JsonCodec::peekTypeMeta(json);

    auto message = newMessage(kind);
    api::TypeMeta typeMeta;
    api::JsonDecodeReport report;
    const Status decoded =
        api::JsonCodec::decode(json, message.get(), {.strict = strict}, &typeMeta, &report);
    if (!decoded) {
        require(decoded.code() == Status::Code::InvalidArgument, "decode error code",
                decoded.toString());
        return 0;
    }

    const std::string encoded = api::JsonCodec::encode(*message, {.typeMeta = kind.typeMeta});
    auto again = newMessage(kind);
    const Status redecoded = api::JsonCodec::decode(encoded, again.get(), {.strict = true});
    require(redecoded.isOk(), "encoded JSON decodes again", redecoded.toString() + "\n" + encoded);
    const std::string reencoded = api::JsonCodec::encode(*again, {.typeMeta = kind.typeMeta});
    require(reencoded == encoded, "encoding is a fixed point", encoded + "\n" + reencoded);
    return 0;
}

} // namespace kubist::fuzz

KUBIST_FUZZ_TARGET(kubist::fuzz::fuzzJson)
