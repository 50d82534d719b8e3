#include "backend/apiserver/apply/structured.h"

#include "backend/api/schemainfo.h"
#include "kubist_options.pb.h"

#include <google/protobuf/descriptor.h>

#include <memory>
#include <set>
#include <unordered_map>

namespace kubist::apiserver::apply {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

namespace {

// What the options of one field say, computed once per field and thread.
struct FieldShape
{
    Shape::Kind kind = Shape::Kind::Scalar;
    const Descriptor *message = nullptr; // Struct
    std::vector<std::string> keys;       // MapList
};

bool isPlainMessage(const FieldDescriptor *fd)
{
    return fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
           api::MessageInfo::of(fd->message_type()).special == api::Special::None;
}

FieldShape computeShape(const FieldDescriptor *fd)
{
    FieldShape s;
    const auto &options = fd->options();
    if (fd->is_map()) {
        if (options.GetExtension(kubist::map_type) != "atomic")
            s.kind = Shape::Kind::Map;
        return s;
    }
    if (fd->is_repeated()) {
        std::string listType = options.GetExtension(kubist::list_type);
        for (int i = 0; i < options.ExtensionSize(kubist::list_map_keys); ++i)
            s.keys.push_back(options.GetExtension(kubist::list_map_keys, i));
        if (listType.empty()) {
            // As upstream's schema conversion reads the patch markers: a
            // merge list with a key is a map list, without one a set.
            const std::string strategy = options.GetExtension(kubist::patch_strategy);
            const std::string mergeKey = options.GetExtension(kubist::patch_merge_key);
            if (strategy.find("merge") != std::string::npos) {
                if (!mergeKey.empty())
                    listType = "map";
                else if (fd->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE)
                    listType = "set";
            }
        }
        if (listType == "map") {
            if (s.keys.empty() && !options.GetExtension(kubist::patch_merge_key).empty())
                s.keys.push_back(options.GetExtension(kubist::patch_merge_key));
            s.kind = s.keys.empty() ? Shape::Kind::Scalar : Shape::Kind::MapList;
        } else if (listType == "set") {
            s.kind = Shape::Kind::SetList;
        }
        return s;
    }
    if (isPlainMessage(fd) && options.GetExtension(kubist::struct_type) != "atomic") {
        s.kind = Shape::Kind::Struct;
        s.message = fd->message_type();
    }
    return s;
}

const FieldShape &fieldShape(const FieldDescriptor *fd)
{
    thread_local std::unordered_map<const FieldDescriptor *, std::unique_ptr<FieldShape>> cache;
    auto &slot = cache[fd];
    if (!slot)
        slot = std::make_unique<FieldShape>(computeShape(fd));
    return *slot;
}

void insertIfPath(FieldSet &set, const Path &path)
{
    if (!path.empty())
        set.insert(path);
}

bool isList(const Shape &s)
{
    return s.kind == Shape::Kind::SetList || s.kind == Shape::Kind::MapList;
}

bool isObjectShape(const Shape &s)
{
    return s.kind == Shape::Kind::Struct || s.kind == Shape::Kind::Map;
}

void toSet(const Json &v, const Shape &shape, Path &path, FieldSet &out)
{
    if (isObjectShape(shape) && v.is_object()) {
        for (const auto &[key, child] : v.items()) {
            bool declared = false;
            const Shape cs = childShape(shape, key, &declared);
            path.push_back("f:" + key);
            toSet(child, cs, path, out);
            if (child.is_null() || (child.is_object() && child.empty()) || !declared)
                out.insert(path);
            path.pop_back();
        }
        return;
    }
    if (isList(shape) && v.is_array()) {
        const Shape es = elementShape(shape);
        for (size_t i = 0; i < v.size(); ++i) {
            path.push_back(listElement(shape, v[i], i));
            toSet(v[i], es, path, out);
            out.insert(path);
            path.pop_back();
        }
        return;
    }
    if (shape.granular() && v.is_null())
        return; // the parent records a null member
    if (shape.granular() && (v.is_array() || v.is_object()))
        return; // an empty granular value: the parent decides
    insertIfPath(out, path);
}

void leaf(const Json *lhs, const Json *rhs, const Path &path, Comparison &out)
{
    if ((!lhs && !rhs) || path.empty())
        return;
    if (!lhs)
        out.added.insert(path);
    else if (!rhs)
        out.removed.insert(path);
    else if (!equalValues(*lhs, *rhs))
        out.modified.insert(path);
}

using ElementIndex = std::map<PathElement, const Json *>;

void indexList(const Shape &shape, const Json &list, std::vector<PathElement> &order,
               ElementIndex &index)
{
    for (size_t i = 0; i < list.size(); ++i) {
        PathElement pe = listElement(shape, list[i], i);
        index.emplace(pe, &list[i]);
        order.push_back(std::move(pe));
    }
}

void pruneImpl(Json &value, const Shape &shape, const FieldSet &last, const FieldSet &owned,
               Path &path, const std::vector<std::string> *keyFields)
{
    if (isObjectShape(shape) && value.is_object()) {
        for (auto it = value.begin(); it != value.end();) {
            const std::string key = it.key();
            bool declared = false;
            const Shape cs = childShape(shape, key, &declared);
            path.push_back("f:" + key);
            const bool isKey = keyFields && std::find(keyFields->begin(), keyFields->end(), key) !=
                                                keyFields->end();
            const bool inLast = last.has(path) || (declared && shape.kind == Shape::Kind::Struct &&
                                                   last.hasPrefix(path));
            if (inLast && !isKey && !owned.hasPrefix(path)) {
                it = value.erase(it);
            } else {
                if (cs.granular())
                    pruneImpl(it.value(), cs, last, owned, path, nullptr);
                ++it;
            }
            path.pop_back();
        }
        return;
    }
    if (isList(shape) && value.is_array()) {
        const Shape es = elementShape(shape);
        Json kept = Json::array();
        for (size_t i = 0; i < value.size(); ++i) {
            path.push_back(listElement(shape, value[i], i));
            if (last.has(path) && !owned.hasPrefix(path)) {
                path.pop_back();
                continue;
            }
            if (es.granular())
                pruneImpl(value[i], es, last, owned, path,
                          shape.kind == Shape::Kind::MapList ? shape.keys : nullptr);
            kept.push_back(std::move(value[i]));
            path.pop_back();
        }
        value = std::move(kept);
    }
}

} // namespace

Json parseJson(std::string_view text)
{
    Json j = Json::parse(text, nullptr, false);
    return j.is_discarded() ? Json() : j;
}

Shape shapeOfField(const FieldDescriptor *fd)
{
    const FieldShape &fs = fieldShape(fd);
    Shape s;
    s.kind = fs.kind;
    s.message = fs.message;
    s.field = fd;
    s.keys = &fs.keys;
    return s;
}

Shape shapeOfMessage(const Descriptor *d)
{
    Shape s;
    if (d && api::MessageInfo::of(d).special == api::Special::None) {
        s.kind = Shape::Kind::Struct;
        s.message = d;
    }
    return s;
}

Shape childShape(const Shape &parent, const std::string &key, bool *declared)
{
    if (declared)
        *declared = false;
    if (parent.kind == Shape::Kind::Map)
        return elementShape(parent);
    if (parent.kind != Shape::Kind::Struct)
        return {};
    const api::FieldInfo *f = api::MessageInfo::of(parent.message).find(key);
    if (!f || f->inlined)
        return {};
    if (declared)
        *declared = true;
    return shapeOfField(f->fd);
}

Shape elementShape(const Shape &parent)
{
    Shape s;
    if (!parent.field)
        return s;
    const FieldDescriptor *fd = parent.field;
    if (parent.kind == Shape::Kind::Map)
        fd = fd->message_type()->map_value();
    if (isPlainMessage(fd) &&
        parent.field->options().GetExtension(kubist::struct_type) != "atomic") {
        s.kind = Shape::Kind::Struct;
        s.message = fd->message_type();
    }
    return s;
}

PathElement listElement(const Shape &list, const Json &item, size_t index)
{
    if (list.kind == Shape::Kind::SetList)
        return "v:" + item.dump();
    if (list.kind == Shape::Kind::MapList && item.is_object() && list.keys) {
        nlohmann::json key = nlohmann::json::object(); // sorted by name
        for (const std::string &k : *list.keys) {
            auto it = item.find(k);
            if (it != item.end())
                key[k] = *it;
            else if (k == "protocol")
                key[k] = "TCP"; // the schema's default for every protocol key
        }
        return "k:" + key.dump();
    }
    return "i:" + std::to_string(index);
}

bool equalValues(const Json &a, const Json &b)
{
    if (a.is_object() && b.is_object()) {
        if (a.size() != b.size())
            return false;
        for (const auto &[k, v] : a.items()) {
            auto it = b.find(k);
            if (it == b.end() || !equalValues(v, *it))
                return false;
        }
        return true;
    }
    if (a.is_array() && b.is_array()) {
        if (a.size() != b.size())
            return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (!equalValues(a[i], b[i]))
                return false;
        return true;
    }
    return a == b;
}

FieldSet toFieldSet(const Json &value, const Shape &shape)
{
    FieldSet out;
    Path path;
    toSet(value, shape, path, out);
    return out;
}

void compare(const Json *lhs, const Json *rhs, const Shape &shape, Path &path, Comparison &out)
{
    if (isObjectShape(shape)) {
        if ((lhs && !lhs->is_object() && !lhs->is_null()) ||
            (rhs && !rhs->is_object() && !rhs->is_null()))
            return leaf(lhs, rhs, path, out);
        const Json *l = lhs && lhs->is_object() ? lhs : nullptr;
        const Json *r = rhs && rhs->is_object() ? rhs : nullptr;
        if (!l && !r)
            return;
        if ((!l || l->empty()) && (!r || r->empty()))
            return leaf(lhs, rhs, path, out);
        if (!l && !path.empty())
            out.added.insert(path);
        else if (!r && !path.empty())
            out.removed.insert(path);
        if (l)
            for (const auto &[key, lv] : l->items()) {
                const Json *rv = nullptr;
                if (r)
                    if (auto it = r->find(key); it != r->end())
                        rv = &*it;
                path.push_back("f:" + key);
                compare(&lv, rv, childShape(shape, key), path, out);
                path.pop_back();
            }
        if (r)
            for (const auto &[key, rv] : r->items()) {
                if (l && l->contains(key))
                    continue;
                path.push_back("f:" + key);
                compare(nullptr, &rv, childShape(shape, key), path, out);
                path.pop_back();
            }
        return;
    }
    if (isList(shape)) {
        if ((lhs && !lhs->is_array() && !lhs->is_null()) ||
            (rhs && !rhs->is_array() && !rhs->is_null()))
            return leaf(lhs, rhs, path, out);
        const Json *l = lhs && lhs->is_array() ? lhs : nullptr;
        const Json *r = rhs && rhs->is_array() ? rhs : nullptr;
        if ((!l || l->empty()) && (!r || r->empty()))
            return leaf(lhs, rhs, path, out);
        std::vector<PathElement> lOrder, rOrder;
        ElementIndex lIndex, rIndex;
        if (l)
            indexList(shape, *l, lOrder, lIndex);
        if (r)
            indexList(shape, *r, rOrder, rIndex);
        const Shape es = elementShape(shape);
        for (const PathElement &pe : lOrder) {
            auto it = rIndex.find(pe);
            path.push_back(pe);
            compare(lIndex[pe], it == rIndex.end() ? nullptr : it->second, es, path, out);
            path.pop_back();
        }
        for (const PathElement &pe : rOrder) {
            if (lIndex.count(pe))
                continue;
            path.push_back(pe);
            compare(nullptr, rIndex[pe], es, path, out);
            path.pop_back();
        }
        return;
    }
    leaf(lhs, rhs, path, out);
}

Json merge(const Json *live, const Json &config, const Shape &shape)
{
    if (isObjectShape(shape)) {
        if (!config.is_object() || !live || !live->is_object())
            return config;
        Json out = Json::object();
        for (const auto &[key, lv] : live->items()) {
            auto it = config.find(key);
            out[key] = it == config.end() ? lv : merge(&lv, *it, childShape(shape, key));
        }
        for (const auto &[key, cv] : config.items())
            if (!live->contains(key))
                out[key] = cv;
        return out;
    }
    if (isList(shape)) {
        if (!config.is_array() || !live || !live->is_array())
            return config;
        // Upstream's order: live's, with the configuration's elements placed
        // where the configuration puts them relative to the shared ones.
        std::vector<PathElement> lOrder, rOrder;
        ElementIndex lIndex, rIndex;
        indexList(shape, *live, lOrder, lIndex);
        indexList(shape, config, rOrder, rIndex);
        std::vector<PathElement> shared;
        for (const PathElement &pe : rOrder)
            if (lIndex.count(pe))
                shared.push_back(pe);
        size_t nextShared = 0;
        auto advanceShared = [&](const PathElement &pe) {
            if (nextShared < shared.size() && shared[nextShared] == pe)
                ++nextShared;
        };
        const Shape es = elementShape(shape);
        std::set<PathElement> mergedRhs;
        Json out = Json::array();
        size_t li = 0, ri = 0;
        const size_t ln = lOrder.size(), rn = rOrder.size();
        while (li < ln || ri < rn) {
            if (li < ln && ri < rn) {
                const PathElement &pe = lOrder[li];
                if (pe == rOrder[ri]) {
                    mergedRhs.insert(pe);
                    out.push_back(merge(lIndex[pe], *rIndex[pe], es));
                    ++li;
                    ++ri;
                    advanceShared(pe);
                    continue;
                }
                if (rIndex.count(pe) && nextShared < shared.size() && shared[nextShared] != pe) {
                    ++li;
                    continue;
                }
            }
            if (li < ln) {
                const PathElement &pe = lOrder[li];
                if (!rIndex.count(pe)) {
                    out.push_back(*lIndex[pe]);
                    ++li;
                    continue;
                }
                if (mergedRhs.count(pe)) {
                    ++li;
                    continue;
                }
            }
            if (ri < rn) {
                const PathElement &pe = rOrder[ri];
                mergedRhs.insert(pe);
                auto lit = lIndex.find(pe);
                out.push_back(merge(lit == lIndex.end() ? nullptr : lit->second, *rIndex[pe], es));
                ++ri;
                advanceShared(pe);
            }
        }
        return out;
    }
    return config;
}

void prune(Json &value, const Shape &shape, const FieldSet &last, const FieldSet &owned, Path &path)
{
    pruneImpl(value, shape, last, owned, path, nullptr);
}

Json restrictTo(const Json &normalized, const Json &original)
{
    if (original.is_object() && normalized.is_object()) {
        Json out = Json::object();
        for (const auto &[key, ov] : original.items()) {
            auto it = normalized.find(key);
            out[key] = it == normalized.end() ? ov : restrictTo(*it, ov);
        }
        return out;
    }
    if (original.is_array() && normalized.is_array()) {
        Json out = Json::array();
        for (size_t i = 0; i < original.size(); ++i)
            out.push_back(i < normalized.size() ? restrictTo(normalized[i], original[i])
                                                : original[i]);
        return out;
    }
    if (original.is_null() || original.is_object() || original.is_array())
        return original;
    return normalized;
}

} // namespace kubist::apiserver::apply
