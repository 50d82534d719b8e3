#pragma once

#include "backend/util/status.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kubist::api {

// FieldSelector is Kubernetes' fields.Selector: an AND of "field=value" /
// "field!=value" terms, e.g. "metadata.name=x,spec.nodeName!=,status.phase==Running".
//
// Syntax as upstream fields.ParseSelector: terms split on unescaped ','; each
// term splits at the first "!=", "==" or "=" (in that order of preference at
// each position); the field name is taken verbatim, the value is unescaped
// ("\\", "\," and "\=" are its only escapes; a bare ',' or '=' in a value is
// an error). "==" means the same as "=". Terms are sorted by their raw text,
// as upstream does, and empty terms are skipped, so "" selects everything.
//
// Which field names are legal depends on the resource; the caller checks that
// with checkSupported(). Immutable after construction; safe to share.
class FieldSelector final
{
public:
    struct Requirement
    {
        std::string field;
        bool notEquals = false; // "!=" when true, else "=" (or "==")
        std::string value;      // unescaped
        bool operator==(const Requirement &) const = default;
    };

    // Returns the value of `field` for the object being tested, or nullopt when
    // the object has no such field; a missing field compares as "".
    using FieldLookup = std::function<std::optional<std::string>(std::string_view field)>;

    // Matches everything.
    FieldSelector() = default;

    // Errors (InvalidArgument) as upstream words them:
    // "invalid selector: '<text>'; can't understand '<term>'",
    // "invalid field selector: invalid escape sequence: \x",
    // "invalid field selector: unescaped character in value: 61" (a rune number).
    static Result<FieldSelector> parse(std::string_view text);

    bool matches(const FieldLookup &fields) const;

    const std::vector<Requirement> &requirements() const { return m_requirements; }
    bool isEmpty() const { return m_requirements.empty(); }

    // The value `field` must equal for this selector to match, when some "="
    // term pins it (upstream RequiresExactMatch).
    std::optional<std::string> requiresExactMatch(std::string_view field) const;

    // OK when every field named is in `supported`, else InvalidArgument
    // "field label not supported: <name>" for the first one that is not.
    Status checkSupported(const std::set<std::string, std::less<>> &supported) const;

    // Terms joined with ",", each "field=value" or "field!=value" with the
    // value escaped again.
    std::string toString() const;

    // Escapes '\', ',' and '=' in a literal value (upstream fields.EscapeValue).
    static std::string escapeValue(std::string_view value);
    // The inverse; errors as for parse().
    static Result<std::string> unescapeValue(std::string_view value);

    bool operator==(const FieldSelector &) const = default;

private:
    std::vector<Requirement> m_requirements;
};

} // namespace kubist::api
