#pragma once

#include "backend/util/status.h"

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kubist::api {

// Quantity is Kubernetes' resource.Quantity: an exact fixed-point number with
// a remembered output format ("500m", "1Gi", "12e6").
//
// Value: stored exactly as mantissa * 10^scale, the mantissa holding at most
// 38 decimal digits (an __int128). That covers everything Kubernetes sees in
// practice: every int64, every binary value up to the 2^63-1 cap, and decimal
// values of any magnitude with up to 38 significant digits ("1e100" is fine).
// Anything that would need more digits (a parse with > 38 significant digits
// above the nano place, or an add/sub whose aligned result does not fit) is
// reported as an error instead of being rounded silently. Upstream switches to
// arbitrary precision there; this is the one place we differ.
//
// Parsing follows upstream ParseQuantity: a finer value than 1n rounds up
// (away from zero) to the nano place, a binary-SI value is capped in magnitude
// at 2^63-1, and a binary-SI value strictly between -1 and 1 becomes DecimalSI.
//
// Comparison (==, <=>) is by value only; the format and the remembered input
// spelling are ignored. Instances are plain values: copyable, no shared state,
// safe to use from any thread as long as one instance is not mutated
// concurrently.
class Quantity final
{
public:
    enum class Format {
        DecimalExponent, // 12e6
        BinarySI,        // 12Mi (12 * 2^20)
        DecimalSI,       // 12M  (12 * 10^6)
    };

    // Zero, DecimalSI.
    Quantity() = default;

    // Parses upstream's grammar:
    //   [+-] digits [. digits] suffix, where either digit run may be empty,
    //   suffix one of Ki Mi Gi Ti Pi Ei | n u m "" k M G T P E | (e|E)[+-]digits.
    // No surrounding whitespace is accepted. Errors (InvalidArgument) carry
    // upstream's messages ("quantities must match the regular expression ...",
    // "unable to parse quantity's suffix") or, for our precision limit, a
    // message saying so.
    static Result<Quantity> parse(std::string_view text);

    // value, value / 1000 and value * 10^scale, in the given format
    // (upstream NewQuantity / NewMilliQuantity / NewScaledQuantity).
    static Quantity fromValue(std::int64_t value, Format format = Format::DecimalSI);
    static Quantity fromMilli(std::int64_t milli, Format format = Format::DecimalSI);
    static Quantity fromScaled(std::int64_t value, std::int32_t scale,
                               Format format = Format::DecimalSI);

    // What upstream Quantity.String() returns: the input text itself when
    // upstream's parser keeps it (its fast path for an input it deems
    // canonical, e.g. "100m", "1Ki", and also quirks such as "+1k" or "1E3"),
    // otherwise canonicalString(). Arithmetic drops the remembered input.
    std::string toString() const;

    // Upstream CanonicalizeBytes: zero is "0"; DecimalSI / DecimalExponent use
    // the largest exponent that is a multiple of 3 with an integer mantissa
    // ("1500m", "1k", "12e6"); DecimalSI past "E" falls back to "e21" notation;
    // BinarySI prints as n * 1024^k with k as large as possible ("1536Mi")
    // when the value is an integer with magnitude >= 1024, else as DecimalSI.
    // Binary suffixes stop at Ei ("1024Ei", where upstream would drop the
    // suffix). A binary value too large for our exact integer arithmetic
    // (past ~10^38) prints as DecimalSI.
    std::string canonicalString() const;

    Format format() const { return m_format; }
    void setFormat(Format format);

    bool isZero() const { return m_mantissa == 0; }
    // -1, 0 or 1.
    int sign() const;
    Quantity negated() const;

    // In-place add / subtract, like upstream Add / Sub: when this quantity is
    // zero it takes other's format. On error (the exact result needs more
    // than 38 significant digits) this quantity is left unchanged.
    [[nodiscard]] Status add(const Quantity &other);
    [[nodiscard]] Status sub(const Quantity &other);

    // ceil(value / 10^scale), rounding away from zero, as upstream
    // ScaledValue does on its int64 path: 9.01 -> 10, -9.01 -> -10. Where
    // upstream overflows silently, these saturate at the int64 limits.
    std::int64_t scaledValue(std::int32_t scale) const;
    std::int64_t value() const { return scaledValue(0); }
    std::int64_t milliValue() const { return scaledValue(-3); }

    // The value as an int64 when it is an integer that fits, else nullopt.
    std::optional<std::int64_t> asInt64() const;

    // Approximate, for display and heuristics only.
    double toDouble() const;

    bool operator==(const Quantity &other) const;
    std::strong_ordering operator<=>(const Quantity &other) const;

private:
    __extension__ typedef __int128 Int128;

    Quantity(Int128 mantissa, std::int32_t scale, Format format);
    void normalize();
    void clearText() { m_text.clear(); }
    Status addSigned(const Quantity &other, bool subtract);
    std::string decimalString(Format format) const;

    // Value is m_mantissa * 10^m_scale; normalized: no trailing zero digits in
    // m_mantissa, and m_scale == 0 when m_mantissa == 0. |m_mantissa| < 10^38.
    Int128 m_mantissa = 0;
    std::int32_t m_scale = 0;
    Format m_format = Format::DecimalSI;
    // The input text when upstream would print it verbatim; else empty.
    std::string m_text;
};

} // namespace kubist::api
