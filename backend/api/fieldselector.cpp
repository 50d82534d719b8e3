#include "backend/api/fieldselector.h"

#include <algorithm>

namespace kubist::api {

namespace {

// Splits on ',' that is not escaped by a backslash; escapes stay in place.
std::vector<std::string_view> splitTerms(std::string_view text)
{
    std::vector<std::string_view> terms;
    if (text.empty())
        return terms;
    size_t start = 0;
    bool inSlash = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inSlash) {
            inSlash = false;
        } else if (c == '\\') {
            inSlash = true;
        } else if (c == ',') {
            terms.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    terms.push_back(text.substr(start));
    return terms;
}

struct SplitTerm
{
    std::string_view field;
    std::string_view op;
    std::string_view value;
};

// The first position holding an operator wins; "!=" and "==" are tried
// before "=" so "==" leaves no '=' on the value.
std::optional<SplitTerm> splitTerm(std::string_view term)
{
    static constexpr std::string_view operators[] = {"!=", "==", "="};
    for (size_t i = 0; i < term.size(); ++i) {
        const std::string_view rest = term.substr(i);
        for (std::string_view op : operators) {
            if (rest.starts_with(op))
                return SplitTerm{term.substr(0, i), op, rest.substr(op.size())};
        }
    }
    return std::nullopt;
}

// Decodes one UTF-8 code point at s[i] (advancing i) the way Go's range loop
// does: an invalid byte reads as U+FFFD and advances by one.
char32_t decodeRune(std::string_view s, size_t &i)
{
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int length = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xe0) == 0xc0) {
        length = 2;
        cp = b0 & 0x1f;
        min = 0x80;
    } else if ((b0 & 0xf0) == 0xe0) {
        length = 3;
        cp = b0 & 0x0f;
        min = 0x800;
    } else if ((b0 & 0xf8) == 0xf0) {
        length = 4;
        cp = b0 & 0x07;
        min = 0x10000;
    }
    if (length == 0 || i + size_t(length) > s.size()) {
        ++i;
        return 0xfffd;
    }
    for (int k = 1; k < length; ++k) {
        const unsigned char b = byte(i + size_t(k));
        if ((b & 0xc0) != 0x80) {
            ++i;
            return 0xfffd;
        }
        cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        ++i;
        return 0xfffd;
    }
    i += size_t(length);
    return cp;
}

} // namespace

Result<FieldSelector> FieldSelector::parse(std::string_view text)
{
    std::vector<std::string_view> terms = splitTerms(text);
    std::sort(terms.begin(), terms.end());
    FieldSelector selector;
    for (std::string_view term : terms) {
        if (term.empty())
            continue;
        const auto split = splitTerm(term);
        if (!split)
            return Status::invalidArgument("invalid selector: '" + std::string(text) +
                                           "'; can't understand '" + std::string(term) + "'");
        auto value = unescapeValue(split->value);
        if (!value.isOk())
            return value.status();
        selector.m_requirements.push_back(
            Requirement{std::string(split->field), split->op == "!=", std::move(value).value()});
    }
    return selector;
}

bool FieldSelector::matches(const FieldLookup &fields) const
{
    return std::all_of(m_requirements.begin(), m_requirements.end(), [&](const Requirement &r) {
        const std::string actual = fields(r.field).value_or(std::string());
        return (actual == r.value) != r.notEquals;
    });
}

std::optional<std::string> FieldSelector::requiresExactMatch(std::string_view field) const
{
    // Upstream's andTerm returns the first term on the field that answers.
    for (const Requirement &r : m_requirements) {
        if (r.field == field && !r.notEquals)
            return r.value;
    }
    return std::nullopt;
}

Status FieldSelector::checkSupported(const std::set<std::string, std::less<>> &supported) const
{
    for (const Requirement &r : m_requirements) {
        if (!supported.contains(r.field))
            return Status::invalidArgument("field label not supported: " + r.field);
    }
    return Status::ok();
}

std::string FieldSelector::toString() const
{
    std::string out;
    for (size_t i = 0; i < m_requirements.size(); ++i) {
        if (i > 0)
            out += ',';
        const Requirement &r = m_requirements[i];
        out += r.field;
        out += r.notEquals ? "!=" : "=";
        out += escapeValue(r.value);
    }
    return out;
}

std::string FieldSelector::escapeValue(std::string_view value)
{
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\' || c == ',' || c == '=')
            out += '\\';
        out += c;
    }
    return out;
}

Result<std::string> FieldSelector::unescapeValue(std::string_view value)
{
    if (value.find_first_of("\\,=") == std::string_view::npos)
        return std::string(value);
    std::string out;
    out.reserve(value.size());
    bool inSlash = false;
    size_t i = 0;
    while (i < value.size()) {
        const size_t start = i;
        const char32_t rune = decodeRune(value, i);
        const std::string_view bytes = value.substr(start, i - start);
        if (inSlash) {
            if (rune != '\\' && rune != ',' && rune != '=')
                return Status::invalidArgument(
                    "invalid field selector: invalid escape sequence: \\" + std::string(bytes));
            out += bytes;
            inSlash = false;
            continue;
        }
        if (rune == '\\') {
            inSlash = true;
        } else if (rune == ',' || rune == '=') {
            // Go prints the rune with %v, i.e. as its number.
            return Status::invalidArgument(
                "invalid field selector: unescaped character in value: " +
                std::to_string(std::uint32_t(rune)));
        } else {
            out += bytes;
        }
    }
    if (inSlash)
        return Status::invalidArgument("invalid field selector: invalid escape sequence: \\");
    return out;
}

} // namespace kubist::api
