#include "encoding.h"

namespace kubist::api {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64Value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool digits(std::string_view s, size_t pos, size_t n, int *out)
{
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

void appendPadded(std::string &out, int64_t v, int width)
{
    std::string s = std::to_string(v < 0 ? -v : v);
    if (v < 0)
        out += '-';
    for (int i = int(s.size()); i < width; ++i)
        out += '0';
    out += s;
}

} // namespace

void base64Encode(std::string_view in, std::string &out)
{
    out.reserve(out.size() + (in.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) |
                           uint8_t(in[i + 2]);
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i + 1 == in.size()) {
        const uint32_t v = uint32_t(uint8_t(in[i])) << 16;
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        const uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
}

bool base64Decode(std::string_view in, std::string &out)
{
    out.clear();
    out.reserve(in.size() / 4 * 3);
    uint32_t acc = 0;
    int n = 0;
    int padding = 0;
    for (char ch : in) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        if (padding)
            return false; // data after padding
        const int v = base64Value(c);
        if (v < 0)
            return false;
        acc = (acc << 6) | uint32_t(v);
        if (++n == 4) {
            out += char(acc >> 16);
            out += char((acc >> 8) & 0xFF);
            out += char(acc & 0xFF);
            acc = 0;
            n = 0;
        }
    }
    if (n == 0)
        return padding == 0;
    if (n == 1 || n + padding != 4)
        return false;
    if (n == 2) {
        if (acc & 0xF)
            return false;
        out += char(acc >> 4);
    } else {
        if (acc & 0x3)
            return false;
        out += char(acc >> 10);
        out += char((acc >> 2) & 0xFF);
    }
    return true;
}

std::string base64RawUrlEncode(std::string_view in)
{
    std::string out;
    base64Encode(in, out);
    while (!out.empty() && out.back() == '=')
        out.pop_back();
    for (char &c : out)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

bool base64RawUrlDecode(std::string_view in, std::string &out)
{
    std::string std(in);
    for (char &c : std) {
        if (c == '+' || c == '/')
            return false;
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    while (std.size() % 4)
        std += '=';
    return base64Decode(std, out);
}

bool parseRfc3339(std::string_view s, int64_t *seconds, int32_t *nanos)
{
    int year, month, day, hour, minute, second;
    if (!digits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, &month) ||
        s[7] != '-' || !digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s, 11, 2, &hour) || s[13] != ':' || !digits(s, 14, 2, &minute) || s[16] != ':' ||
        !digits(s, 17, 2, &second))
        return false;
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
        return false;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > kDays[month - 1] + (month == 2 && leap))
        return false;
    size_t pos = 19;
    int32_t ns = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t start = pos;
        int32_t scale = 100000000;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            ns += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start || pos - start > 9)
            return false;
    }
    int offset = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else {
        int oh, om;
        if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') ||
            !digits(s, pos + 1, 2, &oh) || s[pos + 3] != ':' || !digits(s, pos + 4, 2, &om) ||
            oh > 23 || om > 59)
            return false;
        offset = (oh * 60 + om) * 60 * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    }
    if (pos != s.size())
        return false;
    *seconds = daysFromCivil(year, unsigned(month), unsigned(day)) * 86400 + hour * 3600 +
               minute * 60 + second - offset;
    *nanos = ns;
    return true;
}

void formatRfc3339(int64_t seconds, int32_t nanos, bool micro, std::string &out)
{
    int64_t days = seconds / 86400;
    int64_t rem = seconds % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    int64_t y;
    unsigned m, d;
    civilFromDays(days, &y, &m, &d);
    appendPadded(out, y, 4);
    out += '-';
    appendPadded(out, m, 2);
    out += '-';
    appendPadded(out, d, 2);
    out += 'T';
    appendPadded(out, rem / 3600, 2);
    out += ':';
    appendPadded(out, rem / 60 % 60, 2);
    out += ':';
    appendPadded(out, rem % 60, 2);
    if (micro) {
        out += '.';
        appendPadded(out, (nanos < 0 ? 0 : nanos) / 1000, 6);
    }
    out += 'Z';
}

size_t validUtf8SequenceLength(std::string_view s)
{
    if (s.empty())
        return 0;
    const unsigned char c = static_cast<unsigned char>(s[0]);
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (s.size() < n)
        return 0;
    for (size_t i = 1; i < n; ++i) {
        const unsigned char cc = static_cast<unsigned char>(s[i]);
        if ((cc & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

bool isValidUtf8(std::string_view s)
{
    size_t i = 0;
    while (i < s.size()) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const size_t n = validUtf8SequenceLength(s.substr(i));
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

std::string_view trimSpace(std::string_view s)
{
    while (!s.empty() &&
           (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

} // namespace kubist::api
