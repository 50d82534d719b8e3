#include "backend/api/goduration.h"

#include <cstdint>
#include <limits>

namespace kubist::api {

namespace {

Status invalid(std::string_view text)
{
    return Status::invalidArgument("time: invalid duration \"" + std::string(text) + "\"");
}

// Nanoseconds per unit, or 0 when `unit` is not one.
uint64_t unitScale(std::string_view unit)
{
    if (unit == "ns")
        return 1;
    if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") // µ (micro sign, mu)
        return 1000;
    if (unit == "ms")
        return 1000000;
    if (unit == "s")
        return 1000000000;
    if (unit == "m")
        return 60ull * 1000000000;
    if (unit == "h")
        return 3600ull * 1000000000;
    return 0;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

} // namespace

Result<std::chrono::nanoseconds> parseGoDuration(std::string_view text)
{
    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s == "0")
        return std::chrono::nanoseconds(0);
    if (s.empty())
        return invalid(text);
    constexpr uint64_t kMax = uint64_t(std::numeric_limits<int64_t>::max());
    uint64_t total = 0;
    while (!s.empty()) {
        // The integer part.
        uint64_t whole = 0;
        size_t i = 0;
        bool overflow = false;
        while (i < s.size() && isDigit(s[i])) {
            if (whole > (kMax - uint64_t(s[i] - '0')) / 10)
                overflow = true;
            else
                whole = whole * 10 + uint64_t(s[i] - '0');
            ++i;
        }
        const bool haveWhole = i > 0;
        // The fraction.
        uint64_t fraction = 0;
        uint64_t fractionScale = 1;
        bool haveFraction = false;
        if (i < s.size() && s[i] == '.') {
            ++i;
            const size_t start = i;
            while (i < s.size() && isDigit(s[i])) {
                if (fractionScale < 1000000000000000000ull) {
                    fraction = fraction * 10 + uint64_t(s[i] - '0');
                    fractionScale *= 10;
                }
                ++i;
            }
            haveFraction = i > start;
        }
        if (!haveWhole && !haveFraction)
            return invalid(text);
        if (overflow)
            return invalid(text);
        // The unit.
        const size_t unitStart = i;
        while (i < s.size() && !isDigit(s[i]) && s[i] != '.')
            ++i;
        const std::string_view unit = s.substr(unitStart, i - unitStart);
        if (unit.empty())
            return Status::invalidArgument("time: missing unit in duration \"" + std::string(text) +
                                           "\"");
        const uint64_t scale = unitScale(unit);
        if (scale == 0)
            return Status::invalidArgument("time: unknown unit \"" + std::string(unit) +
                                           "\" in duration \"" + std::string(text) + "\"");
        if (whole > kMax / scale)
            return invalid(text);
        uint64_t part = whole * scale;
        if (fraction > 0) {
            const long double extra = (long double)fraction * (long double)scale / fractionScale;
            part += uint64_t(extra);
        }
        if (part > kMax || total > kMax - part)
            return invalid(text);
        total += part;
        s.remove_prefix(i);
    }
    const int64_t value = int64_t(total);
    return std::chrono::nanoseconds(negative ? -value : value);
}

std::string formatGoDuration(std::chrono::nanoseconds d)
{
    int64_t ns = d.count();
    if (ns == 0)
        return "0s";
    std::string sign = ns < 0 ? "-" : "";
    uint64_t u = ns < 0 ? uint64_t(0) - uint64_t(ns) : uint64_t(ns);
    const auto withFraction = [](uint64_t value, uint64_t scale, const char *unit) {
        std::string out = std::to_string(value / scale);
        uint64_t rest = value % scale;
        if (rest) {
            std::string digits = std::to_string(rest);
            std::string frac =
                std::string(std::to_string(scale).size() - 1 - digits.size(), '0') + digits;
            while (!frac.empty() && frac.back() == '0')
                frac.pop_back();
            out += "." + frac;
        }
        return out + unit;
    };
    if (u < 1000)
        return sign + std::to_string(u) + "ns";
    if (u < 1000000)
        return sign + withFraction(u, 1000, "\xC2\xB5s");
    if (u < 1000000000)
        return sign + withFraction(u, 1000000, "ms");
    std::string out;
    const uint64_t hours = u / (3600ull * 1000000000);
    u %= 3600ull * 1000000000;
    const uint64_t minutes = u / (60ull * 1000000000);
    u %= 60ull * 1000000000;
    if (hours)
        out += std::to_string(hours) + "h";
    if (hours || minutes)
        out += std::to_string(minutes) + "m";
    out += withFraction(u, 1000000000, "s");
    return sign + out;
}

} // namespace kubist::api
