#pragma once

#include "backend/util/status.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kubist::apiserver::apply {

// One step of a field path, in the FieldsV1 spelling of
// sigs.k8s.io/structured-merge-diff: "f:<field or map key>",
// "k:<JSON object of the key fields, sorted by name>" (an element of a map
// list), "v:<JSON value>" (an element of a set list), "i:<index>".
using PathElement = std::string;
using Path = std::vector<PathElement>;

// FieldSet: a set of field paths stored as a trie, as managedFields record
// what each manager owns. A path is a "member" when the set holds it
// itself; the trie nodes on the way to a member are not members unless
// inserted. Serialises to and from the FieldsV1 JSON form: every node is an
// object, its children keyed by their path element, "." marking a node
// that is itself a member of the set:
//   {"f:metadata":{"f:labels":{".":{},"f:app":{}}}}
// Children are kept in the element's text order (which puts "." first and
// f: before k: before v:, as upstream writes them).
//
// A value type; not thread-safe for concurrent mutation.
class FieldSet final
{
public:
    FieldSet() = default;

    // Parses FieldsV1 JSON; InvalidArgument for anything else ("{}" and ""
    // are the empty set).
    static Result<FieldSet> fromJson(std::string_view fieldsV1);
    // The FieldsV1 JSON text (compact, "{}" for the empty set).
    std::string toJson() const;

    void insert(const Path &path);
    // Whether `path` is a member.
    bool has(const Path &path) const;
    // Whether `path` is a member or has a member below it.
    bool hasPrefix(const Path &path) const;
    bool empty() const { return !m_root.member && m_root.children.empty(); }
    size_t size() const; // number of members

    // Set algebra on members.
    FieldSet unionWith(const FieldSet &other) const;
    FieldSet difference(const FieldSet &other) const;
    FieldSet intersection(const FieldSet &other) const;
    // Members of this set that are neither members of `other` nor below one
    // of its members (upstream's RecursiveDifference: a member "f:status" of
    // `other` removes everything under status).
    FieldSet recursiveDifference(const FieldSet &other) const;

    // The same operations in place (cost: the size of `other`, not of this
    // set, for remove and removeBelow).
    void add(const FieldSet &other);
    void remove(const FieldSet &other);      // difference
    void removeBelow(const FieldSet &other); // recursiveDifference

    // Every member, depth first in element order.
    std::vector<Path> members() const;

    bool operator==(const FieldSet &other) const { return m_root == other.m_root; }

    // A path as upstream prints it in conflict messages:
    // .spec.containers[name="web"].image, .metadata.finalizers[="a"].
    static std::string pathString(const Path &path);

    struct Node
    {
        bool member = false;
        std::map<std::string, Node, std::less<>> children;
        bool operator==(const Node &) const = default;
    };
    const Node &root() const { return m_root; }

private:
    Node m_root;
};

} // namespace kubist::apiserver::apply
