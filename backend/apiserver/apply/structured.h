#pragma once

// The structured-merge-diff operations (sigs.k8s.io/structured-merge-diff
// v4: typed.ToFieldSet, Compare, Merge and the pruning step of Apply) on
// JSON trees, with the schema taken from our proto descriptors and their
// (kubist.*) options. Internal to kubist_apiserver_apply.

#include "backend/apiserver/apply/fieldset.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
} // namespace google::protobuf

namespace kubist::apiserver::apply {

using Json = nlohmann::ordered_json;

// `text` parsed; null when it is not JSON (our own encodings always are).
Json parseJson(std::string_view text);

// How a JSON value of the schema merges and is owned.
struct Shape
{
    enum class Kind {
        Scalar,  // a leaf: scalars, special types, atomic structs / maps / lists
        Struct,  // a message: fields by JSON name (unknown names are leaves)
        Map,     // a granular map: entries owned one by one
        SetList, // list of unique scalars, elements "v:<value>"
        MapList, // list of objects keyed by `keys`, elements "k:{...}"
    };
    Kind kind = Kind::Scalar;
    const google::protobuf::Descriptor *message = nullptr; // Struct: its type
    // Map and lists: the shape of every element.
    const google::protobuf::FieldDescriptor *field = nullptr;
    const std::vector<std::string> *keys = nullptr; // MapList

    bool granular() const { return kind != Kind::Scalar; }
};

// The shape of an object of message type `d` (Struct, or Scalar for the
// special types).
Shape shapeOfMessage(const google::protobuf::Descriptor *d);
// The shape of a struct member `key`, and whether it is a declared field
// (map entries and unknown members are not).
Shape childShape(const Shape &parent, const std::string &key, bool *declared = nullptr);
// The shape of a declared field's member (what childShape gives for it).
Shape shapeOfField(const google::protobuf::FieldDescriptor *fd);
// The shape of each element of a Map or list.
Shape elementShape(const Shape &parent);

// The path element of list element `item` (at `index`) of a SetList or
// MapList, as FieldsV1 spells it.
PathElement listElement(const Shape &list, const Json &item, size_t index);

// Order-insensitive deep equality (objects by keys, numbers by value).
bool equalValues(const Json &a, const Json &b);

// typed.ToFieldSet: every leaf, list element and map entry of `value`.
FieldSet toFieldSet(const Json &value, const Shape &shape);

struct Comparison
{
    FieldSet added, modified, removed;
    FieldSet changed() const { return added.unionWith(modified); }
};
// typed.Compare: what changed from `lhs` to `rhs` (either may be null for
// "absent"), below `path`.
void compare(const Json *lhs, const Json *rhs, const Shape &shape, Path &path, Comparison &out);

// typed.Merge: `config` applied over `live` (lists merged by their keys,
// keeping live's order and placing new elements as upstream does).
Json merge(const Json *live, const Json &config, const Shape &shape);

// The pruning step of Apply: removes from `value` every node that `last`
// holds (declared struct fields count when anything below them is held)
// and that no path of `owned` reaches.
void prune(Json &value, const Shape &shape, const FieldSet &last, const FieldSet &owned,
           Path &path);

// Keeps of `normalized` only what `original` has (objects by key, arrays by
// index): used to read a configuration through the codec (normalising
// quantities and numbers) without the members the codec adds.
Json restrictTo(const Json &normalized, const Json &original);

} // namespace kubist::apiserver::apply
