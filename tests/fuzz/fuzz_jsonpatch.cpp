// Fuzz target: applyJsonPatch (RFC 6902).
//
// Input: "document NUL patch" (without a NUL the input is both). Invariants:
// errors carry the codes the header promises; a result is valid JSON within
// the limits; a patch of only "test" operations that succeeds leaves the
// document as it was.

#include "fuzztarget.h"

#include "backend/apiserver/patch/jsonpatch.h"

#include <nlohmann/json.hpp>

namespace kubist::fuzz {

int fuzzJsonPatch(const uint8_t *data, size_t size)
{
    const auto [document, patch] = splitAtNul(asText(data, size));
    const Result<std::string> patched = apiserver::applyJsonPatch(document, patch);
    if (!patched) {
        const Status::Code code = patched.status().code();
        require(code == Status::Code::InvalidArgument || code == Status::Code::Invalid ||
                    code == Status::Code::ResourceExhausted,
                "JSON patch error code", patched.status().toString());
        return 0;
    }
    using Json = nlohmann::ordered_json;
    const Json result = Json::parse(*patched, nullptr, false);
    require(!result.is_discarded(), "a patch result is valid JSON", *patched);

    const Json ops = Json::parse(patch, nullptr, false);
    bool onlyTests = ops.is_array();
    if (onlyTests)
        for (const Json &op : ops)
            onlyTests = onlyTests && op.is_object() && op.contains("op") && op["op"] == "test";
    if (onlyTests) {
        const Json original = Json::parse(document, nullptr, false);
        require(!original.is_discarded() && original == result,
                "a patch of only tests changes nothing", *patched);
    }
    return 0;
}

} // namespace kubist::fuzz

KUBIST_FUZZ_TARGET(kubist::fuzz::fuzzJsonPatch)
