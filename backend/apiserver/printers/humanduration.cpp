#include "backend/apiserver/printers/humanduration.h"

namespace kubist::apiserver::printers {

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;

std::string num(std::int64_t v, const char *unit)
{
    return std::to_string(v) + unit;
}

std::string two(std::int64_t a, const char *unitA, std::int64_t b, const char *unitB)
{
    return b == 0 ? num(a, unitA) : num(a, unitA) + num(b, unitB);
}

} // namespace

std::string humanDuration(std::int64_t nanos)
{
    // Integer division truncates toward zero, as Go's int(d.Seconds()) does.
    const std::int64_t seconds = nanos / kSecond;
    if (seconds < -1)
        return "<invalid>";
    if (seconds < 0)
        return "0s";
    if (seconds < 2 * 60)
        return num(seconds, "s");
    const std::int64_t minutes = nanos / kMinute;
    if (minutes < 10)
        return two(minutes, "m", seconds % 60, "s");
    if (minutes < 3 * 60)
        return num(minutes, "m");
    const std::int64_t hours = nanos / kHour;
    if (hours < 8)
        return two(hours, "h", minutes % 60, "m");
    if (hours < 48)
        return num(hours, "h");
    if (hours < 24 * 8)
        return two(hours / 24, "d", hours % 24, "h");
    if (hours < 24 * 365 * 2)
        return num(hours / 24, "d");
    if (hours < 24 * 365 * 8)
        return two(hours / 24 / 365, "y", (hours / 24) % 365, "d");
    return num(hours / 24 / 365, "y");
}

std::string shortHumanDuration(std::int64_t nanos)
{
    const std::int64_t seconds = nanos / kSecond;
    if (seconds < -1)
        return "<invalid>";
    if (seconds < 0)
        return "0s";
    if (seconds < 60)
        return num(seconds, "s");
    const std::int64_t minutes = nanos / kMinute;
    if (minutes < 60)
        return num(minutes, "m");
    const std::int64_t hours = nanos / kHour;
    if (hours < 24)
        return num(hours, "h");
    if (hours < 24 * 365)
        return num(hours / 24, "d");
    return num(hours / 24 / 365, "y");
}

} // namespace kubist::apiserver::printers
