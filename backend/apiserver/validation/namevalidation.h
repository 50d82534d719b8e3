#pragma once

#include <string>
#include <string_view>
#include <vector>

// Kubernetes' format rules (k8s.io/apimachinery/pkg/util/validation and
// api/validate/content) as free functions. Each returns the list of
// problems, worded as upstream words them, and an empty list when the value
// is valid. Pure functions, safe from any thread.
namespace kubist::apiserver::names {

inline constexpr size_t kDns1123LabelMaxLength = 63;
inline constexpr size_t kDns1123SubdomainMaxLength = 253;
inline constexpr size_t kLabelValueMaxLength = 63;

// "<msg> (e.g. 'a',  or 'b', regex used for validation is '<fmt>')", exactly as
// upstream's RegexError spaces it.
std::string regexError(std::string_view msg, std::string_view fmt,
                       const std::vector<std::string> &examples = {});
std::string maxLenError(size_t length); // "must be no more than N characters"
std::string inclusiveRangeError(long long lo,
                                long long hi); // "must be between lo and hi, inclusive"

std::vector<std::string> isDns1123Label(std::string_view value);
std::vector<std::string> isDns1123Subdomain(std::string_view value);
std::vector<std::string> isDns1035Label(std::string_view value);
// A label key / "qualified name": [prefix/]name.
std::vector<std::string> isQualifiedName(std::string_view value);
std::vector<std::string> isLabelValue(std::string_view value);
// A key of a ConfigMap's or Secret's data.
std::vector<std::string> isConfigMapKey(std::string_view value);
// Environment variable names, as the (now default) relaxed rule has them:
// printable ASCII other than '='.
std::vector<std::string> isEnvVarName(std::string_view value);
// An IANA service name (a named port).
std::vector<std::string> isValidPortName(std::string_view value);
std::vector<std::string> isValidPortNum(long long port);
std::vector<std::string> isValidPercent(std::string_view value);
std::vector<std::string> isHttpHeaderName(std::string_view value);
std::vector<std::string> isConditionReason(std::string_view value);

// Name rules of the kinds: the name (or, when `prefix`, a generateName whose
// trailing '-' is allowed).
// PathSegment is the generic rule every name meets (ValidatePathSegmentName).
enum class NameRule { Dns1123Subdomain, Dns1123Label, Dns1035Label, PathSegment };
std::vector<std::string> validateName(NameRule rule, std::string_view name, bool prefix);

// IP addresses and CIDRs in their canonical textual forms (IPv4 dotted quad
// without leading zeros, or IPv6).
bool parseIp(std::string_view value, unsigned char out[16], bool *isV4);
// "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)" etc.
std::vector<std::string> isValidIp(std::string_view value);
std::vector<std::string> isValidIpv4(std::string_view value);
std::vector<std::string> isValidIpv6(std::string_view value);
std::vector<std::string> isValidCidr(std::string_view value);
// For a valid IP: why it may not be an endpoint (unspecified, loopback,
// link-local, link-local multicast), else empty.
std::vector<std::string> isNonSpecialIp(std::string_view value);

} // namespace kubist::apiserver::names
