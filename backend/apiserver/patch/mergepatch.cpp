#include "backend/apiserver/patch/mergepatch.h"

#include "backend/apiserver/patch/patchjson.h"

namespace kubist::apiserver {

using patchjson::Json;

namespace {

// Drops null members of objects, recursively, through arrays too (their
// null elements stay), as evanphx's pruneNulls does.
void pruneNulls(Json &value)
{
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end();) {
            if (it->is_null()) {
                it = value.erase(it);
            } else {
                pruneNulls(*it);
                ++it;
            }
        }
    } else if (value.is_array()) {
        for (Json &e : value)
            pruneNulls(e);
    }
}

void mergeObjects(Json &doc, Json &patch)
{
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        const std::string &key = it.key();
        Json &value = it.value();
        if (value.is_null()) {
            doc.erase(key);
            continue;
        }
        auto cur = doc.find(key);
        if (cur == doc.end() || cur->is_null()) {
            pruneNulls(value);
            doc[key] = std::move(value);
        } else if (!cur->is_object()) {
            pruneNulls(value);
            *cur = std::move(value);
        } else if (!value.is_object()) {
            // evanphx keeps such a value as it is.
            *cur = std::move(value);
        } else {
            mergeObjects(*cur, value);
        }
    }
}

} // namespace

Result<std::string> applyMergePatch(std::string_view document, std::string_view patch,
                                    const PatchLimits &limits)
{
    try {
        auto doc = patchjson::parse(document, limits.maxDepth, "document");
        if (!doc)
            return doc.status();
        auto p = patchjson::parse(patch, limits.maxDepth, "patch");
        if (!p)
            return p.status();
        if (!p->is_object())
            return Status::invalidArgument(
                "Invalid JSON Patch: a merge patch must be a JSON object, not " +
                patchjson::goType(*p));
        Json &target = *doc;
        if (!target.is_object()) {
            // RFC 7386: a non-object target becomes {} before merging.
            target = Json::object();
        }
        mergeObjects(target, *p);
        return patchjson::finish(target, limits);
    } catch (const patchjson::PatchError &e) {
        return e.status();
    } catch (const std::exception &e) {
        return Status::internal(std::string("merge patch: ") + e.what());
    }
}

} // namespace kubist::apiserver
