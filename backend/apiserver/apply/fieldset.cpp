#include "backend/apiserver/apply/fieldset.h"

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace kubist::apiserver::apply {

namespace {

using Json = nlohmann::json;
using Node = FieldSet::Node;

namespace dom = simdjson::dom;

bool parseNode(dom::element j, Node *node, int depth)
{
    dom::object object;
    if (j.get_object().get(object) != simdjson::SUCCESS || depth > 200)
        return false;
    for (dom::key_value_pair field : object) {
        const std::string_view key = field.key;
        dom::object value;
        if (field.value.get_object().get(value) != simdjson::SUCCESS)
            return false;
        if (key == ".") {
            if (value.size() != 0)
                return false;
            node->member = true;
            continue;
        }
        if (key.size() < 2 || key[1] != ':' ||
            (key[0] != 'f' && key[0] != 'k' && key[0] != 'v' && key[0] != 'i'))
            return false;
        auto it = node->children.find(key);
        if (it == node->children.end())
            it = node->children.emplace(std::string(key), Node()).first;
        if (!parseNode(field.value, &it->second, depth + 1))
            return false;
        // A leaf written as {} is a member.
        if (value.size() == 0)
            it->second.member = true;
    }
    return true;
}

// A key as a JSON string (nlohmann's escaping, which FieldsV1 text has
// always had here); most keys need none.
void writeKey(const std::string &key, std::string &out)
{
    for (unsigned char c : key)
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
            out += Json(key).dump(-1, ' ', false, Json::error_handler_t::replace);
            return;
        }
    out += '"';
    out += key;
    out += '"';
}

void writeNode(const Node &node, std::string &out)
{
    out += '{';
    bool first = true;
    if (node.member && !node.children.empty()) {
        out += "\".\":{}";
        first = false;
    }
    for (const auto &[key, child] : node.children) {
        if (!first)
            out += ',';
        first = false;
        writeKey(key, out);
        out += ':';
        writeNode(child, out);
    }
    out += '}';
}

void countMembers(const Node &node, size_t *n)
{
    if (node.member)
        ++*n;
    for (const auto &[key, child] : node.children)
        countMembers(child, n);
}

bool isEmpty(const Node &n)
{
    return !n.member && n.children.empty();
}

// out = a (op) b, member by member.
enum class Op { Union, Difference, Intersection, RecursiveDifference };

void combine(const Node *a, const Node *b, Op op, Node *out)
{
    const bool inA = a && a->member, inB = b && b->member;
    switch (op) {
    case Op::Union:
        out->member = inA || inB;
        break;
    case Op::Difference:
    case Op::RecursiveDifference:
        out->member = inA && !inB;
        break;
    case Op::Intersection:
        out->member = inA && inB;
        break;
    }
    if (op == Op::RecursiveDifference && inB) {
        out->member = false;
        return; // everything below a member of b goes
    }
    auto visit = [&](const std::string &key, const Node *ca, const Node *cb) {
        Node child;
        combine(ca, cb, op, &child);
        if (!isEmpty(child))
            out->children.emplace(key, std::move(child));
    };
    if (a)
        for (const auto &[key, ca] : a->children) {
            const Node *cb = nullptr;
            if (b)
                if (auto it = b->children.find(key); it != b->children.end())
                    cb = &it->second;
            if (!cb && op == Op::Intersection)
                continue;
            visit(key, &ca, cb);
        }
    if (b && op == Op::Union)
        for (const auto &[key, cb] : b->children)
            if (!a || !a->children.count(key))
                visit(key, nullptr, &cb);
}

void addInto(Node &a, const Node &b)
{
    a.member = a.member || b.member;
    for (const auto &[key, cb] : b.children) {
        auto it = a.children.find(key);
        if (it == a.children.end())
            a.children.emplace(key, cb);
        else
            addInto(it->second, cb);
    }
}

// Removes from `a` the members of `b` (recursive: everything below them).
void removeFrom(Node &a, const Node &b, bool recursive)
{
    if (b.member) {
        if (recursive) {
            a = Node();
            return;
        }
        a.member = false;
    }
    for (const auto &[key, cb] : b.children) {
        auto it = a.children.find(key);
        if (it == a.children.end())
            continue;
        removeFrom(it->second, cb, recursive);
        if (isEmpty(it->second))
            a.children.erase(it);
    }
}

void collect(const Node &node, Path &path, std::vector<Path> &out)
{
    if (node.member && !path.empty())
        out.push_back(path);
    for (const auto &[key, child] : node.children) {
        path.push_back(key);
        collect(child, path, out);
        path.pop_back();
    }
}

std::string valueText(const Json &v)
{
    return v.dump();
}

} // namespace

Result<FieldSet> FieldSet::fromJson(std::string_view fieldsV1)
{
    FieldSet set;
    if (fieldsV1.empty())
        return set;
    thread_local dom::parser parser;
    dom::element root;
    if (parser.parse(fieldsV1.data(), fieldsV1.size()).get(root) != simdjson::SUCCESS ||
        !parseNode(root, &set.m_root, 0))
        return Status::invalidArgument("invalid FieldsV1: " + std::string(fieldsV1.substr(0, 200)));
    set.m_root.member = false;
    return set;
}

std::string FieldSet::toJson() const
{
    std::string out;
    writeNode(m_root, out);
    return out;
}

void FieldSet::insert(const Path &path)
{
    Node *n = &m_root;
    for (const PathElement &e : path)
        n = &n->children[e];
    n->member = true;
}

bool FieldSet::has(const Path &path) const
{
    const Node *n = &m_root;
    for (const PathElement &e : path) {
        auto it = n->children.find(e);
        if (it == n->children.end())
            return false;
        n = &it->second;
    }
    return n->member;
}

bool FieldSet::hasPrefix(const Path &path) const
{
    const Node *n = &m_root;
    for (const PathElement &e : path) {
        auto it = n->children.find(e);
        if (it == n->children.end())
            return false;
        n = &it->second;
    }
    return !isEmpty(*n);
}

size_t FieldSet::size() const
{
    size_t n = 0;
    countMembers(m_root, &n);
    return n;
}

FieldSet FieldSet::unionWith(const FieldSet &other) const
{
    FieldSet out;
    combine(&m_root, &other.m_root, Op::Union, &out.m_root);
    return out;
}

FieldSet FieldSet::difference(const FieldSet &other) const
{
    FieldSet out;
    combine(&m_root, &other.m_root, Op::Difference, &out.m_root);
    return out;
}

FieldSet FieldSet::intersection(const FieldSet &other) const
{
    FieldSet out;
    combine(&m_root, &other.m_root, Op::Intersection, &out.m_root);
    return out;
}

FieldSet FieldSet::recursiveDifference(const FieldSet &other) const
{
    FieldSet out;
    combine(&m_root, &other.m_root, Op::RecursiveDifference, &out.m_root);
    return out;
}

void FieldSet::add(const FieldSet &other)
{
    addInto(m_root, other.m_root);
}

void FieldSet::remove(const FieldSet &other)
{
    removeFrom(m_root, other.m_root, false);
}

void FieldSet::removeBelow(const FieldSet &other)
{
    removeFrom(m_root, other.m_root, true);
}

std::vector<Path> FieldSet::members() const
{
    std::vector<Path> out;
    Path path;
    collect(m_root, path, out);
    return out;
}

std::string FieldSet::pathString(const Path &path)
{
    std::string out;
    for (const PathElement &e : path) {
        const std::string_view rest = std::string_view(e).substr(std::min<size_t>(2, e.size()));
        if (e.starts_with("f:")) {
            out += '.';
            out += rest;
        } else if (e.starts_with("k:")) {
            Json key = Json::parse(rest, nullptr, false);
            out += '[';
            bool first = true;
            if (key.is_object())
                for (const auto &[name, value] : key.items()) {
                    if (!first)
                        out += ',';
                    first = false;
                    out += name + "=" + valueText(value);
                }
            out += ']';
        } else if (e.starts_with("v:")) {
            out += "[=";
            out += rest;
            out += ']';
        } else if (e.starts_with("i:")) {
            out += '[';
            out += rest;
            out += ']';
        } else {
            out += e;
        }
    }
    return out;
}

} // namespace kubist::apiserver::apply
