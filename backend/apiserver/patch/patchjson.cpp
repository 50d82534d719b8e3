#include "backend/apiserver/patch/patchjson.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

namespace kubist::apiserver::patchjson {

void fail(Status::Code code, const std::string &message)
{
    throw PatchError(code, message);
}

namespace {

// Deepest bracket nesting of JSON text, skipping strings. Malformed text is
// left to the parser to report.
size_t textDepth(std::string_view text, size_t stopAbove)
{
    size_t depth = 0;
    size_t deepest = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > deepest) {
                deepest = depth;
                if (deepest > stopAbove)
                    return deepest;
            }
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

std::string goFloat(double d)
{
    // Go's %v for float64 is strconv 'g' with the shortest precision that
    // round-trips, exponent when < 1e-4 or >= 1e21.
    if (std::isnan(d))
        return "NaN";
    if (std::isinf(d))
        return d > 0 ? "+Inf" : "-Inf";
    char buf[64];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, d);
        if (std::strtod(buf, nullptr) == d)
            break;
    }
    std::string s = buf;
    const double a = std::fabs(d);
    if (a != 0 && (a < 1e-4 || a >= 1e21)) {
        // "1e+21" already; C writes at least two exponent digits as Go does.
        return s;
    }
    // Plain notation for the range Go prints without an exponent.
    if (s.find('e') != std::string::npos) {
        std::snprintf(buf, sizeof buf, "%.17f", d);
        s = buf;
        while (!s.empty() && s.back() == '0')
            s.pop_back();
        if (!s.empty() && s.back() == '.')
            s.pop_back();
    }
    return s;
}

} // namespace

Result<Json> parse(std::string_view text, size_t maxDepth, std::string_view what)
{
    if (textDepth(text, maxDepth) > maxDepth)
        return Status::invalidArgument(std::string(what) + " is nested deeper than " +
                                       std::to_string(maxDepth) + " levels");
    try {
        Json value = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true);
        return value;
    } catch (const nlohmann::json::parse_error &e) {
        std::string message = e.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
        const size_t bracket = message.find("] ");
        if (bracket != std::string::npos)
            message = message.substr(bracket + 2);
        return Status::invalidArgument("invalid JSON in " + std::string(what) + ": " + message);
    } catch (const std::exception &e) {
        return Status::invalidArgument("invalid JSON in " + std::string(what) + ": " + e.what());
    }
}

size_t depthOf(const Json &value)
{
    size_t deepest = 0;
    std::vector<std::pair<const Json *, size_t>> stack{{&value, 0}};
    while (!stack.empty()) {
        auto [v, d] = stack.back();
        stack.pop_back();
        if (!v->is_structured())
            continue;
        const size_t inner = d + 1;
        if (inner > deepest)
            deepest = inner;
        for (const Json &child : *v)
            stack.emplace_back(&child, inner);
    }
    return deepest;
}

std::string dump(const Json &value)
{
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::string> finish(const Json &value, const PatchLimits &limits)
{
    if (depthOf(value) > limits.maxDepth)
        return Status::resourceExhausted("the patched object is nested deeper than " +
                                         std::to_string(limits.maxDepth) + " levels");
    std::string out = dump(value);
    if (out.size() > limits.maxResultBytes)
        return Status::resourceExhausted("the patched object is " + std::to_string(out.size()) +
                                         " bytes, more than the " +
                                         std::to_string(limits.maxResultBytes) + " allowed");
    return out;
}

std::string goValue(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
        return "<nil>";
    case Json::value_t::string:
        return value.get_ref<const std::string &>();
    case Json::value_t::boolean:
        return value.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
        return std::to_string(value.get<int64_t>());
    case Json::value_t::number_unsigned:
        return std::to_string(value.get<uint64_t>());
    case Json::value_t::number_float:
        return goFloat(value.get<double>());
    case Json::value_t::array: {
        std::string s = "[";
        bool first = true;
        for (const Json &e : value) {
            if (!first)
                s += ' ';
            first = false;
            s += goValue(e);
        }
        return s + "]";
    }
    case Json::value_t::object: {
        // Go prints map keys sorted.
        std::vector<std::pair<std::string, const Json *>> entries;
        for (auto it = value.begin(); it != value.end(); ++it)
            entries.emplace_back(it.key(), &it.value());
        std::sort(entries.begin(), entries.end(),
                  [](const auto &a, const auto &b) { return a.first < b.first; });
        std::string s = "map[";
        bool first = true;
        for (const auto &[k, v] : entries) {
            if (!first)
                s += ' ';
            first = false;
            s += k + ":" + goValue(*v);
        }
        return s + "]";
    }
    case Json::value_t::binary:
        break;
    }
    return "?";
}

std::string goType(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::object:
        return "map[string]interface {}";
    case Json::value_t::array:
        return "[]interface {}";
    case Json::value_t::string:
        return "string";
    case Json::value_t::boolean:
        return "bool";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
        return "int64";
    case Json::value_t::number_float:
        return "float64";
    default:
        return "<nil>";
    }
}

std::string identity(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::string:
        return "s" + value.get_ref<const std::string &>();
    case Json::value_t::number_integer:
        return "n" + std::to_string(value.get<int64_t>());
    case Json::value_t::number_unsigned:
        return "n" + std::to_string(value.get<uint64_t>());
    case Json::value_t::number_float: {
        const double d = value.get<double>();
        // Integral floats equal the integers Json compares them with.
        if (std::trunc(d) == d && std::fabs(d) < 9.2e18)
            return "n" + std::to_string(int64_t(d));
        return "f" + dump(value);
    }
    case Json::value_t::boolean:
        return value.get<bool>() ? "t" : "f";
    case Json::value_t::null:
        return "z";
    default:
        return "j" + dump(value);
    }
}

Kind kindOf(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::object:
        return Kind::Object;
    case Json::value_t::array:
        return Kind::Array;
    case Json::value_t::string:
        return Kind::String;
    case Json::value_t::boolean:
        return Kind::Bool;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return Kind::Number;
    default:
        return Kind::Null;
    }
}

} // namespace kubist::apiserver::patchjson
