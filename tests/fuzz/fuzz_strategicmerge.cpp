// Fuzz target: applyStrategicMergePatch, and applyMergePatch (RFC 7386).
//
// Input: a selector byte, then "document NUL patch" (without a NUL the
// rest is both). selector - '0', bits 0-2: 0-5 the schema of the fuzz kind
// (fuzzkinds.h: Pod, Deployment, Service, Node, PodList, Secret), 6 a
// strategic merge patch without a schema, 7 a JSON merge patch instead.
// Invariants: a result is valid JSON; a JSON merge patch is idempotent
// (applying it to its own result changes nothing).

#include "fuzzkinds.h"
#include "fuzztarget.h"

#include "backend/apiserver/patch/mergepatch.h"
#include "backend/apiserver/patch/strategicmergepatch.h"

#include <nlohmann/json.hpp>

namespace kubist::fuzz {

namespace {

void requireJson(const std::string &text)
{
    const auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
    require(!parsed.is_discarded(), "a patch result is valid JSON", text);
}

void requireErrorCode(const Status &status)
{
    require(status.code() == Status::Code::InvalidArgument ||
                status.code() == Status::Code::ResourceExhausted,
            "patch error code", status.toString());
}

} // namespace

int fuzzStrategicMerge(const uint8_t *data, size_t size)
{
    const auto [selector, rest] = splitSelector(asText(data, size));
    const auto [document, patch] = splitAtNul(rest);
    const unsigned mode = selector & 7u;

    if (mode == 7) {
        const Result<std::string> merged = apiserver::applyMergePatch(document, patch);
        if (!merged) {
            requireErrorCode(merged.status());
            return 0;
        }
        requireJson(*merged);
        const Result<std::string> twice = apiserver::applyMergePatch(*merged, patch);
        require(twice.isOk() && *twice == *merged, "a merge patch is idempotent",
                *merged + "\n" + (twice ? *twice : twice.status().toString()));
        return 0;
    }

    const google::protobuf::Descriptor *schema =
        mode == 6 ? nullptr : fuzzKind(mode).prototype->GetDescriptor();
    const Result<std::string> patched =
        apiserver::applyStrategicMergePatch(document, patch, schema);
    if (!patched) {
        requireErrorCode(patched.status());
        return 0;
    }
    requireJson(*patched);
    return 0;
}

} // namespace kubist::fuzz

KUBIST_FUZZ_TARGET(kubist::fuzz::fuzzStrategicMerge)
