#include "backend/api/quantity.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace kubist::api {

namespace {

__extension__ typedef __int128 I128;
__extension__ typedef unsigned __int128 U128;

constexpr std::string_view kFormatWrong = "quantities must match the regular expression "
                                          "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr std::string_view kSuffixWrong = "unable to parse quantity's suffix";
constexpr int kMaxDigits = 38;
constexpr std::int64_t kNanoScale = -9;
constexpr std::int64_t kBinaryCap = std::numeric_limits<std::int64_t>::max();

constexpr std::array<U128, kMaxDigits + 1> makePowersOfTen()
{
    std::array<U128, kMaxDigits + 1> powers{};
    U128 p = 1;
    for (auto &entry : powers) {
        entry = p;
        p *= 10;
    }
    return powers;
}
constexpr std::array<U128, kMaxDigits + 1> kPow10 = makePowersOfTen();
constexpr U128 kMaxMantissa = kPow10[kMaxDigits] - 1;

int digitCount(U128 v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        ++n;
    }
    return n;
}

std::string digitsOf(U128 v)
{
    std::string out;
    do {
        out.insert(out.begin(), char('0' + int(v % 10)));
        v /= 10;
    } while (v != 0);
    return out;
}

U128 magnitude(I128 v)
{
    return v < 0 ? U128(0) - U128(v) : U128(v);
}

// v * 10^n, or nullopt on overflow of U128.
std::optional<U128> mulPow10(U128 v, std::int64_t n)
{
    if (v == 0)
        return U128(0);
    if (n > kMaxDigits)
        return std::nullopt;
    U128 out;
    if (__builtin_mul_overflow(v, kPow10[size_t(n)], &out))
        return std::nullopt;
    return out;
}

// Removes trailing decimal zeros from v, adding them to scale.
void stripZeros(U128 &v, std::int64_t &scale)
{
    if (v == 0) {
        scale = 0;
        return;
    }
    while (v % 10 == 0) {
        v /= 10;
        ++scale;
    }
}

// Rounds v * 10^scale up (away from zero) to the nano place.
void roundUpToNano(U128 &v, std::int64_t &scale, bool sticky)
{
    if (scale < kNanoScale) {
        const std::int64_t drop = kNanoScale - scale;
        if (drop > kMaxDigits) {
            sticky = sticky || v != 0;
            v = 0;
        } else {
            sticky = sticky || v % kPow10[size_t(drop)] != 0;
            v /= kPow10[size_t(drop)];
        }
        scale = kNanoScale;
    }
    if (sticky)
        v += 1;
}

// Compares a * 10^sa with b * 10^sb (both magnitudes).
int compareMagnitude(U128 a, std::int64_t sa, U128 b, std::int64_t sb)
{
    if (a == 0 || b == 0)
        return int(a != 0) - int(b != 0);
    stripZeros(a, sa);
    stripZeros(b, sb);
    const std::int64_t ma = digitCount(a) + sa;
    const std::int64_t mb = digitCount(b) + sb;
    if (ma != mb)
        return ma < mb ? -1 : 1;
    if (sa > sb) {
        const auto aligned = mulPow10(a, sa - sb);
        if (!aligned)
            return 1;
        a = *aligned;
    } else if (sb > sa) {
        const auto aligned = mulPow10(b, sb - sa);
        if (!aligned)
            return -1;
        b = *aligned;
    }
    return a < b ? -1 : (a > b ? 1 : 0);
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Go's strconv.ParseInt(s, 10, 64) for the decimal-exponent suffix.
std::optional<std::int64_t> parseExponent(std::string_view s)
{
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty())
        return std::nullopt;
    U128 v = 0;
    for (char c : s) {
        if (!isDigit(c))
            return std::nullopt;
        v = v * 10 + U128(c - '0');
        if (v > U128(std::numeric_limits<std::int64_t>::max()) + 1)
            return std::nullopt;
    }
    if (!negative && v > U128(std::numeric_limits<std::int64_t>::max()))
        return std::nullopt;
    return negative ? std::int64_t(-I128(v)) : std::int64_t(v);
}

struct Suffix
{
    int base = 10; // 10 or 2
    std::int64_t exponent = 0;
    Quantity::Format format = Quantity::Format::DecimalSI;
};

std::optional<Suffix> interpretSuffix(std::string_view s)
{
    using F = Quantity::Format;
    static constexpr std::array<std::pair<std::string_view, int>, 10> decimal = {{
        {"n", -9},
        {"u", -6},
        {"m", -3},
        {"", 0},
        {"k", 3},
        {"M", 6},
        {"G", 9},
        {"T", 12},
        {"P", 15},
        {"E", 18},
    }};
    static constexpr std::array<std::pair<std::string_view, int>, 6> binary = {{
        {"Ki", 10},
        {"Mi", 20},
        {"Gi", 30},
        {"Ti", 40},
        {"Pi", 50},
        {"Ei", 60},
    }};
    for (const auto &[text, exp] : decimal) {
        if (s == text)
            return Suffix{10, exp, F::DecimalSI};
    }
    for (const auto &[text, exp] : binary) {
        if (s == text)
            return Suffix{2, exp, F::BinarySI};
    }
    if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
        if (const auto exp = parseExponent(s.substr(1)))
            return Suffix{10, *exp, F::DecimalExponent};
    }
    return std::nullopt;
}

// The pieces upstream's scanner extracts. num has its leading zeros removed
// and is "0" when nothing is left.
struct Scanned
{
    bool positive = true;
    std::string_view num;
    std::string_view denom;
    std::string_view suffix;
};

std::optional<Scanned> scan(std::string_view str)
{
    Scanned out;
    size_t pos = 0;
    const size_t end = str.size();
    if (pos < end && (str[0] == '-' || str[0] == '+')) {
        out.positive = str[0] == '+';
        ++pos;
    }
    while (pos < end && str[pos] == '0')
        ++pos;
    if (pos == end) {
        out.num = "0";
        return out;
    }
    const size_t numStart = pos;
    while (pos < end && isDigit(str[pos]))
        ++pos;
    out.num = pos == numStart ? std::string_view("0") : str.substr(numStart, pos - numStart);
    if (pos < end && str[pos] == '.') {
        const size_t denomStart = ++pos;
        while (pos < end && isDigit(str[pos]))
            ++pos;
        out.denom = str.substr(denomStart, pos - denomStart);
    }
    const size_t suffixStart = pos;
    while (pos < end && std::string_view("eEinumkKMGTP").find(str[pos]) != std::string_view::npos)
        ++pos;
    if (pos < end && (str[pos] == '-' || str[pos] == '+'))
        ++pos;
    while (pos < end && isDigit(str[pos]))
        ++pos;
    if (pos != end)
        return std::nullopt;
    out.suffix = str.substr(suffixStart);
    return out;
}

// Whether upstream's int64 fast path keeps the input text as its String().
bool upstreamKeepsText(const Scanned &s, const Suffix &suffix)
{
    if (suffix.base == 2) {
        const int precision =
            15 - int(s.num.size()) - int(float(suffix.exponent) * 3.0f / 10.0f) - 1;
        if (!s.denom.empty() || precision < 0)
            return false;
        const std::uint64_t value = std::stoull(std::string(s.num));
        return (value & 0x07) != 0;
    }
    const size_t length = s.num.size() + s.denom.size();
    if (length > 18)
        return false;
    const std::int64_t scale = suffix.exponent - std::int64_t(s.denom.size());
    if (scale < kNanoScale)
        return false;
    const std::string shifted = std::string(s.num) + std::string(s.denom);
    const bool endsInThousand = shifted.size() >= 3 && shifted.ends_with("000");
    return scale % 3 == 0 && !endsInThousand && shifted[0] != '0';
}

Status tooPrecise(std::string_view text)
{
    return Status::invalidArgument("quantity '" + std::string(text) + "' needs more than " +
                                   std::to_string(kMaxDigits) +
                                   " significant digits, which is not supported");
}

} // namespace

Quantity::Quantity(Int128 mantissa, std::int32_t scale, Format format)
    : m_mantissa(mantissa)
    , m_scale(scale)
    , m_format(format)
{
    normalize();
}

void Quantity::normalize()
{
    if (m_mantissa == 0) {
        m_scale = 0;
        return;
    }
    while (m_mantissa % 10 == 0 && m_scale < std::numeric_limits<std::int32_t>::max()) {
        m_mantissa /= 10;
        ++m_scale;
    }
}

Result<Quantity> Quantity::parse(std::string_view text)
{
    if (text.empty())
        return Status::invalidArgument(std::string(kFormatWrong));
    if (text == "0") {
        Quantity zero;
        zero.m_text = "0";
        return zero;
    }
    const auto scanned = scan(text);
    if (!scanned)
        return Status::invalidArgument(std::string(kFormatWrong));
    const auto suffix = interpretSuffix(scanned->suffix);
    if (!suffix)
        return Status::invalidArgument(std::string(kSuffixWrong));
    if (suffix->exponent < std::numeric_limits<std::int32_t>::min() ||
        suffix->exponent > std::numeric_limits<std::int32_t>::max())
        return Status::invalidArgument("quantity exponent out of range: " +
                                       std::string(scanned->suffix));

    // All digits, without leading zeros; the last one is worth 10^scale.
    std::string_view digits;
    std::string joined = std::string(scanned->num) + std::string(scanned->denom);
    digits = joined;
    while (!digits.empty() && digits.front() == '0')
        digits.remove_prefix(1);
    std::int64_t scale = -std::int64_t(scanned->denom.size());
    if (suffix->base == 10)
        scale += suffix->exponent;
    while (!digits.empty() && digits.back() == '0') {
        digits.remove_suffix(1);
        ++scale;
    }

    Format format = suffix->format;
    U128 mag = 0;
    bool capped = false;
    if (suffix->base == 10) {
        bool sticky = false;
        if (scale < kNanoScale) {
            // Digits below the nano place only decide whether to round up.
            const std::int64_t drop = kNanoScale - scale;
            const size_t keep = drop >= std::int64_t(digits.size()) ? 0 : digits.size() - drop;
            sticky = digits.substr(keep).find_first_not_of('0') != std::string_view::npos;
            digits = digits.substr(0, keep);
            scale = kNanoScale;
        }
        if (digits.size() > size_t(kMaxDigits))
            return tooPrecise(text);
        for (char c : digits)
            mag = mag * 10 + U128(c - '0');
        roundUpToNano(mag, scale, sticky);
    } else {
        const std::int64_t integerDigits = std::int64_t(digits.size()) + scale;
        if (!digits.empty() && integerDigits > 19) {
            capped = true; // >= 10^19 > 2^63-1 before the binary factor
        } else {
            if (digits.size() > size_t(kMaxDigits))
                return tooPrecise(text);
            U128 x = 0;
            for (char c : digits)
                x = x * 10 + U128(c - '0');
            const U128 factor = U128(1) << suffix->exponent;
            if (__builtin_mul_overflow(x, factor, &mag)) {
                // Too many fractional digits for an exact product; fine only
                // if the integer part alone already reaches the cap.
                const U128 integer =
                    scale >= 0 ? x : (-scale > kMaxDigits ? 0 : x / kPow10[size_t(-scale)]);
                if (compareMagnitude(integer * factor, 0, U128(kBinaryCap), 0) > 0)
                    capped = true;
                else
                    return tooPrecise(text);
            } else {
                roundUpToNano(mag, scale, false);
                if (compareMagnitude(mag, scale, U128(kBinaryCap), 0) > 0)
                    capped = true;
            }
        }
        if (capped) {
            mag = U128(kBinaryCap);
            scale = 0;
        } else if (mag != 0 && compareMagnitude(mag, scale, 1, 0) < 0) {
            format = Format::DecimalSI;
        }
    }

    stripZeros(mag, scale);
    if (mag > kMaxMantissa)
        return tooPrecise(text);
    if (scale < std::numeric_limits<std::int32_t>::min() ||
        scale > std::numeric_limits<std::int32_t>::max())
        return Status::invalidArgument("quantity exponent out of range: " + std::string(text));

    const I128 signedMag = scanned->positive ? I128(mag) : -I128(mag);
    Quantity q(signedMag, std::int32_t(scale), format);
    if (!capped && upstreamKeepsText(*scanned, *suffix))
        q.m_text = std::string(text);
    return q;
}

Quantity Quantity::fromValue(std::int64_t value, Format format)
{
    return Quantity(value, 0, format);
}

Quantity Quantity::fromMilli(std::int64_t milli, Format format)
{
    return Quantity(milli, -3, format);
}

Quantity Quantity::fromScaled(std::int64_t value, std::int32_t scale, Format format)
{
    return Quantity(value, scale, format);
}

void Quantity::setFormat(Format format)
{
    m_format = format;
    clearText();
}

int Quantity::sign() const
{
    return m_mantissa < 0 ? -1 : (m_mantissa > 0 ? 1 : 0);
}

Quantity Quantity::negated() const
{
    Quantity q = *this;
    q.m_mantissa = -q.m_mantissa;
    q.clearText();
    return q;
}

std::string Quantity::toString() const
{
    if (!m_text.empty())
        return m_text;
    return canonicalString();
}

std::string Quantity::decimalString(Format format) const
{
    const std::int64_t rem = ((std::int64_t(m_scale) % 3) + 3) % 3;
    const std::int64_t exponent = std::int64_t(m_scale) - rem;
    std::string out = m_mantissa < 0 ? "-" : "";
    out += digitsOf(magnitude(m_mantissa));
    out.append(size_t(rem), '0');
    if (format == Format::DecimalSI) {
        static constexpr std::array<std::string_view, 10> suffixes = {"n", "u", "m", "",  "k",
                                                                      "M", "G", "T", "P", "E"};
        if (exponent >= -9 && exponent <= 18) {
            out += suffixes[size_t((exponent + 9) / 3)];
            return out;
        }
        // No SI suffix past "E": use exponent notation rather than lose it.
    }
    if (exponent != 0)
        out += "e" + std::to_string(exponent);
    return out;
}

std::string Quantity::canonicalString() const
{
    if (isZero())
        return "0";
    if (m_format != Format::BinarySI)
        return decimalString(m_format);

    const U128 mag = magnitude(m_mantissa);
    if (m_scale < 0 || compareMagnitude(mag, m_scale, 1024, 0) < 0)
        return decimalString(Format::DecimalSI);
    const auto integer = mulPow10(mag, m_scale);
    if (!integer)
        return decimalString(Format::DecimalSI);
    static constexpr std::array<std::string_view, 7> suffixes = {"",   "Ki", "Mi", "Gi",
                                                                 "Ti", "Pi", "Ei"};
    U128 v = *integer;
    size_t power = 0;
    while (power + 1 < suffixes.size() && v % 1024 == 0) {
        v /= 1024;
        ++power;
    }
    return (m_mantissa < 0 ? "-" : "") + digitsOf(v) + std::string(suffixes[power]);
}

Status Quantity::addSigned(const Quantity &other, bool subtract)
{
    const Quantity rhs = subtract ? other.negated() : other;
    if (rhs.isZero()) {
        if (isZero())
            m_format = other.m_format;
        clearText();
        return Status::ok();
    }
    if (isZero()) {
        m_mantissa = rhs.m_mantissa;
        m_scale = rhs.m_scale;
        m_format = other.m_format;
        clearText();
        return Status::ok();
    }
    const std::int32_t target = std::min(m_scale, rhs.m_scale);
    const auto align = [&](const Quantity &q) -> std::optional<I128> {
        const auto mag = mulPow10(magnitude(q.m_mantissa), std::int64_t(q.m_scale) - target);
        if (!mag || *mag > U128(std::numeric_limits<I128>::max()))
            return std::nullopt;
        return q.m_mantissa < 0 ? -I128(*mag) : I128(*mag);
    };
    const auto a = align(*this);
    const auto b = align(rhs);
    I128 sum = 0;
    if (!a || !b || __builtin_add_overflow(*a, *b, &sum))
        return Status::invalidArgument("quantity arithmetic overflow: the exact result needs more "
                                       "than 38 significant digits");
    U128 mag = magnitude(sum);
    std::int64_t scale = target;
    stripZeros(mag, scale);
    if (mag > kMaxMantissa || scale > std::numeric_limits<std::int32_t>::max())
        return Status::invalidArgument("quantity arithmetic overflow: the exact result needs more "
                                       "than 38 significant digits");
    m_mantissa = sum < 0 ? -I128(mag) : I128(mag);
    m_scale = std::int32_t(scale);
    clearText();
    return Status::ok();
}

Status Quantity::add(const Quantity &other)
{
    return addSigned(other, false);
}

Status Quantity::sub(const Quantity &other)
{
    return addSigned(other, true);
}

std::int64_t Quantity::scaledValue(std::int32_t scale) const
{
    if (isZero())
        return 0;
    const bool negative = m_mantissa < 0;
    const std::int64_t limitPositive = std::numeric_limits<std::int64_t>::max();
    const std::int64_t saturated =
        negative ? std::numeric_limits<std::int64_t>::min() : limitPositive;
    const std::int64_t exponent = std::int64_t(m_scale) - scale;
    U128 mag = magnitude(m_mantissa);
    if (exponent >= 0) {
        const auto scaled = mulPow10(mag, exponent);
        if (!scaled)
            return saturated;
        mag = *scaled;
    } else {
        const std::int64_t drop = -exponent;
        if (drop > kMaxDigits) {
            mag = 1;
        } else {
            const bool fraction = mag % kPow10[size_t(drop)] != 0;
            mag = mag / kPow10[size_t(drop)] + (fraction ? 1 : 0);
        }
    }
    if (negative) {
        if (mag > U128(limitPositive) + 1)
            return saturated;
        return std::int64_t(-I128(mag));
    }
    if (mag > U128(limitPositive))
        return saturated;
    return std::int64_t(mag);
}

std::optional<std::int64_t> Quantity::asInt64() const
{
    if (m_scale < 0)
        return std::nullopt;
    const auto mag = mulPow10(magnitude(m_mantissa), m_scale);
    if (!mag)
        return std::nullopt;
    const U128 limit = U128(std::numeric_limits<std::int64_t>::max());
    if (m_mantissa < 0) {
        if (*mag > limit + 1)
            return std::nullopt;
        return std::int64_t(-I128(*mag));
    }
    if (*mag > limit)
        return std::nullopt;
    return std::int64_t(*mag);
}

double Quantity::toDouble() const
{
    return double(m_mantissa) * std::pow(10.0, double(m_scale));
}

bool Quantity::operator==(const Quantity &other) const
{
    // Both sides are normalized, so equal values have equal representations.
    return m_mantissa == other.m_mantissa && m_scale == other.m_scale;
}

std::strong_ordering Quantity::operator<=>(const Quantity &other) const
{
    const int a = sign();
    const int b = other.sign();
    if (a != b)
        return a <=> b;
    const int c = compareMagnitude(magnitude(m_mantissa), m_scale, magnitude(other.m_mantissa),
                                   other.m_scale);
    const int signedResult = a < 0 ? -c : c;
    return signedResult <=> 0;
}

} // namespace kubist::api
