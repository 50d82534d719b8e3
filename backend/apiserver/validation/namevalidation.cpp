#include "namevalidation.h"

#include <arpa/inet.h>

#include <cstring>

namespace kubist::apiserver::names {

namespace {

bool isLowerAlnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool isAlnum(char c)
{
    return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool matchesDns1123Label(std::string_view v)
{
    if (v.empty() || !isLowerAlnum(v.front()) || !isLowerAlnum(v.back()))
        return false;
    for (char c : v)
        if (!isLowerAlnum(c) && c != '-')
            return false;
    return true;
}

bool matchesDns1123Subdomain(std::string_view v)
{
    size_t start = 0;
    while (true) {
        const size_t dot = v.find('.', start);
        const std::string_view part =
            v.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (!matchesDns1123Label(part))
            return false;
        if (dot == std::string_view::npos)
            return true;
        start = dot + 1;
    }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool matchesLabelKeyName(std::string_view v)
{
    if (v.empty() || !isAlnum(v.front()) || !isAlnum(v.back()))
        return false;
    for (char c : v)
        if (!isAlnum(c) && c != '-' && c != '_' && c != '.')
            return false;
    return true;
}

std::vector<std::string> prefixed(std::vector<std::string> msgs, std::string_view prefix)
{
    for (std::string &m : msgs)
        m.insert(0, prefix);
    return msgs;
}

std::vector<std::string> chDirPrefix(std::string_view value)
{
    if (value == ".")
        return {"must not be '.'"};
    if (value == "..")
        return {"must not be '..'"};
    if (value.substr(0, 2) == "..")
        return {"must not start with '..'"};
    return {};
}

const char *kDns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const char *kDns1123SubdomainFmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const char *kLabelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const char *kLabelKeyErr = "must consist of alphanumeric characters, '-', '_' or '.', and must "
                           "start and end with an alphanumeric character";

} // namespace

std::string regexError(std::string_view msg, std::string_view fmt,
                       const std::vector<std::string> &examples)
{
    std::string out(msg);
    if (examples.empty())
        return out + " (regex used for validation is '" + std::string(fmt) + "')";
    out += " (e.g. ";
    for (size_t i = 0; i < examples.size(); ++i) {
        if (i > 0)
            out += " or ";
        out += "'" + examples[i] + "', ";
    }
    return out + "regex used for validation is '" + std::string(fmt) + "')";
}

std::string maxLenError(size_t length)
{
    return "must be no more than " + std::to_string(length) + " characters";
}

std::string inclusiveRangeError(long long lo, long long hi)
{
    return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", inclusive";
}

std::vector<std::string> isDns1123Label(std::string_view value)
{
    std::vector<std::string> errs;
    if (value.size() > kDns1123LabelMaxLength)
        errs.push_back(maxLenError(kDns1123LabelMaxLength));
    if (!matchesDns1123Label(value)) {
        if (matchesDns1123Subdomain(value))
            errs.emplace_back("must not contain dots");
        else
            errs.push_back(regexError("a lowercase RFC 1123 label must consist of lower case "
                                      "alphanumeric characters or '-', and must start and end "
                                      "with an alphanumeric character",
                                      kDns1123LabelFmt, {"my-name", "123-abc"}));
    }
    return errs;
}

std::vector<std::string> isDns1123Subdomain(std::string_view value)
{
    std::vector<std::string> errs;
    if (value.size() > kDns1123SubdomainMaxLength)
        errs.push_back(maxLenError(kDns1123SubdomainMaxLength));
    if (!matchesDns1123Subdomain(value))
        errs.push_back(regexError("a lowercase RFC 1123 subdomain must consist of lower case "
                                  "alphanumeric characters, '-' or '.', and must start and end "
                                  "with an alphanumeric character",
                                  kDns1123SubdomainFmt, {"example.com"}));
    return errs;
}

std::vector<std::string> isDns1035Label(std::string_view value)
{
    std::vector<std::string> errs;
    if (value.size() > kDns1123LabelMaxLength)
        errs.push_back(maxLenError(kDns1123LabelMaxLength));
    const bool ok = !value.empty() && value.front() >= 'a' && value.front() <= 'z' &&
                    matchesDns1123Label(value);
    if (!ok)
        errs.push_back(regexError("a DNS-1035 label must consist of lower case alphanumeric "
                                  "characters or '-', start with an alphabetic character, and "
                                  "end with an alphanumeric character",
                                  "[a-z]([-a-z0-9]*[a-z0-9])?", {"my-name", "abc-123"}));
    return errs;
}

std::vector<std::string> isQualifiedName(std::string_view value)
{
    std::vector<std::string> errs;
    std::string_view name = value;
    const size_t slash = value.find('/');
    if (slash != std::string_view::npos) {
        if (value.find('/', slash + 1) != std::string_view::npos)
            return {"a valid label key " +
                    regexError(kLabelKeyErr, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}) +
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"};
        const std::string_view prefix = value.substr(0, slash);
        name = value.substr(slash + 1);
        if (prefix.empty()) {
            errs.emplace_back("prefix part must be non-empty");
        } else {
            for (std::string &m : prefixed(isDns1123Subdomain(prefix), "prefix part "))
                errs.push_back(std::move(m));
        }
    }
    if (name.empty())
        errs.emplace_back("name part must be non-empty");
    else if (name.size() > 63)
        errs.push_back("name part " + maxLenError(63));
    if (!matchesLabelKeyName(name))
        errs.push_back("name part " +
                       regexError(kLabelKeyErr, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}));
    return errs;
}

std::vector<std::string> isLabelValue(std::string_view value)
{
    std::vector<std::string> errs;
    if (value.size() > kLabelValueMaxLength)
        errs.push_back(maxLenError(kLabelValueMaxLength));
    if (!value.empty() && !matchesLabelKeyName(value))
        errs.push_back(regexError("a valid label must be an empty string or consist of "
                                  "alphanumeric characters, '-', '_' or '.', and must start and "
                                  "end with an alphanumeric character",
                                  "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?",
                                  {"MyValue", "my_value", "12345"}));
    return errs;
}

std::vector<std::string> isConfigMapKey(std::string_view value)
{
    std::vector<std::string> errs;
    if (value.size() > kDns1123SubdomainMaxLength)
        errs.push_back(maxLenError(kDns1123SubdomainMaxLength));
    bool ok = !value.empty();
    for (char c : value)
        if (!isAlnum(c) && c != '-' && c != '_' && c != '.')
            ok = false;
    if (!ok)
        errs.push_back(regexError("a valid config key must consist of alphanumeric characters, "
                                  "'-', '_' or '.'",
                                  "[-._a-zA-Z0-9]+", {"key.name", "KEY_NAME", "key-name"}));
    for (std::string &m : chDirPrefix(value))
        errs.push_back(std::move(m));
    return errs;
}

std::vector<std::string> isEnvVarName(std::string_view value)
{
    std::vector<std::string> errs;
    if (value.empty())
        errs.emplace_back("environment variable name must be non-empty");
    for (unsigned char c : value) {
        if (c > 0x7e || c < 0x20 || c == '=') {
            errs.emplace_back("a valid environment variable name must consist only of printable "
                              "ASCII characters other than '='");
            break;
        }
    }
    return errs;
}

std::vector<std::string> isValidPortName(std::string_view port)
{
    std::vector<std::string> errs;
    if (port.size() > 15)
        errs.push_back(maxLenError(15));
    bool charset = !port.empty();
    bool letter = false;
    for (char c : port) {
        if (!isLowerAlnum(c) && c != '-')
            charset = false;
        if (c >= 'a' && c <= 'z')
            letter = true;
    }
    if (!charset)
        errs.emplace_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    if (!letter)
        errs.emplace_back("must contain at least one letter (a-z)");
    if (port.find("--") != std::string_view::npos)
        errs.emplace_back("must not contain consecutive hyphens");
    if (!port.empty() && (port.front() == '-' || port.back() == '-'))
        errs.emplace_back("must not begin or end with a hyphen");
    return errs;
}

std::vector<std::string> isValidPortNum(long long port)
{
    if (port >= 1 && port <= 65535)
        return {};
    return {inclusiveRangeError(1, 65535)};
}

std::vector<std::string> isValidPercent(std::string_view value)
{
    bool ok = value.size() >= 2 && value.back() == '%';
    for (size_t i = 0; ok && i + 1 < value.size(); ++i)
        ok = value[i] >= '0' && value[i] <= '9';
    if (ok)
        return {};
    return {regexError("a valid percent string must be a numeric string followed by an ending "
                       "'%'",
                       "[0-9]+%", {"1%", "93%"})};
}

std::vector<std::string> isHttpHeaderName(std::string_view value)
{
    bool ok = !value.empty();
    for (char c : value)
        if (!isAlnum(c) && c != '-')
            ok = false;
    if (ok)
        return {};
    return {regexError("a valid HTTP header must consist of alphanumeric characters or '-'",
                       "[-A-Za-z0-9]+", {"X-Header-Name"})};
}

std::vector<std::string> isConditionReason(std::string_view value)
{
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    bool ok =
        !value.empty() && alpha(value.front()) && (isAlnum(value.back()) || value.back() == '_');
    for (char c : value)
        if (!isAlnum(c) && c != '_' && c != ',' && c != ':')
            ok = false;
    if (ok)
        return {};
    return {regexError("a condition reason must start with alphabetic character, optionally "
                       "followed by a string of alphanumeric characters or '_,:', and must end "
                       "with an alphanumeric character or '_'",
                       "[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?",
                       {"my_name", "MY_NAME", "MyName", "ReasonA,ReasonB", "ReasonA:ReasonB"})};
}

std::vector<std::string> validateName(NameRule rule, std::string_view name, bool prefix)
{
    std::string n(name);
    if (prefix && !n.empty() && n.back() == '-')
        n.back() = 'a';
    switch (rule) {
    case NameRule::Dns1123Label:
        return isDns1123Label(n);
    case NameRule::Dns1035Label:
        return isDns1035Label(n);
    case NameRule::PathSegment: {
        if (prefix)
            n = std::string(name);
        std::vector<std::string> errs;
        if (n == "." || n == "..")
            errs.push_back("may not be '" + n + "'");
        if (n.find('/') != std::string::npos)
            errs.emplace_back("may not contain '/'");
        if (n.find('%') != std::string::npos)
            errs.emplace_back("may not contain '%'");
        return errs;
    }
    case NameRule::Dns1123Subdomain:
        break;
    }
    return isDns1123Subdomain(n);
}

bool parseIp(std::string_view value, unsigned char out[16], bool *isV4)
{
    if (value.empty() || value.size() > 45)
        return false;
    const std::string s(value);
    unsigned char v4[4];
    if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
        std::memset(out, 0, 16);
        out[10] = out[11] = 0xff;
        std::memcpy(out + 12, v4, 4);
        *isV4 = true;
        return true;
    }
    if (inet_pton(AF_INET6, s.c_str(), out) == 1) {
        *isV4 = false;
        return true;
    }
    return false;
}

std::vector<std::string> isValidIp(std::string_view value)
{
    unsigned char ip[16];
    bool v4 = false;
    if (parseIp(value, ip, &v4))
        return {};
    return {"must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"};
}

std::vector<std::string> isValidIpv4(std::string_view value)
{
    unsigned char ip[16];
    bool v4 = false;
    if (parseIp(value, ip, &v4) && v4)
        return {};
    return {"must be a valid IPv4 address"};
}

std::vector<std::string> isValidIpv6(std::string_view value)
{
    unsigned char ip[16];
    bool v4 = false;
    if (parseIp(value, ip, &v4) && !v4)
        return {};
    return {"must be a valid IPv6 address"};
}

std::vector<std::string> isValidCidr(std::string_view value)
{
    const std::vector<std::string> bad{
        "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"};
    const size_t slash = value.find('/');
    if (slash == std::string_view::npos)
        return bad;
    unsigned char ip[16];
    bool v4 = false;
    if (!parseIp(value.substr(0, slash), ip, &v4))
        return bad;
    const std::string_view bits = value.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 || (bits.size() > 1 && bits.front() == '0'))
        return bad;
    int n = 0;
    for (char c : bits) {
        if (c < '0' || c > '9')
            return bad;
        n = n * 10 + (c - '0');
    }
    if (n > (v4 ? 32 : 128))
        return bad;
    return {};
}

std::vector<std::string> isNonSpecialIp(std::string_view value)
{
    unsigned char ip[16];
    bool v4 = false;
    if (!parseIp(value, ip, &v4))
        return {"must be a valid IP address"};
    std::vector<std::string> errs;
    if (v4) {
        const unsigned char *a = ip + 12;
        if (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0)
            errs.push_back("may not be unspecified (" + std::string(value) + ")");
        if (a[0] == 127)
            errs.emplace_back("may not be in the loopback range (127.0.0.0/8, ::1/128)");
        if (a[0] == 169 && a[1] == 254)
            errs.emplace_back("may not be in the link-local range (169.254.0.0/16, fe80::/10)");
        if (a[0] == 224 && a[1] == 0 && a[2] == 0)
            errs.emplace_back(
                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
        return errs;
    }
    bool zero = true;
    for (int i = 0; i < 15; ++i)
        zero = zero && ip[i] == 0;
    if (zero && ip[15] == 0)
        errs.push_back("may not be unspecified (" + std::string(value) + ")");
    if (zero && ip[15] == 1)
        errs.emplace_back("may not be in the loopback range (127.0.0.0/8, ::1/128)");
    if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80)
        errs.emplace_back("may not be in the link-local range (169.254.0.0/16, fe80::/10)");
    if (ip[0] == 0xff && (ip[1] & 0x0f) == 0x02)
        errs.emplace_back("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
    return errs;
}

} // namespace kubist::apiserver::names
