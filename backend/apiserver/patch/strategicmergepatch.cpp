#include "backend/apiserver/patch/strategicmergepatch.h"

#include "backend/api/schemainfo.h"
#include "backend/apiserver/patch/patchjson.h"
#include "kubist_options.pb.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

// The merge follows upstream's mergeMap / mergeSlice step by step (including
// the order enforcement of "$setElementOrder" and of merged lists), so the
// same patch gives the same object. Comments name the upstream function a
// piece corresponds to.

namespace kubist::apiserver {

using patchjson::Json;
using patchjson::Kind;

namespace {

const std::string kDirectiveMarker = "$patch";
const std::string kRetainKeys = "$retainKeys";
const std::string kDeleteFromPrimitiveList = "$deleteFromPrimitiveList";
const std::string kSetElementOrder = "$setElementOrder";
const std::string kReplace = "replace";
const std::string kMerge = "merge";
const std::string kDelete = "delete";
const std::string kRetainKeysStrategy = "retainKeys";

// mergepatch's error texts.
const std::string kErrBadPatchFormatForPrimitiveList = "invalid patch format of primitive list";
const std::string kErrBadPatchFormatForRetainKeys = "invalid patch format of retainKeys";
const std::string kErrBadPatchFormatForSetElementOrderList =
    "invalid patch format of setElementOrder list";
const std::string kErrNoListOfLists = "lists of lists are not supported";

[[noreturn]] void bad(const std::string &message)
{
    patchjson::invalidArgument(message);
}

[[noreturn]] void noMergeKey(const Json &map, const std::string &key)
{
    bad("map: " + patchjson::goValue(map) + " does not contain declared merge key: " + key);
}

[[noreturn]] void badArgType(const char *expected, const Json &actual)
{
    bad(std::string("expected a ") + expected + ", but received a " + patchjson::goType(actual));
}

[[noreturn]] void badPatchType(const Json &type, const Json &map)
{
    bad("unknown patch type: " + patchjson::goValue(type) + " in map: " + patchjson::goValue(map));
}

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// What the schema says about a value: nothing, a message's fields, or a map
// whose values all share one meaning.
struct Schema
{
    const google::protobuf::Descriptor *message = nullptr;       // its fields
    const google::protobuf::FieldDescriptor *mapValue = nullptr; // a map's value field
};

struct FieldMeta
{
    Schema schema; // of the value; of each element for a list
    std::string strategy;
    std::string mergeKey;
};

Schema schemaOfMessage(const google::protobuf::Descriptor *d)
{
    Schema s;
    if (d && api::MessageInfo::of(d).special == api::Special::None)
        s.message = d;
    return s;
}

Schema schemaOfField(const google::protobuf::FieldDescriptor *fd)
{
    if (fd->is_map()) {
        Schema s;
        s.mapValue = fd->message_type()->map_value();
        return s;
    }
    if (fd->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE)
        return schemaOfMessage(fd->message_type());
    return {};
}

// LookupPatchMetadataForStruct / ForSlice. Unknown fields get no metadata.
FieldMeta lookup(const Schema &schema, const std::string &key)
{
    FieldMeta meta;
    if (schema.mapValue) {
        if (schema.mapValue->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE)
            meta.schema = schemaOfMessage(schema.mapValue->message_type());
        return meta;
    }
    if (!schema.message)
        return meta;
    const api::FieldInfo *f = api::MessageInfo::of(schema.message).find(key);
    if (!f || f->inlined)
        return meta;
    meta.schema = schemaOfField(f->fd);
    const auto &options = f->fd->options();
    meta.strategy = options.GetExtension(kubist::patch_strategy);
    meta.mergeKey = options.GetExtension(kubist::patch_merge_key);
    return meta;
}

// extractRetainKeysPatchStrategy: the strategy other than retainKeys.
std::string mergeStrategy(const std::string &strategies)
{
    if (strategies.empty())
        return {};
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t comma = strategies.find(',', start);
        parts.push_back(strategies.substr(start, comma - start));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    if (parts.size() == 1)
        return parts[0] == kRetainKeysStrategy ? std::string() : parts[0];
    if (parts.size() == 2) {
        if (parts[0] == kRetainKeysStrategy)
            return parts[1];
        if (parts[1] == kRetainKeysStrategy)
            return parts[0];
    }
    bad("unexpected patch strategy: [" + strategies + "]");
}

// extractKey: "<prefix>/<key>" -> key.
std::string extractKey(const std::string &s, const std::string &prefix)
{
    const size_t slash = s.find('/');
    if (slash == std::string::npos || s.compare(0, slash, prefix) != 0) {
        if (prefix == kDeleteFromPrimitiveList)
            bad(kErrBadPatchFormatForPrimitiveList);
        bad(kErrBadPatchFormatForSetElementOrderList);
    }
    return s.substr(slash + 1);
}

// discardNullValuesFromPatch.
void discardNulls(Json &value)
{
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end();) {
            if (it->is_null()) {
                it = value.erase(it);
            } else {
                discardNulls(*it);
                ++it;
            }
        }
    } else if (value.is_array()) {
        for (Json &e : value)
            discardNulls(e);
    }
}

// removeDirectives: objects carrying "$patch" are dropped (false), inside
// objects and arrays too.
bool removeDirectives(Json &value)
{
    if (value.is_object()) {
        if (value.contains(kDirectiveMarker))
            return false;
        for (auto it = value.begin(); it != value.end();) {
            if (!removeDirectives(*it))
                it = value.erase(it);
            else
                ++it;
        }
    } else if (value.is_array()) {
        Json kept = Json::array();
        for (Json &e : value)
            if (removeDirectives(e))
                kept.push_back(std::move(e));
        value = std::move(kept);
    }
    return true;
}

// sliceElementType: the one kind all elements share.
Kind elementKind(const Json &a, const Json &b)
{
    bool any = false;
    Kind kind = Kind::Null;
    for (const Json *list : {&a, &b}) {
        if (!list->is_array())
            continue;
        for (const Json &e : *list) {
            const Kind k = patchjson::kindOf(e);
            if (!any) {
                if (k == Kind::Array)
                    bad(kErrNoListOfLists);
                kind = k;
                any = true;
            } else if (k != kind) {
                bad("list element types are not identical: [" + patchjson::goValue(a) + " " +
                    patchjson::goValue(b) + "]");
            }
        }
    }
    if (!any)
        bad("no elements in any of the given slices");
    return kind;
}

// First position of each identity in `list` (upstream's index()).
class Positions
{
public:
    Positions(const Json &list, const std::string &mergeKey, Kind kind)
    {
        if (!list.is_array())
            return;
        std::string id;
        for (size_t i = 0; i < list.size(); ++i) {
            if (kind == Kind::Object) {
                // index() compares the merge key's value, absent = null.
                const Json &e = list[i];
                auto it = e.is_object() ? e.find(mergeKey) : e.end();
                id = (e.is_object() && it != e.end()) ? patchjson::identity(*it) : "z";
            } else {
                id = patchjson::identity(list[i]);
            }
            m_first.emplace(id, i);
        }
    }
    // -1 when absent.
    long of(const Json &e, const std::string &mergeKey, Kind kind) const
    {
        std::string id;
        if (kind == Kind::Object) {
            auto it = e.is_object() ? e.find(mergeKey) : e.end();
            id = (e.is_object() && it != e.end()) ? patchjson::identity(*it) : "z";
        } else {
            id = patchjson::identity(e);
        }
        auto found = m_first.find(id);
        return found == m_first.end() ? -1 : long(found->second);
    }

private:
    std::unordered_map<std::string, size_t> m_first;
};

// findMapInSliceBasedOnKeyValue: index of the first object whose merge key
// equals `value`, or -1.
long findByKey(const Json &list, const std::string &mergeKey, const Json &value)
{
    for (size_t i = 0; i < list.size(); ++i) {
        const Json &e = list[i];
        if (!e.is_object())
            bad("value for key " + std::to_string(i) + " is not a map.");
        auto it = e.find(mergeKey);
        if (it != e.end() && *it == value)
            return long(i);
    }
    return -1;
}

class Merger
{
public:
    Json mergeMap(Json original, Json patch, const Schema &schema)
    {
        if (auto it = patch.find(kDirectiveMarker); it != patch.end()) {
            const Json directive = *it;
            return directiveInMap(directive, std::move(patch));
        }
        if (original.is_null())
            original = Json::object();

        applyRetainKeys(original, patch);
        mergeSetElementOrder(original, patch, schema);

        for (auto it = patch.begin(); it != patch.end(); ++it) {
            std::string key = it.key();
            Json &patchV = it.value();
            bool isDeleteList = false;
            if (startsWith(key, kDeleteFromPrimitiveList)) {
                key = extractKey(key, kDeleteFromPrimitiveList);
                isDeleteList = true;
            } else if (!key.empty() && key[0] == '$' && schema.message) {
                // Typed objects have no "$" fields: a directive we do not know.
                bad("unknown directive " + key + " in map: " + patchjson::goValue(patch));
            }

            if (patchV.is_null()) {
                original.erase(key);
                continue;
            }
            auto cur = original.find(key);
            if (cur == original.end() || patchjson::kindOf(*cur) != patchjson::kindOf(patchV)) {
                if (!isDeleteList) {
                    discardNulls(patchV);
                    if (removeDirectives(patchV))
                        original[key] = std::move(patchV);
                    else
                        original.erase(key);
                }
                continue;
            }
            const FieldMeta meta = lookup(schema, key);
            const std::string strategy = mergeStrategy(meta.strategy);
            if (cur->is_object()) {
                if (strategy == kReplace)
                    *cur = std::move(patchV);
                else
                    *cur = mergeMap(std::move(*cur), std::move(patchV), meta.schema);
            } else if (cur->is_array()) {
                if (strategy == kMerge)
                    *cur = mergeSlice(std::move(*cur), std::move(patchV), meta.schema,
                                      meta.mergeKey, isDeleteList);
                else
                    *cur = std::move(patchV);
            } else {
                *cur = std::move(patchV);
            }
        }
        return original;
    }

private:
    // handleDirectiveInMergeMap.
    static Json directiveInMap(const Json &directive, Json patch)
    {
        if (directive == kReplace) {
            patch.erase(kDirectiveMarker);
            return patch;
        }
        if (directive == kDelete)
            return Json::object();
        badPatchType(directive, patch);
    }

    // applyRetainKeysDirective (merging, so MergeParallelList).
    static void applyRetainKeys(Json &original, Json &patch)
    {
        auto it = patch.find(kRetainKeys);
        if (it == patch.end())
            return;
        const Json retain = std::move(*it);
        patch.erase(kRetainKeys);
        if (!retain.is_array())
            bad(kErrBadPatchFormatForRetainKeys);
        std::unordered_set<std::string> keep;
        for (const Json &k : retain)
            keep.insert(patchjson::identity(k));
        for (auto p = patch.begin(); p != patch.end(); ++p) {
            if (p->is_null() || startsWith(p.key(), kDeleteFromPrimitiveList) ||
                startsWith(p.key(), kSetElementOrder))
                continue;
            if (!keep.count(patchjson::identity(Json(p.key()))))
                bad(kErrBadPatchFormatForRetainKeys);
        }
        for (auto o = original.begin(); o != original.end();) {
            if (!keep.count(patchjson::identity(Json(o.key()))))
                o = original.erase(o);
            else
                ++o;
        }
    }

    // mergePatchIntoOriginal: each "$setElementOrder/<list>" with its list.
    void mergeSetElementOrder(Json &original, Json &patch, const Schema &schema)
    {
        std::vector<std::string> directives;
        for (auto it = patch.begin(); it != patch.end(); ++it)
            if (startsWith(it.key(), kSetElementOrder))
                directives.push_back(it.key());
        for (const std::string &directive : directives) {
            Json order = std::move(patch[directive]);
            patch.erase(directive);
            if (!order.is_array())
                badArgType("[]interface {}", order);
            const std::string key = extractKey(directive, kSetElementOrder);

            auto origIt = original.find(key);
            auto patchIt = patch.find(key);
            const bool foundOriginal = origIt != original.end();
            const bool foundPatch = patchIt != patch.end();
            Json originalList = Json::array();
            Json patchList = Json::array();
            if (foundOriginal) {
                if (!origIt->is_array())
                    badArgType("[]interface {}", *origIt);
                originalList = *origIt;
            }
            if (foundPatch) {
                if (!patchIt->is_array())
                    badArgType("[]interface {}", *patchIt);
                patchList = std::move(*patchIt);
                patch.erase(key);
            }
            const FieldMeta meta = lookup(schema, key);
            const std::string strategy = mergeStrategy(meta.strategy);
            validateWithOrder(patchList, order, meta.mergeKey);

            Json merged;
            if (foundOriginal && !foundPatch)
                merged = originalList;
            else if (!foundOriginal && foundPatch)
                merged = patchList;
            else if (foundOriginal && foundPatch)
                merged = strategy == kMerge ? mergeSlice(originalList, patchList, meta.schema,
                                                         meta.mergeKey, false)
                                            : patchList;
            else
                continue;

            const Kind kind = elementKind(originalList, patchList);
            Json patchItems = Json::array();
            Json serverOnly = Json::array();
            partition(merged, order, meta.mergeKey, patchItems, serverOnly);
            original[key] = normalizeElementOrder(std::move(patchItems), std::move(serverOnly),
                                                  order, originalList, meta.mergeKey, kind);
        }
    }

    // validatePatchWithSetOrderList.
    static void validateWithOrder(const Json &patchList, const Json &order,
                                  const std::string &mergeKey)
    {
        if (order.empty() || patchList.empty())
            return;
        std::vector<const Json *> nonDelete;
        for (const Json &e : patchList) {
            if (!mergeKey.empty()) {
                if (!e.is_object())
                    badArgType("map[string]interface {}", e);
                auto d = e.find(kDirectiveMarker);
                if (d != e.end() && *d == kDelete)
                    continue;
            }
            nonDelete.push_back(&e);
        }
        size_t p = 0, o = 0;
        while (p < nonDelete.size() && o < order.size()) {
            const Json &item = *nonDelete[p];
            if (item.is_object() && item.contains(kDirectiveMarker)) {
                ++p;
                continue;
            }
            bool equal;
            if (mergeKey.empty()) {
                equal = item == order[o];
            } else {
                if (!item.is_object())
                    badArgType("map[string]interface {}", item);
                if (!order[o].is_object())
                    badArgType("map[string]interface {}", order[o]);
                auto l = item.find(mergeKey);
                if (l == item.end())
                    noMergeKey(item, mergeKey);
                auto r = order[o].find(mergeKey);
                if (r == order[o].end())
                    noMergeKey(order[o], mergeKey);
                equal = *l == *r;
            }
            if (equal)
                ++p;
            ++o;
        }
        if (p < nonDelete.size() && o >= order.size())
            bad("The order in patch list:\n" + patchjson::goValue(patchList) + "\n doesn't match " +
                kSetElementOrder + " list:\n" + patchjson::goValue(order) + "\n");
    }

    // partitionPrimitivesByPresentInList / partitionMapsByPresentInList.
    static void partition(const Json &merged, const Json &by, const std::string &mergeKey,
                          Json &present, Json &absent)
    {
        if (mergeKey.empty()) {
            std::unordered_set<std::string> in;
            for (const Json &v : by)
                in.insert(patchjson::identity(v));
            for (const Json &v : merged)
                (in.count(patchjson::identity(v)) ? present : absent).push_back(v);
            return;
        }
        for (const Json &v : merged) {
            if (!v.is_object())
                badArgType("map[string]interface {}", v);
            auto k = v.find(mergeKey);
            if (k == v.end())
                noMergeKey(v, mergeKey);
            (findByKey(by, mergeKey, *k) >= 0 ? present : absent).push_back(v);
        }
    }

    // mergeSlice.
    Json mergeSlice(Json original, Json patch, const Schema &elementSchema,
                    const std::string &mergeKey, bool isDeleteList)
    {
        if (original.empty() && patch.empty())
            return original;
        const Kind kind = elementKind(original, patch);
        Json merged = Json::array();
        if (kind != Kind::Object) {
            if (isDeleteList) {
                // deleteFromSlice.
                std::unordered_set<std::string> drop;
                for (const Json &v : patch)
                    drop.insert(patchjson::identity(v));
                for (Json &v : original)
                    if (!drop.count(patchjson::identity(v)))
                        merged.push_back(std::move(v));
                return merged;
            }
            // deduplicateScalars over original + patch (first kept; the
            // order is normalized below anyway).
            std::unordered_set<std::string> seen;
            for (const Json *list : {&original, &patch})
                for (const Json &v : *list)
                    if (seen.insert(patchjson::identity(v)).second)
                        merged.push_back(v);
        } else {
            if (mergeKey.empty())
                bad("cannot merge lists without merge key for type map");
            withSpecialElements(original, patch, mergeKey);
            merged = withoutSpecialElements(original, patch, mergeKey, elementSchema);
        }
        Json patchItems = Json::array();
        Json serverOnly = Json::array();
        partition(merged, patch, kind == Kind::Object ? mergeKey : std::string(), patchItems,
                  serverOnly);
        return normalizeElementOrder(std::move(patchItems), std::move(serverOnly), patch, original,
                                     mergeKey, kind);
    }

    // mergeSliceWithSpecialElements: applies "$patch" elements; on return
    // `patch` holds the others (none after "replace", which instead makes
    // them the whole list).
    static void withSpecialElements(Json &original, Json &patch, const std::string &mergeKey)
    {
        Json plain = Json::array();
        bool replace = false;
        for (Json &v : patch) {
            auto d = v.find(kDirectiveMarker);
            if (d == v.end()) {
                plain.push_back(std::move(v));
                continue;
            }
            if (*d == kDelete) {
                auto k = v.find(mergeKey);
                if (k == v.end())
                    noMergeKey(v, mergeKey);
                // deleteMatchingEntries.
                Json kept = Json::array();
                for (Json &o : original) {
                    if (!o.is_object())
                        bad("value for key 0 is not a map.");
                    auto ok = o.find(mergeKey);
                    if (ok != o.end() && *ok == *k)
                        continue;
                    kept.push_back(std::move(o));
                }
                original = std::move(kept);
            } else if (*d == kReplace) {
                replace = true;
            } else if (*d == kMerge) {
                bad("merging lists cannot yet be specified in the patch");
            } else {
                badPatchType(*d, v);
            }
        }
        if (replace) {
            original = std::move(plain);
            patch = Json::array();
        } else {
            patch = std::move(plain);
        }
    }

    // mergeSliceWithoutSpecialElements: `original` keeps its length (new
    // elements go to the returned list only), as upstream's slice aliasing
    // leaves it for the ordering step.
    Json withoutSpecialElements(Json &original, const Json &patch, const std::string &mergeKey,
                                const Schema &elementSchema)
    {
        Json merged = original;
        for (const Json &v : patch) {
            auto k = v.find(mergeKey);
            if (k == v.end())
                noMergeKey(v, mergeKey);
            const long at = findByKey(merged, mergeKey, *k);
            if (at >= 0)
                merged[size_t(at)] = mergeMap(std::move(merged[size_t(at)]), v, elementSchema);
            else
                merged.push_back(v);
        }
        return merged;
    }

    // normalizeElementOrder: patch items in `patchOrder`, server-only items
    // in `serverOrder`, then interleaved by mergeSortedSlice.
    static Json normalizeElementOrder(Json patch, Json serverOnly, const Json &patchOrder,
                                      const Json &serverOrder, const std::string &mergeKey,
                                      Kind kind)
    {
        sortByOrder(patch, patchOrder, mergeKey, kind);
        sortByOrder(serverOnly, serverOrder, mergeKey, kind);
        return mergeSorted(std::move(serverOnly), std::move(patch), serverOrder, mergeKey, kind);
    }

    // normalizeSliceOrder.
    static void sortByOrder(Json &toSort, const Json &order, const std::string &mergeKey, Kind kind)
    {
        Json toDelete = Json::array();
        if (kind == Kind::Object) {
            // validateMergeKeyInLists.
            for (const Json *list : {static_cast<const Json *>(&toSort), &order}) {
                for (const Json &item : *list) {
                    if (!item.is_object())
                        badArgType("map[string]interface {}", item);
                    if (!item.contains(mergeKey))
                        noMergeKey(item, mergeKey);
                }
            }
            // extractToDeleteItems.
            Json keep = Json::array();
            for (Json &v : toSort) {
                auto d = v.find(kDirectiveMarker);
                (d != v.end() && *d == kDelete ? toDelete : keep).push_back(std::move(v));
            }
            toSort = std::move(keep);
        }
        const Positions positions(order, mergeKey, kind);
        std::vector<std::pair<long, size_t>> keys;
        keys.reserve(toSort.size());
        for (size_t i = 0; i < toSort.size(); ++i)
            keys.emplace_back(positions.of(toSort[i], mergeKey, kind), i);
        std::stable_sort(keys.begin(), keys.end(),
                         [](const auto &a, const auto &b) { return a.first < b.first; });
        Json sorted = Json::array();
        for (const auto &k : keys)
            sorted.push_back(std::move(toSort[k.second]));
        for (Json &d : toDelete)
            sorted.push_back(std::move(d));
        toSort = std::move(sorted);
    }

    // mergeSortedSlice: inserts `left` (server-only) items among `right`
    // (patch) items where the live order puts them.
    static Json mergeSorted(Json left, Json right, const Json &serverOrder,
                            const std::string &mergeKey, Kind kind)
    {
        const Positions positions(serverOrder, mergeKey, kind);
        Json out = Json::array();
        size_t i = 0, j = 0;
        const size_t size = left.size() + right.size();
        for (size_t k = 0; k < size; ++k) {
            if (i >= left.size() && j < right.size()) {
                out.push_back(std::move(right[j++]));
            } else if (j >= right.size() && i < left.size()) {
                out.push_back(std::move(left[i++]));
            } else {
                const long li = positions.of(left[i], mergeKey, kind);
                const long ri = positions.of(right[j], mergeKey, kind);
                if (li >= 0 && ri >= 0 && li < ri)
                    out.push_back(std::move(left[i++]));
                else
                    out.push_back(std::move(right[j++]));
            }
        }
        return out;
    }
};

} // namespace

Result<std::string> applyStrategicMergePatch(std::string_view document, std::string_view patch,
                                             const google::protobuf::Descriptor *schema,
                                             const PatchLimits &limits)
{
    try {
        auto doc = patchjson::parse(document, limits.maxDepth, "document");
        if (!doc)
            return doc.status();
        if (!doc->is_object())
            return Status::invalidArgument("invalid JSON document: not a JSON object");
        auto p = patchjson::parse(patch, limits.maxDepth, "patch");
        if (!p)
            return p.status();
        if (!p->is_object())
            return Status::invalidArgument("json: cannot unmarshal " +
                                           std::string(p->is_array() ? "array" : "value") +
                                           " into Go value of type map[string]interface {}");
        Merger merger;
        Json result = merger.mergeMap(std::move(*doc), std::move(*p), schemaOfMessage(schema));
        return patchjson::finish(result, limits);
    } catch (const patchjson::PatchError &e) {
        return e.status();
    } catch (const std::exception &e) {
        return Status::internal(std::string("strategic merge patch: ") + e.what());
    }
}

} // namespace kubist::apiserver
