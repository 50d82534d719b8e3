#include "backend/api/labelselector.h"

#include "meta_v1.pb.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>

namespace kubist::api {

namespace {

using Operator = LabelSelector::Operator;
using Requirement = LabelSelector::Requirement;

// ---- k8s.io/apimachinery/pkg/util/validation, the parts labels need ----

constexpr std::string_view kQualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view kQualifiedNameMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr std::string_view kLabelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr std::string_view kLabelValueMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character";
constexpr std::string_view kSubdomainFmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view kSubdomainMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";
constexpr size_t kQualifiedNameMaxLength = 63;
constexpr size_t kLabelValueMaxLength = 63;
constexpr size_t kSubdomainMaxLength = 253;

std::string regexError(std::string_view message, std::string_view fmt,
                       std::initializer_list<std::string_view> examples)
{
    // Upstream's wording, double spaces before "or" included.
    std::string out(message);
    out += " (e.g. ";
    bool first = true;
    for (std::string_view example : examples) {
        if (!first)
            out += " or ";
        first = false;
        out += "'" + std::string(example) + "', ";
    }
    out += "regex used for validation is '" + std::string(fmt) + "')";
    return out;
}

std::string maxLenError(size_t length)
{
    return "must be no more than " + std::to_string(length) + " characters";
}

bool isAlnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool matchesQualifiedName(std::string_view s)
{
    if (s.empty() || !isAlnum(s.front()) || !isAlnum(s.back()))
        return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool isLowerAlnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])? joined by '.'
bool matchesSubdomain(std::string_view s)
{
    size_t start = 0;
    while (true) {
        const size_t dot = s.find('.', start);
        const std::string_view label =
            s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || !isLowerAlnum(label.front()) || !isLowerAlnum(label.back()))
            return false;
        for (char c : label) {
            if (!isLowerAlnum(c) && c != '-')
                return false;
        }
        if (dot == std::string_view::npos)
            return true;
        start = dot + 1;
    }
}

std::vector<std::string> subdomainErrors(std::string_view value)
{
    std::vector<std::string> errs;
    if (value.size() > kSubdomainMaxLength)
        errs.push_back(maxLenError(kSubdomainMaxLength));
    if (!matchesSubdomain(value))
        errs.push_back(regexError(kSubdomainMsg, kSubdomainFmt, {"example.com"}));
    return errs;
}

std::vector<std::string> qualifiedNameErrors(std::string_view value)
{
    std::vector<std::string> errs;
    const size_t slashes = size_t(std::count(value.begin(), value.end(), '/'));
    std::string_view name = value;
    if (slashes == 1) {
        const size_t slash = value.find('/');
        const std::string_view prefix = value.substr(0, slash);
        name = value.substr(slash + 1);
        if (prefix.empty()) {
            errs.push_back("prefix part must be non-empty");
        } else {
            for (const std::string &e : subdomainErrors(prefix))
                errs.push_back("prefix part " + e);
        }
    } else if (slashes > 1) {
        return {"a qualified name " +
                regexError(kQualifiedNameMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}) +
                " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"};
    }
    if (name.empty())
        errs.push_back("name part must be non-empty");
    else if (name.size() > kQualifiedNameMaxLength)
        errs.push_back("name part " + maxLenError(kQualifiedNameMaxLength));
    if (!matchesQualifiedName(name))
        errs.push_back("name part " + regexError(kQualifiedNameMsg, kQualifiedNameFmt,
                                                 {"MyName", "my.name", "123-abc"}));
    return errs;
}

std::vector<std::string> labelValueErrors(std::string_view value)
{
    std::vector<std::string> errs;
    if (value.size() > kLabelValueMaxLength)
        errs.push_back(maxLenError(kLabelValueMaxLength));
    if (!value.empty() && !matchesQualifiedName(value))
        errs.push_back(
            regexError(kLabelValueMsg, kLabelValueFmt, {"MyValue", "my_value", "12345"}));
    return errs;
}

// ---- field.Error formatting ----

// Go's %q for the common cases: quotes, backslashes and control characters
// are escaped; other bytes pass through.
std::string goQuote(std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                out += "\\x";
                out += hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
                out += hex[static_cast<unsigned char>(c) & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

// Go's %#v of a []string.
std::string goStringSlice(const std::vector<std::string> &values)
{
    std::string out = "[]string{";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            out += ", ";
        out += goQuote(values[i]);
    }
    return out + "}";
}

std::string joinErrors(const std::vector<std::string> &errs, std::string_view separator)
{
    std::string out;
    for (size_t i = 0; i < errs.size(); ++i) {
        if (i > 0)
            out += separator;
        out += errs[i];
    }
    return out;
}

// field.Invalid(path, value, detail).Error()
std::string invalidField(std::string_view path, std::string_view quotedValue,
                         std::string_view detail)
{
    return std::string(path) + ": Invalid value: " + std::string(quotedValue) + ": " +
           std::string(detail);
}

// errors.NewAggregate(errs).Error()
std::string aggregate(const std::vector<std::string> &errs)
{
    std::vector<std::string> unique;
    for (const std::string &e : errs) {
        if (std::find(unique.begin(), unique.end(), e) == unique.end())
            unique.push_back(e);
    }
    if (unique.size() == 1)
        return unique.front();
    return "[" + joinErrors(unique, ", ") + "]";
}

std::optional<std::string> keyError(std::string_view key, std::string_view path)
{
    const auto errs = qualifiedNameErrors(key);
    if (errs.empty())
        return std::nullopt;
    return invalidField(path, goQuote(key), joinErrors(errs, "; "));
}

// Go's strconv.ParseInt(s, 10, 64).
std::optional<std::int64_t> parseInt64(std::string_view s)
{
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty())
        return std::nullopt;
    std::uint64_t v = 0;
    const std::uint64_t limit =
        std::uint64_t(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const std::uint64_t digit = std::uint64_t(c - '0');
        if (v > (limit - digit) / 10)
            return std::nullopt;
        v = v * 10 + digit;
    }
    if (negative)
        return v == limit ? std::numeric_limits<std::int64_t>::min() : -std::int64_t(v);
    return std::int64_t(v);
}

std::string_view operatorSyntax(Operator op)
{
    switch (op) {
    case Operator::Equals:
        return "=";
    case Operator::DoubleEquals:
        return "==";
    case Operator::NotEquals:
        return "!=";
    case Operator::In:
        return " in ";
    case Operator::NotIn:
        return " notin ";
    case Operator::GreaterThan:
        return ">";
    case Operator::LessThan:
        return "<";
    case Operator::Exists:
    case Operator::DoesNotExist:
        break;
    }
    return "";
}

void sortByKey(std::vector<Requirement> &requirements)
{
    std::stable_sort(requirements.begin(), requirements.end(),
                     [](const Requirement &a, const Requirement &b) { return a.key < b.key; });
}

// ---- the string syntax: upstream's lexer and recursive-descent parser ----

enum class Token {
    Error,
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
};

std::optional<Token> literalToken(std::string_view s)
{
    static constexpr std::pair<std::string_view, Token> table[] = {
        {")", Token::ClosedPar},     {",", Token::Comma},    {"!", Token::DoesNotExist},
        {"==", Token::DoubleEquals}, {"=", Token::Equals},   {">", Token::GreaterThan},
        {"in", Token::In},           {"<", Token::LessThan}, {"!=", Token::NotEquals},
        {"notin", Token::NotIn},     {"(", Token::OpenPar},
    };
    for (const auto &[text, token] : table) {
        if (s == text)
            return token;
    }
    return std::nullopt;
}

bool isWhitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool isSpecialSymbol(char c)
{
    switch (c) {
    case '=':
    case '!':
    case '(':
    case ')':
    case ',':
    case '>':
    case '<':
        return true;
    default:
        return false;
    }
}

struct Item
{
    Token token;
    std::string literal;
};

class Lexer
{
public:
    explicit Lexer(std::string_view text)
        : m_text(text)
    {}

    Item lex()
    {
        char c = read();
        while (isWhitespace(c))
            c = read();
        if (c == 0)
            return {Token::EndOfString, ""};
        unread();
        return isSpecialSymbol(c) ? scanSpecialSymbol() : scanIdentifierOrKeyword();
    }

private:
    // Like upstream, a NUL byte reads as the end of input.
    char read() { return m_pos < m_text.size() ? m_text[m_pos++] : '\0'; }
    void unread() { --m_pos; }

    Item scanIdentifierOrKeyword()
    {
        std::string buffer;
        while (true) {
            const char c = read();
            if (c == 0)
                break;
            if (isSpecialSymbol(c) || isWhitespace(c)) {
                unread();
                break;
            }
            buffer += c;
        }
        if (const auto token = literalToken(buffer))
            return {*token, buffer};
        return {Token::Identifier, buffer};
    }

    Item scanSpecialSymbol()
    {
        std::string buffer;
        std::optional<Item> last;
        while (true) {
            const char c = read();
            if (c == 0)
                break;
            if (!isSpecialSymbol(c)) {
                unread();
                break;
            }
            buffer += c;
            if (const auto token = literalToken(buffer)) {
                last = Item{*token, buffer};
            } else if (last) {
                unread();
                break;
            }
        }
        if (!last)
            return {Token::Error, "error expected: keyword found '" + buffer + "'"};
        return *last;
    }

    std::string_view m_text;
    size_t m_pos = 0;
};

enum class Context { KeyAndOperator, Values };

class Parser
{
public:
    explicit Parser(std::string_view text)
    {
        Lexer lexer(text);
        while (true) {
            m_items.push_back(lexer.lex());
            if (m_items.back().token == Token::EndOfString)
                break;
        }
    }

    Result<std::vector<Requirement>> parse()
    {
        std::vector<Requirement> requirements;
        while (true) {
            const Item next = lookahead(Context::Values);
            switch (next.token) {
            case Token::Identifier:
            case Token::DoesNotExist: {
                auto r = parseRequirement();
                if (!r.isOk())
                    return Status::invalidArgument("unable to parse requirement: " +
                                                   r.status().message());
                requirements.push_back(std::move(r).value());
                const Item after = consume(Context::Values);
                if (after.token == Token::EndOfString)
                    return requirements;
                if (after.token != Token::Comma)
                    return Status::invalidArgument("found '" + after.literal +
                                                   "', expected: ',' or 'end of string'");
                const Item following = lookahead(Context::Values);
                if (following.token != Token::Identifier && following.token != Token::DoesNotExist)
                    return Status::invalidArgument("found '" + following.literal +
                                                   "', expected: identifier after ','");
                break;
            }
            case Token::EndOfString:
                return requirements;
            default:
                return Status::invalidArgument("found '" + next.literal +
                                               "', expected: !, identifier, or 'end of string'");
            }
        }
    }

private:
    Item lookahead(Context context) const { return adjust(m_items[m_pos], context); }
    Item consume(Context context) { return adjust(m_items[m_pos++], context); }

    static Item adjust(Item item, Context context)
    {
        // "in" and "notin" are plain values where values are expected.
        if (context == Context::Values && (item.token == Token::In || item.token == Token::NotIn))
            item.token = Token::Identifier;
        return item;
    }

    Result<Requirement> parseRequirement()
    {
        std::optional<Operator> op;
        Item item = consume(Context::Values);
        if (item.token == Token::DoesNotExist) {
            op = Operator::DoesNotExist;
            item = consume(Context::Values);
        }
        if (item.token != Token::Identifier)
            return Status::invalidArgument("found '" + item.literal + "', expected: identifier");
        if (const auto err = keyError(item.literal, "<nil>"))
            return Status::invalidArgument(*err);
        const Token after = lookahead(Context::Values).token;
        if ((after == Token::EndOfString || after == Token::Comma) && !op)
            op = Operator::Exists;
        if (op)
            return LabelSelector::makeRequirement(item.literal, *op, {});

        const Item opItem = consume(Context::KeyAndOperator);
        switch (opItem.token) {
        case Token::In:
            op = Operator::In;
            break;
        case Token::Equals:
            op = Operator::Equals;
            break;
        case Token::DoubleEquals:
            op = Operator::DoubleEquals;
            break;
        case Token::GreaterThan:
            op = Operator::GreaterThan;
            break;
        case Token::LessThan:
            op = Operator::LessThan;
            break;
        case Token::NotIn:
            op = Operator::NotIn;
            break;
        case Token::NotEquals:
            op = Operator::NotEquals;
            break;
        default:
            return Status::invalidArgument("found '" + opItem.literal +
                                           "', expected: in, notin, =, ==, !=, gt, lt");
        }
        auto values =
            (*op == Operator::In || *op == Operator::NotIn) ? parseValues() : parseExactValue();
        if (!values.isOk())
            return values.status();
        return LabelSelector::makeRequirement(item.literal, *op, {values->begin(), values->end()});
    }

    Result<std::set<std::string>> parseValues()
    {
        const Item open = consume(Context::Values);
        if (open.token != Token::OpenPar)
            return Status::invalidArgument("found '" + open.literal + "' expected: '('");
        const Item next = lookahead(Context::Values);
        switch (next.token) {
        case Token::Identifier:
        case Token::Comma: {
            auto values = parseIdentifiersList();
            if (!values.isOk())
                return values;
            if (consume(Context::Values).token != Token::ClosedPar)
                // Upstream reports the token that opened the list here.
                return Status::invalidArgument("found '" + next.literal + "', expected: ')'");
            return values;
        }
        case Token::ClosedPar:
            consume(Context::Values);
            return std::set<std::string>{""};
        default:
            return Status::invalidArgument("found '" + next.literal +
                                           "', expected: ',', ')' or identifier");
        }
    }

    Result<std::set<std::string>> parseIdentifiersList()
    {
        std::set<std::string> values;
        while (true) {
            const Item item = consume(Context::Values);
            if (item.token == Token::Identifier) {
                values.insert(item.literal);
                const Item next = lookahead(Context::Values);
                if (next.token == Token::Comma)
                    continue;
                if (next.token == Token::ClosedPar)
                    return values;
                return Status::invalidArgument("found '" + next.literal +
                                               "', expected: ',' or ')'");
            }
            if (item.token == Token::Comma) {
                // "(," ",)" and ",," each stand for an empty value.
                if (values.empty())
                    values.insert("");
                const Token next = lookahead(Context::Values).token;
                if (next == Token::ClosedPar) {
                    values.insert("");
                    return values;
                }
                if (next == Token::Comma) {
                    consume(Context::Values);
                    values.insert("");
                }
                continue;
            }
            return Status::invalidArgument("found '" + item.literal +
                                           "', expected: ',', or identifier");
        }
    }

    Result<std::set<std::string>> parseExactValue()
    {
        const Token next = lookahead(Context::Values).token;
        if (next == Token::EndOfString || next == Token::Comma)
            return std::set<std::string>{""};
        const Item item = consume(Context::Values);
        if (item.token == Token::Identifier)
            return std::set<std::string>{item.literal};
        return Status::invalidArgument("found '" + item.literal + "', expected: identifier");
    }

    std::vector<Item> m_items;
    size_t m_pos = 0;
};

} // namespace

bool LabelSelector::Requirement::matches(const LabelLookup &labels) const
{
    const std::string *value = labels(key);
    const auto hasValue = [&] {
        return std::find(values.begin(), values.end(), *value) != values.end();
    };
    switch (op) {
    case Operator::In:
    case Operator::Equals:
    case Operator::DoubleEquals:
        return value && hasValue();
    case Operator::NotIn:
    case Operator::NotEquals:
        return !value || !hasValue();
    case Operator::Exists:
        return value != nullptr;
    case Operator::DoesNotExist:
        return value == nullptr;
    case Operator::GreaterThan:
    case Operator::LessThan: {
        if (!value || values.size() != 1)
            return false;
        const auto actual = parseInt64(*value);
        const auto bound = parseInt64(values.front());
        if (!actual || !bound)
            return false;
        return op == Operator::GreaterThan ? *actual > *bound : *actual < *bound;
    }
    }
    return false;
}

std::string LabelSelector::Requirement::toString() const
{
    std::string out;
    if (op == Operator::DoesNotExist)
        out += '!';
    out += key;
    if (op == Operator::Exists || op == Operator::DoesNotExist)
        return out;
    out += operatorSyntax(op);
    const bool set = op == Operator::In || op == Operator::NotIn;
    if (set)
        out += '(';
    std::vector<std::string> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    out += joinErrors(sorted, ",");
    if (set)
        out += ')';
    return out;
}

LabelSelector LabelSelector::nothing()
{
    LabelSelector s;
    s.m_nothing = true;
    return s;
}

Result<LabelSelector::Requirement> LabelSelector::makeRequirement(std::string key, Operator op,
                                                                  std::vector<std::string> values)
{
    std::vector<std::string> errs;
    if (const auto err = keyError(key, "key"))
        errs.push_back(*err);
    switch (op) {
    case Operator::In:
    case Operator::NotIn:
        if (values.empty())
            errs.push_back(invalidField("values", goStringSlice(values),
                                        "for 'in', 'notin' operators, values set can't be empty"));
        break;
    case Operator::Equals:
    case Operator::DoubleEquals:
    case Operator::NotEquals:
        if (values.size() != 1)
            errs.push_back(invalidField("values", goStringSlice(values),
                                        "exact-match compatibility requires one single value"));
        break;
    case Operator::Exists:
    case Operator::DoesNotExist:
        if (!values.empty())
            errs.push_back(invalidField("values", goStringSlice(values),
                                        "values set must be empty for exists and does not exist"));
        break;
    case Operator::GreaterThan:
    case Operator::LessThan:
        if (values.size() != 1)
            errs.push_back(invalidField("values", goStringSlice(values),
                                        "for 'Gt', 'Lt' operators, exactly one value is required"));
        for (size_t i = 0; i < values.size(); ++i) {
            if (!parseInt64(values[i]))
                errs.push_back(invalidField("values[" + std::to_string(i) + "]", goQuote(values[i]),
                                            "for 'Gt', 'Lt' operators, the value must be an "
                                            "integer"));
        }
        break;
    }
    for (size_t i = 0; i < values.size(); ++i) {
        const auto valueErrs = labelValueErrors(values[i]);
        if (!valueErrs.empty())
            errs.push_back(invalidField("values[" + std::to_string(i) + "][" + key + "]",
                                        goQuote(values[i]), joinErrors(valueErrs, "; ")));
    }
    if (!errs.empty())
        return Status::invalidArgument(aggregate(errs));
    return Requirement{std::move(key), op, std::move(values)};
}

Result<LabelSelector> LabelSelector::parse(std::string_view text)
{
    auto requirements = Parser(text).parse();
    if (!requirements.isOk())
        return requirements.status();
    LabelSelector s;
    s.m_requirements = std::move(requirements).value();
    sortByKey(s.m_requirements);
    return s;
}

Result<LabelSelector>
LabelSelector::fromProto(const k8s::io::apimachinery::pkg::apis::meta::v1::LabelSelector *selector)
{
    if (!selector)
        return nothing();
    LabelSelector s;
    // Map order is unspecified; go by key so the first error is deterministic.
    std::vector<std::pair<std::string, std::string>> matchLabels(selector->match_labels().begin(),
                                                                 selector->match_labels().end());
    std::sort(matchLabels.begin(), matchLabels.end());
    for (auto &[key, value] : matchLabels) {
        auto r = makeRequirement(key, Operator::Equals, {value});
        if (!r.isOk())
            return r.status();
        s.m_requirements.push_back(std::move(r).value());
    }
    for (const auto &expression : selector->match_expressions()) {
        Operator op;
        const std::string &name = expression.operator_();
        if (name == "In")
            op = Operator::In;
        else if (name == "NotIn")
            op = Operator::NotIn;
        else if (name == "Exists")
            op = Operator::Exists;
        else if (name == "DoesNotExist")
            op = Operator::DoesNotExist;
        else
            return Status::invalidArgument(goQuote(name) +
                                           " is not a valid label selector operator");
        auto r = makeRequirement(expression.key(), op,
                                 {expression.values().begin(), expression.values().end()});
        if (!r.isOk())
            return r.status();
        s.m_requirements.push_back(std::move(r).value());
    }
    sortByKey(s.m_requirements);
    return s;
}

Result<LabelSelector> LabelSelector::fromSet(const std::map<std::string, std::string> &labels)
{
    LabelSelector s;
    for (const auto &[key, value] : labels) {
        auto r = makeRequirement(key, Operator::Equals, {value});
        if (!r.isOk())
            return r.status();
        s.m_requirements.push_back(std::move(r).value());
    }
    return s;
}

LabelSelector LabelSelector::withRequirement(Requirement requirement) const
{
    LabelSelector s = *this;
    if (s.m_nothing)
        return s;
    s.m_requirements.push_back(std::move(requirement));
    sortByKey(s.m_requirements);
    return s;
}

bool LabelSelector::matches(const LabelLookup &labels) const
{
    if (m_nothing)
        return false;
    return std::all_of(m_requirements.begin(), m_requirements.end(),
                       [&](const Requirement &r) { return r.matches(labels); });
}

std::optional<std::string> LabelSelector::requiresExactMatch(std::string_view label) const
{
    for (const Requirement &r : m_requirements) {
        if (r.key != label)
            continue;
        const bool exact =
            r.op == Operator::Equals || r.op == Operator::DoubleEquals || r.op == Operator::In;
        if (exact && r.values.size() == 1)
            return r.values.front();
        return std::nullopt;
    }
    return std::nullopt;
}

std::string LabelSelector::toString() const
{
    std::string out;
    for (size_t i = 0; i < m_requirements.size(); ++i) {
        if (i > 0)
            out += ',';
        out += m_requirements[i].toString();
    }
    return out;
}

bool labelsEqual(const google::protobuf::Map<std::string, std::string> &a,
                 const google::protobuf::Map<std::string, std::string> &b)
{
    if (a.size() != b.size())
        return false;
    for (const auto &[key, value] : a) {
        const auto it = b.find(key);
        if (it == b.end() || it->second != value)
            return false;
    }
    return true;
}

} // namespace kubist::api
