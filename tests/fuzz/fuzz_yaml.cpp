// Fuzz target: YamlCodec, YAML to JSON and on into one of the fuzz kinds.
//
// Input: a selector byte, then YAML text (one or more documents).
// selector - '0': bits 0-2 pick the kind (fuzzkinds.h), bit 3 strict
// decoding. Invariants: every document converts to JSON the JSON codec can
// read; whatever decodes writes as YAML that reads back to the same object
// (the writer quotes every string that would read back as another type).

#include "fuzzkinds.h"
#include "fuzztarget.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/yamlcodec.h"

namespace kubist::fuzz {

int fuzzYaml(const uint8_t *data, size_t size)
{
    const auto [selector, yaml] = splitSelector(asText(data, size));
    const FuzzKind &kind = fuzzKind(selector);
    const bool strict = (selector & 8u) != 0;

    const Result<std::vector<std::string>> documents = api::YamlCodec::toJsonDocuments(yaml);
    if (!documents) {
        require(documents.status().code() == Status::Code::InvalidArgument, "YAML error code",
                documents.status().toString());
        return 0;
    }
    size_t count = 0;
    for (const std::string &json : *documents) {
        if (++count > 4)
            break;
        // The converter's JSON is well-formed: any refusal is about its content.
        (void)api::JsonCodec::peekTypeMeta(json);
        (void)api::YamlCodec::fromJson(json);

        auto message = newMessage(kind);
        if (!api::JsonCodec::decode(json, message.get(), {.strict = strict}))
            continue;
        const std::string expected = api::JsonCodec::encode(*message);
        const std::string written = api::YamlCodec::encode(*message);
        auto again = newMessage(kind);
        const Status reread = api::YamlCodec::decode(written, again.get(), {.strict = true});
        require(reread.isOk(), "written YAML reads back", reread.toString() + "\n" + written);
        const std::string actual = api::JsonCodec::encode(*again);
        require(actual == expected, "written YAML reads back to the same object",
                written + "\n" + expected + "\n" + actual);
    }
    return 0;
}

} // namespace kubist::fuzz

KUBIST_FUZZ_TARGET(kubist::fuzz::fuzzYaml)
