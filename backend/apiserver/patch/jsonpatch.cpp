#include "backend/apiserver/patch/jsonpatch.h"

#include "backend/apiserver/patch/patchjson.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace kubist::apiserver {

using patchjson::Json;

namespace {

[[noreturn]] void notApplied(const std::string &message)
{
    patchjson::fail(Status::Code::Invalid, message);
}

const std::string kMissing = ": missing value";
const std::string kInvalidIndex = ": invalid index referenced";

// One JSON Pointer reference token, unescaped (~1 then ~0, as RFC 6901).
std::string unescape(std::string_view token)
{
    std::string out;
    out.reserve(token.size());
    for (size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '~' && i + 1 < token.size() && token[i + 1] == '1') {
            out += '/';
            ++i;
        } else if (token[i] == '~' && i + 1 < token.size() && token[i + 1] == '0') {
            out += '~';
            ++i;
        } else {
            out += token[i];
        }
    }
    return out;
}

// Go's strconv.Atoi, with its error text.
struct Index
{
    bool ok = false;
    int64_t value = 0;
    std::string error;
};

Index parseIndex(const std::string &key)
{
    Index r;
    std::string_view s = key;
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty() ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        r.error = "strconv.Atoi: parsing \"" + key + "\": invalid syntax";
        return r;
    }
    uint64_t magnitude = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude);
    if (ec != std::errc() || ptr != s.data() + s.size() ||
        magnitude > (negative ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX))) {
        r.error = "strconv.Atoi: parsing \"" + key + "\": value out of range";
        return r;
    }
    r.ok = true;
    r.value = negative ? int64_t(0 - magnitude) : int64_t(magnitude);
    return r;
}

// Where a pointer leads: the container holding the last token, and that
// token unescaped. `container` is null when the pointer does not resolve
// (evanphx's findObject returning nil).
struct Location
{
    Json *container = nullptr;
    std::string key;
    size_t depth = 0; // number of tokens
};

Location locate(Json &doc, const std::string &path)
{
    Location loc;
    if (path.empty() || path[0] != '/')
        return loc;
    std::vector<std::string_view> tokens;
    size_t start = 1;
    while (true) {
        const size_t slash = path.find('/', start);
        tokens.push_back(std::string_view(path).substr(
            start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    Json *cur = &doc;
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
        const std::string key = unescape(tokens[i]);
        Json *next = nullptr;
        if (cur->is_object()) {
            auto it = cur->find(key);
            if (it != cur->end())
                next = &*it;
        } else if (cur->is_array()) {
            const Index idx = parseIndex(key);
            if (idx.ok && idx.value >= 0 && uint64_t(idx.value) < cur->size())
                next = &(*cur)[size_t(idx.value)];
        }
        if (!next || !next->is_structured())
            return loc;
        cur = next;
    }
    loc.container = cur;
    loc.key = unescape(tokens.back());
    loc.depth = tokens.size();
    return loc;
}

// The JSON type as Go's decoder names it in "cannot unmarshal X into ...".
std::string jsonTypeWord(const Json &v)
{
    switch (patchjson::kindOf(v)) {
    case patchjson::Kind::Object:
        return "object";
    case patchjson::Kind::Array:
        return "array";
    case patchjson::Kind::Number:
        return "number";
    case patchjson::Kind::Bool:
        return "bool";
    case patchjson::Kind::String:
        return "string";
    default:
        return "null";
    }
}

class Patcher
{
public:
    Patcher(Json &doc, const PatchLimits &limits)
        : m_doc(doc)
        , m_limits(limits)
        , m_depthBound(patchjson::depthOf(doc))
    {}

    void apply(const Json &op)
    {
        const std::string kind = opKind(op);
        if (kind == "add")
            add(op);
        else if (kind == "remove")
            remove(op);
        else if (kind == "replace")
            replace(op);
        else if (kind == "move")
            move(op);
        else if (kind == "test")
            test(op);
        else if (kind == "copy")
            copy(op);
        else
            notApplied("Unexpected kind: " + kind);
    }

private:
    static std::string opKind(const Json &op)
    {
        auto it = op.find("op");
        if (it == op.end() || !it->is_string())
            return "unknown";
        return it->get<std::string>();
    }

    // The "path" (or "from") member; an error message as v4 words it when
    // absent or not a string.
    static bool member(const Json &op, const char *name, std::string &out, std::string &error)
    {
        auto it = op.find(name);
        if (it == op.end() || it->is_null()) {
            error = std::string(name) == "path" ? "operation missing path field: missing value"
                                                : "operation, missing from field: missing value";
            return false;
        }
        if (!it->is_string()) {
            error = "json: cannot unmarshal " + jsonTypeWord(*it) + " into Go value of type string";
            return false;
        }
        out = it->get<std::string>();
        return true;
    }

    static Json value(const Json &op)
    {
        auto it = op.find("value");
        return it == op.end() ? Json(nullptr) : *it;
    }

    // Inserting a value of depth `valueDepth` at a pointer with `tokens`
    // tokens must keep the document within limits.maxDepth (so no later step
    // recurses without bound).
    void checkDepth(size_t tokens, size_t valueDepth)
    {
        const size_t reach = tokens + valueDepth;
        if (reach > m_depthBound)
            m_depthBound = reach;
        if (m_depthBound > m_limits.maxDepth) {
            m_depthBound = patchjson::depthOf(m_doc) > reach ? patchjson::depthOf(m_doc) : reach;
            if (m_depthBound > m_limits.maxDepth)
                patchjson::fail(Status::Code::ResourceExhausted,
                                "the patched object would be nested deeper than " +
                                    std::to_string(m_limits.maxDepth) + " levels");
        }
    }

    // evanphx's container add: object member set; array insert at index,
    // "-" appends. Returns an error message, empty on success.
    static std::string addTo(Json &container, const std::string &key, Json value)
    {
        if (container.is_object()) {
            container[key] = std::move(value);
            return {};
        }
        if (key == "-") {
            container.push_back(std::move(value));
            return {};
        }
        const Index idx = parseIndex(key);
        if (!idx.ok)
            return "value was not a proper array index: '" + key + "': " + idx.error;
        const int64_t n = int64_t(container.size()) + 1;
        int64_t i = idx.value;
        if (i >= n || i < -n)
            return "Unable to access invalid index: " + std::to_string(idx.value) + kInvalidIndex;
        if (i < 0)
            i += n;
        container.insert(container.begin() + i, std::move(value));
        return {};
    }

    static std::string removeFrom(Json &container, const std::string &key)
    {
        if (container.is_object()) {
            if (container.erase(key) == 0)
                return "Unable to remove nonexistent key: " + key + kMissing;
            return {};
        }
        const Index idx = parseIndex(key);
        if (!idx.ok)
            return idx.error;
        const int64_t n = int64_t(container.size());
        int64_t i = idx.value;
        if (i >= n || i < -n)
            return "Unable to access invalid index: " + std::to_string(idx.value) + kInvalidIndex;
        if (i < 0)
            i += n;
        container.erase(container.begin() + i);
        return {};
    }

    // evanphx's container get: a missing object member is null (no error);
    // an array index must exist.
    static std::string getFrom(Json &container, const std::string &key, Json **out)
    {
        *out = nullptr;
        if (container.is_object()) {
            auto it = container.find(key);
            if (it != container.end())
                *out = &*it;
            return {};
        }
        const Index idx = parseIndex(key);
        if (!idx.ok)
            return idx.error;
        if (idx.value >= int64_t(container.size()) || idx.value < 0)
            return "Unable to access invalid index: " + std::to_string(idx.value) + kInvalidIndex;
        *out = &container[size_t(idx.value)];
        return {};
    }

    void add(const Json &op)
    {
        std::string path, error;
        if (!member(op, "path", path, error))
            notApplied("add operation failed to decode path" + kMissing);
        Location loc = locate(m_doc, path);
        if (!loc.container)
            notApplied("add operation does not apply: doc is missing path: \"" + path + "\"" +
                       kMissing);
        Json v = value(op);
        checkDepth(loc.depth, patchjson::depthOf(v));
        error = addTo(*loc.container, loc.key, std::move(v));
        if (!error.empty())
            notApplied("error in add for path: '" + path + "': " + error);
    }

    void remove(const Json &op)
    {
        std::string path, error;
        if (!member(op, "path", path, error))
            notApplied("remove operation failed to decode path" + kMissing);
        Location loc = locate(m_doc, path);
        if (!loc.container)
            notApplied("remove operation does not apply: doc is missing path: \"" + path + "\"" +
                       kMissing);
        error = removeFrom(*loc.container, loc.key);
        if (!error.empty())
            notApplied("error in remove for path: '" + path + "': " + error);
    }

    void replace(const Json &op)
    {
        std::string path, error;
        if (!member(op, "path", path, error))
            notApplied("replace operation failed to decode path: " + error);
        Location loc = locate(m_doc, path);
        if (!loc.container)
            notApplied("replace operation does not apply: doc is missing path: " + path + kMissing);
        Json *target = nullptr;
        if (!getFrom(*loc.container, loc.key, &target).empty())
            notApplied("replace operation does not apply: doc is missing key: " + path + kMissing);
        Json v = value(op);
        checkDepth(loc.depth, patchjson::depthOf(v));
        if (target)
            *target = std::move(v);
        else
            (*loc.container)[loc.key] = std::move(v);
    }

    void move(const Json &op)
    {
        std::string from, path, error;
        if (!member(op, "from", from, error))
            notApplied("move operation failed to decode from: " + error);
        Location src = locate(m_doc, from);
        if (!src.container)
            notApplied("move operation does not apply: doc is missing from path: " + from +
                       kMissing);
        Json *found = nullptr;
        error = getFrom(*src.container, src.key, &found);
        if (!error.empty())
            notApplied("error in move for path: '" + src.key + "': " + error);
        Json moved = found ? std::move(*found) : Json(nullptr);
        const size_t fromDepth = src.depth;
        error = removeFrom(*src.container, src.key);
        if (!error.empty())
            notApplied("error in move for path: '" + src.key + "': " + error);
        if (!member(op, "path", path, error))
            notApplied("move operation failed to decode path: " + error);
        Location dst = locate(m_doc, path);
        if (!dst.container)
            notApplied("move operation does not apply: doc is missing destination path: " + path +
                       kMissing);
        // The moved value is no deeper than the document below its old place.
        const size_t bound = m_depthBound > fromDepth ? m_depthBound - fromDepth : 0;
        if (dst.depth + bound > m_limits.maxDepth)
            checkDepth(dst.depth, patchjson::depthOf(moved));
        else
            checkDepth(dst.depth, bound);
        error = addTo(*dst.container, dst.key, std::move(moved));
        if (!error.empty())
            notApplied("error in move for path: '" + path + "': " + error);
    }

    void test(const Json &op)
    {
        std::string path, error;
        if (!member(op, "path", path, error))
            notApplied("test operation failed to decode path: " + error);
        Location loc = locate(m_doc, path);
        if (!loc.container)
            notApplied("test operation does not apply: is missing path: " + path + kMissing);
        Json *found = nullptr;
        error = getFrom(*loc.container, loc.key, &found);
        if (!error.empty())
            notApplied("error in test for path: '" + path + "': " + error);
        const Json expected = value(op);
        const bool actualNull = !found || found->is_null();
        const bool equal =
            actualNull ? expected.is_null() : (!expected.is_null() && *found == expected);
        if (!equal)
            notApplied("testing value " + path + " failed: test failed");
    }

    void copy(const Json &op)
    {
        std::string from, path, error;
        if (!member(op, "from", from, error))
            notApplied("copy operation failed to decode from: " + error);
        Location src = locate(m_doc, from);
        if (!src.container)
            notApplied("copy operation does not apply: doc is missing from path: " + from +
                       kMissing);
        Json *found = nullptr;
        error = getFrom(*src.container, src.key, &found);
        if (!error.empty())
            notApplied("error in copy for from: '" + from + "': " + error);
        if (!member(op, "path", path, error))
            notApplied("copy operation failed to decode path" + kMissing);
        Location dst = locate(m_doc, path);
        if (!dst.container)
            notApplied("copy operation does not apply: doc is missing destination path: " + path +
                       kMissing);
        Json copied = found ? *found : Json(nullptr);
        const size_t size = patchjson::dump(copied).size();
        m_copied += int64_t(size);
        if (m_limits.maxCopyBytes > 0 && m_copied > m_limits.maxCopyBytes)
            patchjson::fail(
                Status::Code::ResourceExhausted,
                "Unable to complete the copy, the accumulated size increase of copy is " +
                    std::to_string(m_copied) + ", exceeding the limit " +
                    std::to_string(m_limits.maxCopyBytes));
        checkDepth(dst.depth, patchjson::depthOf(copied));
        error = addTo(*dst.container, dst.key, std::move(copied));
        if (!error.empty())
            notApplied("error while adding value during copy: " + error);
    }

    Json &m_doc;
    const PatchLimits &m_limits;
    size_t m_depthBound;
    int64_t m_copied = 0;
};

} // namespace

Result<std::string> applyJsonPatch(std::string_view document, std::string_view patch,
                                   const PatchLimits &limits)
{
    try {
        auto doc = patchjson::parse(document, limits.maxDepth, "document");
        if (!doc)
            return doc.status();
        if (!doc->is_structured())
            return Status::invalidArgument("the document to patch is not a JSON object or array");
        auto ops = patchjson::parse(patch, limits.maxDepth, "patch");
        if (!ops)
            return ops.status();
        if (!ops->is_array())
            return Status::invalidArgument("json: cannot unmarshal " + jsonTypeWord(*ops) +
                                           " into Go value of type jsonpatch.Patch");
        for (const Json &op : *ops)
            if (!op.is_object() && !op.is_null())
                return Status::invalidArgument("json: cannot unmarshal " + jsonTypeWord(op) +
                                               " into Go value of type jsonpatch.Operation");
        if (ops->size() > limits.maxOperations)
            return Status::resourceExhausted("The allowed maximum operations in a JSON patch is " +
                                             std::to_string(limits.maxOperations) + ", got " +
                                             std::to_string(ops->size()));
        Patcher patcher(*doc, limits);
        for (const Json &op : *ops)
            patcher.apply(op.is_null() ? Json::object() : op);
        return patchjson::finish(*doc, limits);
    } catch (const patchjson::PatchError &e) {
        return e.status();
    } catch (const std::exception &e) {
        return Status::internal(std::string("json patch: ") + e.what());
    }
}

} // namespace kubist::apiserver
