#include "yamlcodec.h"

#include "backend/api/encoding.h"

#include <simdjson.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>

namespace kubist::api {

namespace {

namespace dom = simdjson::dom;

enum class ScalarKind { String, Null, Bool, Int, Uint, Float };

struct Resolved
{
    ScalarKind kind = ScalarKind::String;
    bool boolean = false;
    int64_t i = 0;
    uint64_t u = 0;
    double f = 0;
};

bool isOneOf(std::string_view s, std::initializer_list<std::string_view> set)
{
    for (std::string_view x : set)
        if (s == x)
            return true;
    return false;
}

// Go's strconv.ParseInt/ParseUint with base 0 on a string without sign.
bool parseUnsignedBase0(std::string_view s, uint64_t *out)
{
    int base = 10;
    if (s.size() > 1 && s[0] == '0') {
        if (s[1] == 'x' || s[1] == 'X') {
            base = 16;
            s.remove_prefix(2);
        } else if (s[1] == 'o' || s[1] == 'O') {
            base = 8;
            s.remove_prefix(2);
        } else if (s[1] == 'b' || s[1] == 'B') {
            base = 2;
            s.remove_prefix(2);
        } else {
            base = 8;
            s.remove_prefix(1);
        }
    }
    if (s.empty())
        return false;
    auto res = std::from_chars(s.data(), s.data() + s.size(), *out, base);
    return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

bool isYamlFloat(std::string_view s)
{
    // ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
    size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
        ++i;
    auto isDigit = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!isDigit(i))
            return false;
        while (isDigit(i))
            ++i;
    } else {
        if (!isDigit(i))
            return false;
        while (isDigit(i))
            ++i;
        if (i < s.size() && s[i] == '.') {
            ++i;
            while (isDigit(i))
                ++i;
        }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        if (!isDigit(i))
            return false;
        while (isDigit(i))
            ++i;
    }
    return i == s.size();
}

// How a plain (unquoted, untagged) scalar resolves, as go-yaml v2 does.
Resolved resolvePlain(std::string_view s)
{
    Resolved r;
    if (s.empty() || isOneOf(s, {"~", "null", "Null", "NULL"})) {
        r.kind = ScalarKind::Null;
        return r;
    }
    if (isOneOf(s, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})) {
        r.kind = ScalarKind::Bool;
        r.boolean = true;
        return r;
    }
    if (isOneOf(s, {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})) {
        r.kind = ScalarKind::Bool;
        return r;
    }
    if (isOneOf(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                    ".nan", ".NaN", ".NAN"})) {
        r.kind = ScalarKind::Float;
        r.f = s.find("nan") != s.npos || s.find("NaN") != s.npos || s.find("NAN") != s.npos
                  ? std::numeric_limits<double>::quiet_NaN()
                  : (s[0] == '-' ? -1 : 1) * std::numeric_limits<double>::infinity();
        return r;
    }
    const char c = s[0];
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.'))
        return r;
    std::string plain;
    plain.reserve(s.size());
    for (char ch : s)
        if (ch != '_')
            plain += ch;
    std::string_view p = plain;
    const bool negative = !p.empty() && p[0] == '-';
    std::string_view digits = (!p.empty() && (p[0] == '-' || p[0] == '+')) ? p.substr(1) : p;
    uint64_t u;
    if (!digits.empty() && parseUnsignedBase0(digits, &u)) {
        if (negative) {
            if (u <= uint64_t(std::numeric_limits<int64_t>::max()) + 1) {
                r.kind = ScalarKind::Int;
                r.i = u == uint64_t(std::numeric_limits<int64_t>::max()) + 1
                          ? std::numeric_limits<int64_t>::min()
                          : -int64_t(u);
                return r;
            }
        } else if (u <= uint64_t(std::numeric_limits<int64_t>::max())) {
            r.kind = ScalarKind::Int;
            r.i = int64_t(u);
            return r;
        } else {
            r.kind = ScalarKind::Uint;
            r.u = u;
            return r;
        }
    }
    if (isYamlFloat(s)) {
        double d;
        auto res = std::from_chars(p.data() + (p[0] == '+'), p.data() + p.size(), d);
        if (res.ec == std::errc() || res.ec == std::errc::result_out_of_range) {
            r.kind = ScalarKind::Float;
            r.f = res.ec == std::errc() ? d : (negative ? -1 : 1) * HUGE_VAL;
            return r;
        }
    }
    return r;
}

void appendDouble(double d, std::string &out)
{
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, res.ptr);
}

std::string markText(const YAML::Mark &mark)
{
    if (mark.is_null())
        return {};
    return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

Status yamlError(const YAML::Mark &mark, std::string_view what)
{
    std::string m = "invalid YAML";
    std::string where = markText(mark);
    if (!where.empty())
        m += " at " + where;
    m += ": ";
    m += what;
    return Status::invalidArgument(std::move(m));
}

class ToJson
{
public:
    explicit ToJson(size_t limit)
        : m_limit(limit)
    {}

    Status node(const YAML::Node &n, std::string &out, int depth)
    {
        if (out.size() > m_limit)
            return yamlError(n.Mark(), "document expands to more than " + std::to_string(m_limit) +
                                           " bytes (too many aliases?)");
        if (depth > 10000)
            return yamlError(n.Mark(), "nesting too deep");
        switch (n.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            out += "null";
            return {};
        case YAML::NodeType::Scalar:
            return scalar(n, out);
        case YAML::NodeType::Sequence: {
            out += '[';
            bool first = true;
            for (const YAML::Node &item : n) {
                if (!first)
                    out += ',';
                first = false;
                if (Status s = node(item, out, depth + 1); !s)
                    return s;
            }
            out += ']';
            return {};
        }
        case YAML::NodeType::Map:
            return map(n, out, depth);
        }
        return {};
    }

private:
    Status scalar(const YAML::Node &n, std::string &out)
    {
        const std::string &tag = n.Tag();
        const std::string &text = n.Scalar();
        if (tag == "!" || tag == "tag:yaml.org,2002:str") {
            JsonCodec::appendQuoted(text, out);
            return {};
        }
        const Resolved r = resolvePlain(text);
        const bool tagged = tag != "?" && !tag.empty();
        if (tagged && tag != "tag:yaml.org,2002:int" && tag != "tag:yaml.org,2002:float" &&
            tag != "tag:yaml.org,2002:bool" && tag != "tag:yaml.org,2002:null")
            return yamlError(n.Mark(), "unsupported tag " + tag);
        switch (r.kind) {
        case ScalarKind::String:
            if (tagged)
                return yamlError(n.Mark(), "cannot decode \"" + text + "\" as " + tag);
            JsonCodec::appendQuoted(text, out);
            return {};
        case ScalarKind::Null:
            out += "null";
            return {};
        case ScalarKind::Bool:
            out += r.boolean ? "true" : "false";
            return {};
        case ScalarKind::Int:
            out += std::to_string(r.i);
            return {};
        case ScalarKind::Uint:
            out += std::to_string(r.u);
            return {};
        case ScalarKind::Float:
            if (!std::isfinite(r.f))
                return yamlError(n.Mark(), "\"" + text + "\" (infinity or NaN) has no JSON form");
            appendDouble(r.f, out);
            return {};
        }
        return {};
    }

    static std::string keyText(const YAML::Node &k)
    {
        if (k.Type() == YAML::NodeType::Null)
            return "null";
        const std::string &text = k.Scalar();
        if (k.Tag() == "!" || k.Tag() == "tag:yaml.org,2002:str")
            return text;
        const Resolved r = resolvePlain(text);
        std::string s;
        switch (r.kind) {
        case ScalarKind::String:
            return text;
        case ScalarKind::Null:
            return "null";
        case ScalarKind::Bool:
            return r.boolean ? "true" : "false";
        case ScalarKind::Int:
            return std::to_string(r.i);
        case ScalarKind::Uint:
            return std::to_string(r.u);
        case ScalarKind::Float:
            appendDouble(r.f, s);
            return s;
        }
        return text;
    }

    static bool isMergeKey(const YAML::Node &k)
    {
        return k.Type() == YAML::NodeType::Scalar && k.Tag() != "!" && k.Scalar() == "<<";
    }

    // Appends the entries of `n` (a map), explicit keys first, then those
    // merged in through `<<` that are not already present.
    Status map(const YAML::Node &n, std::string &out, int depth)
    {
        std::vector<std::pair<std::string, YAML::Node>> entries;
        std::vector<YAML::Node> merges;
        for (auto it = n.begin(); it != n.end(); ++it) {
            const YAML::Node k = it->first; // a copy: it-> yields a temporary
            if (isMergeKey(k)) {
                merges.push_back(it->second);
                continue;
            }
            if (k.Type() != YAML::NodeType::Scalar && k.Type() != YAML::NodeType::Null)
                return yamlError(k.Mark(), "mapping keys must be scalars");
            entries.emplace_back(keyText(k), it->second);
        }
        for (const YAML::Node &m : merges) {
            std::vector<YAML::Node> sources;
            if (m.IsMap())
                sources.push_back(m);
            else if (m.IsSequence())
                for (const YAML::Node &x : m)
                    sources.push_back(x);
            for (const YAML::Node &src : sources) {
                if (!src.IsMap())
                    return yamlError(src.Mark(), "merge key << needs a mapping or a list of them");
                for (auto it = src.begin(); it != src.end(); ++it) {
                    if (isMergeKey(it->first))
                        continue;
                    std::string key = keyText(it->first);
                    bool present = false;
                    for (const auto &e : entries)
                        present |= (e.first == key);
                    if (!present)
                        entries.emplace_back(std::move(key), it->second);
                }
            }
        }
        out += '{';
        bool first = true;
        for (const auto &[key, value] : entries) {
            if (!first)
                out += ',';
            first = false;
            JsonCodec::appendQuoted(key, out);
            out += ':';
            if (Status s = node(value, out, depth + 1); !s)
                return s;
        }
        out += '}';
        return {};
    }

    size_t m_limit;
};

// ---- JSON to YAML ----------------------------------------------------------

bool needsQuotes(std::string_view s)
{
    if (s.empty())
        return true;
    // A line break (\n, \r) or another control character is not kept by a
    // plain scalar (a CR folds like a line break): double quotes escape it.
    if (std::any_of(s.begin(), s.end(),
                    [](char c) { return (unsigned char)c < 0x20 || c == 0x7f; }))
        return true;
    return resolvePlain(s).kind != ScalarKind::String;
}

// Whether `s` reads back unchanged from a literal block scalar as yaml-cpp
// writes it: "|" without indentation or chomping indicators. That needs one
// final line break (clip chomping), no leading space on the first non-empty
// line (it would be taken for indentation), and no tab or CR.
bool fitsLiteralBlock(std::string_view s)
{
    if (s.size() < 2 || s.back() != '\n' || s[s.size() - 2] == '\n')
        return false;
    return s[s.find_first_not_of('\n')] != ' ' && s.find_first_of("\t\r") == s.npos;
}

void emit(YAML::Emitter &e, dom::element el)
{
    switch (el.type()) {
    case dom::element_type::OBJECT: {
        dom::object obj = el.get_object().value_unsafe();
        if (obj.size() == 0) {
            e << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            return;
        }
        e << YAML::BeginMap;
        for (auto [key, value] : obj) {
            e << YAML::Key;
            if (needsQuotes(key))
                e << YAML::DoubleQuoted;
            e << std::string(key) << YAML::Value;
            emit(e, value);
        }
        e << YAML::EndMap;
        return;
    }
    case dom::element_type::ARRAY: {
        dom::array arr = el.get_array().value_unsafe();
        if (arr.size() == 0) {
            e << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            return;
        }
        e << YAML::BeginSeq;
        for (dom::element item : arr)
            emit(e, item);
        e << YAML::EndSeq;
        return;
    }
    case dom::element_type::STRING: {
        std::string_view s = el.get_string().value_unsafe();
        if (fitsLiteralBlock(s))
            e << YAML::Literal;
        else if (needsQuotes(s))
            e << YAML::DoubleQuoted;
        e << std::string(s);
        return;
    }
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
        e << simdjson::minify(el);
        return;
    case dom::element_type::BOOL:
        e << (el.get_bool().value_unsafe() ? "true" : "false");
        return;
    case dom::element_type::NULL_VALUE:
        e << YAML::Null;
        return;
    }
}

// Ignores the events of a document; remembers where it started.
class DocumentWalker final : public YAML::EventHandler
{
public:
    void OnDocumentStart(const YAML::Mark &mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark &, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark &, const std::string &, YAML::anchor_t,
                  const std::string &) override
    {}
    void OnSequenceStart(const YAML::Mark &, const std::string &, YAML::anchor_t,
                         YAML::EmitterStyle::value) override
    {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark &, const std::string &, YAML::anchor_t,
                    YAML::EmitterStyle::value) override
    {}
    void OnMapEnd() override {}

    YAML::Mark start;
};

// yaml-cpp 0.7's LoadAll loops forever, allocating, when its parser reports a
// document without consuming any input (a stream that starts with ",";
// yaml-cpp issue #1040, fixed after 0.8). Walks the documents first (without
// building them) and refuses such a stream. May throw YAML::Exception.
Status checkDocumentsAdvance(const std::string &text)
{
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentWalker walker;
    int last = -1;
    while (parser.HandleNextDocument(walker)) {
        if (walker.start.pos <= last)
            return yamlError(walker.start, "unexpected token");
        last = walker.start.pos;
    }
    return {};
}

// Offset of the first character of valid UTF-8 `s` outside YAML's printable
// set (tab, LF, CR, U+0020-U+007E, U+0085, U+00A0-U+D7FF, U+E000-U+FFFD,
// U+10000 and up), or npos.
size_t firstNonPrintable(std::string_view s)
{
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                return i;
            continue;
        }
        // Lead bytes of the excluded ranges; valid UTF-8 has their
        // continuation bytes.
        const auto next = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
        if (c == 0xc2 && next(1) < 0xa0 && next(1) != 0x85)
            return i; // C1 controls other than NEL
        if (c == 0xef && next(1) == 0xbf && (next(2) & 0xfe) == 0xbe)
            return i; // U+FFFE, U+FFFF
    }
    return s.npos;
}

} // namespace

Result<std::vector<std::string>> YamlCodec::toJsonDocuments(std::string_view yaml)
{
    // yaml-cpp passes invalid UTF-8 through; YAML (and Go's parser) refuse it.
    if (!isValidUtf8(yaml)) {
        size_t line = 1;
        size_t bad = 0;
        while (bad < yaml.size()) {
            const size_t n = static_cast<unsigned char>(yaml[bad]) < 0x80
                                 ? 1
                                 : validUtf8SequenceLength(yaml.substr(bad));
            if (n == 0)
                break;
            line += yaml[bad] == '\n';
            bad += n;
        }
        return Status::invalidArgument("invalid YAML at line " + std::to_string(line) +
                                       ": the input is not valid UTF-8");
    }
    // YAML streams hold only printable characters (YAML 1.2 c-printable), and
    // Go's reader refuses the rest ("control characters are not allowed");
    // yaml-cpp 0.7 does not check.
    if (const size_t bad = firstNonPrintable(yaml); bad != yaml.npos)
        return Status::invalidArgument(
            "invalid YAML at line " +
            std::to_string(1 + std::count(yaml.begin(), yaml.begin() + ptrdiff_t(bad), '\n')) +
            ": control characters are not allowed");
    std::vector<YAML::Node> docs;
    try {
        const std::string text(yaml);
        if (Status s = checkDocumentsAdvance(text); !s)
            return s;
        docs = YAML::LoadAll(text);
    } catch (const YAML::DeepRecursion &e) {
        return yamlError(e.mark, "nesting too deep");
    } catch (const YAML::Exception &e) {
        return yamlError(e.mark, e.msg);
    } catch (const std::exception &e) {
        return yamlError(YAML::Mark::null_mark(), e.what());
    }
    // Aliases can make a small document expand enormously; allow what a
    // reasonable manifest needs and refuse the rest.
    const size_t limit = std::max<size_t>(1 << 20, yaml.size() * 8);
    std::vector<std::string> out;
    try {
        for (const YAML::Node &doc : docs) {
            if (doc.IsNull() || !doc.IsDefined())
                continue;
            std::string json;
            ToJson convert(limit);
            if (Status s = convert.node(doc, json, 0); !s)
                return s;
            out.push_back(std::move(json));
        }
    } catch (const YAML::Exception &e) {
        return yamlError(e.mark, e.msg);
    }
    return out;
}

Result<std::string> YamlCodec::toJson(std::string_view yaml)
{
    Result<std::vector<std::string>> docs = toJsonDocuments(yaml);
    if (!docs)
        return docs.status();
    if (docs->empty())
        return Status::invalidArgument("the YAML document is empty");
    if (docs->size() > 1)
        return Status::invalidArgument("expected one YAML document, got " +
                                       std::to_string(docs->size()));
    return std::move(docs->front());
}

Status YamlCodec::decode(std::string_view yaml, google::protobuf::Message *out,
                         const JsonDecodeOptions &options, TypeMeta *typeMeta,
                         JsonDecodeReport *report)
{
    Result<std::string> json = toJson(yaml);
    if (!json)
        return json.status();
    return JsonCodec::decode(*json, out, options, typeMeta, report);
}

std::string YamlCodec::encode(const google::protobuf::Message &message,
                              const JsonEncodeOptions &options)
{
    Result<std::string> yaml = fromJson(JsonCodec::encode(message, options));
    return yaml ? std::move(*yaml) : std::string();
}

Result<std::string> YamlCodec::fromJson(std::string_view json)
{
    dom::parser parser;
    dom::element root;
    if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS)
        return Status::invalidArgument("invalid JSON");
    YAML::Emitter e;
    e.SetIndent(2);
    e.SetSeqFormat(YAML::Block);
    e.SetMapFormat(YAML::Block);
    emit(e, root);
    if (!e.good())
        return Status::internal("YAML emitter: " + e.GetLastError());
    std::string out = e.c_str();
    out += '\n';
    return out;
}

} // namespace kubist::api
