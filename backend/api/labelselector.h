#pragma once

#include "backend/util/status.h"

#include <google/protobuf/map.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace k8s::io::apimachinery::pkg::apis::meta::v1 {
class LabelSelector;
}

namespace kubist::api {

// LabelSelector is Kubernetes' labels.Selector: an AND of requirements over
// an object's labels.
//
// Build one from the string syntax (parse, as in ?labelSelector=) or from the
// meta/v1 LabelSelector struct (fromProto, as in a Deployment's selector).
// Requirements are kept sorted by key (stable for equal keys), which is the
// order toString() prints, as upstream does.
//
// Two special selectors: everything() (also a default-constructed or empty
// selector) matches every label set; nothing() matches none. fromProto maps
// an empty struct to everything() and a null one to nothing(), as
// metav1.LabelSelectorAsSelector does.
//
// Immutable after construction; safe to share between threads.
class LabelSelector final
{
public:
    enum class Operator {
        In,
        NotIn,
        Equals,       // "="
        DoubleEquals, // "=="
        NotEquals,    // "!="
        Exists,       // "key"
        DoesNotExist, // "!key"
        GreaterThan,  // "key>3" (string syntax only)
        LessThan,     // "key<3" (string syntax only)
    };

    // Returns the value of the label `key`, or nullptr when the label is
    // absent. The pointer need only stay valid until the next call.
    using LabelLookup = std::function<const std::string *(std::string_view key)>;

    struct Requirement
    {
        std::string key;
        Operator op = Operator::Exists;
        // Parsed selectors hold their values sorted and unique; fromProto
        // keeps the struct's order. toString() always prints them sorted.
        std::vector<std::string> values;

        bool matches(const LabelLookup &labels) const;
        // "key in (a,b)", "!key", "key!=v", ... as upstream Requirement.String().
        std::string toString() const;
        bool operator==(const Requirement &) const = default;
    };

    // Matches everything.
    LabelSelector() = default;
    static LabelSelector everything() { return {}; }
    static LabelSelector nothing();

    // Parses upstream's syntax, e.g. "a=b,c!=d,e in (f,g),h notin (i),j,!k".
    // Errors (InvalidArgument) use upstream's messages, e.g.
    // "unable to parse requirement: found '', expected: in, notin, =, ==, !=, gt, lt".
    static Result<LabelSelector> parse(std::string_view text);

    // metav1.LabelSelectorAsSelector: nullptr -> nothing(), an empty struct ->
    // everything(); match_labels become "=" requirements, match_expressions
    // use In, NotIn, Exists or DoesNotExist. Keys and values are validated.
    static Result<LabelSelector>
    fromProto(const k8s::io::apimachinery::pkg::apis::meta::v1::LabelSelector *selector);

    // A selector requiring every label in `labels` (validated; empty map is
    // everything()).
    static Result<LabelSelector> fromSet(const std::map<std::string, std::string> &labels);

    // upstream labels.NewRequirement: checks the key, the number of values for
    // the operator and each value. Error messages are upstream's field errors.
    static Result<Requirement> makeRequirement(std::string key, Operator op,
                                               std::vector<std::string> values);

    // Returns a copy with `requirement` added (kept sorted by key). Adding to
    // nothing() gives nothing().
    LabelSelector withRequirement(Requirement requirement) const;

    bool matches(const LabelLookup &labels) const;
    // Any map type with find(std::string) / end() / ->second, e.g. std::map,
    // std::unordered_map or a protobuf Map<std::string, std::string>.
    template<class MapType>
    requires requires(const MapType &m)
    {
        m.find(std::string());
        m.end();
    }
    bool matches(const MapType &labels) const
    {
        return matches(LabelLookup([&labels](std::string_view key) -> const std::string * {
            const auto it = labels.find(std::string(key));
            return it == labels.end() ? nullptr : &it->second;
        }));
    }

    // True for everything() (no requirements). nothing() is not empty.
    bool isEmpty() const { return !m_nothing && m_requirements.empty(); }
    bool isNothing() const { return m_nothing; }
    const std::vector<Requirement> &requirements() const { return m_requirements; }

    // The value `label` must have when some requirement pins it to exactly one
    // value (=, == or in with one value), as upstream RequiresExactMatch.
    std::optional<std::string> requiresExactMatch(std::string_view label) const;

    // Requirements joined with ","; "" for everything() and nothing().
    std::string toString() const;

    bool operator==(const LabelSelector &) const = default;

private:
    std::vector<Requirement> m_requirements;
    bool m_nothing = false;
};

// Whether two label maps (metadata.labels, matchLabels) hold the same keys
// with the same values.
bool labelsEqual(const google::protobuf::Map<std::string, std::string> &a,
                 const google::protobuf::Map<std::string, std::string> &b);

} // namespace kubist::api
