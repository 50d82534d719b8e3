#include "requestparser.h"

#include "beastrequest.h"

#include <boost/asio/buffer.hpp>

#include <algorithm>

namespace kubist::apiserver {

namespace http = boost::beast::http;

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string percentDecode(std::string_view s, bool plusIsSpace)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
            out += char(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
            i += 2;
        } else if (plusIsSpace && s[i] == '+') {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

// RFC 9110 tchar.
bool isTokenChar(unsigned char c)
{
    if (std::isalnum(c))
        return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

bool isToken(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return isTokenChar(static_cast<unsigned char>(c));
    });
}

std::string_view trimOws(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

Status malformed(const std::string &why)
{
    return Status::invalidArgument("malformed HTTP request: " + why);
}

Status checkRequestLine(std::string_view line)
{
    const size_t sp1 = line.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return malformed("the request line is not METHOD TARGET HTTP-VERSION");
    const std::string_view method = line.substr(0, sp1);
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (!isToken(method))
        return malformed("invalid method");
    if (target.empty() || std::any_of(target.begin(), target.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u <= 0x20 || u == 0x7f;
        }))
        return malformed("invalid request target");
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return malformed("unsupported HTTP version");
    return {};
}

} // namespace

void setRequestTarget(HttpRequest &req, std::string_view target)
{
    const size_t q = target.find('?');
    req.path = percentDecode(target.substr(0, q), false);
    if (q == std::string_view::npos)
        return;
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
        const size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        const size_t eq = pair.find('=');
        if (!pair.empty())
            req.query.emplace(percentDecode(pair.substr(0, eq), true),
                              eq == std::string_view::npos
                                  ? std::string()
                                  : percentDecode(pair.substr(eq + 1), true));
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
}

std::string HttpRequest::param(const std::string &name) const
{
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
}

std::string HttpRequest::header(const std::string &lowerName) const
{
    auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

size_t findHeadEnd(std::string_view bytes)
{
    for (size_t i = bytes.find('\n'); i != std::string_view::npos; i = bytes.find('\n', i + 1)) {
        // The line ending at i is empty when the previous line ended just
        // before it ("\n\n" or "\n\r\n").
        if (i >= 1 && bytes[i - 1] == '\n')
            return i + 1;
        if (i >= 2 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n')
            return i + 1;
    }
    return std::string_view::npos;
}

Status checkRequestHead(std::string_view head, const RequestLimits &limits)
{
    if (head.size() > limits.maxHeaderBytes)
        return Status::tooLarge("the request header is too large (limit " +
                                std::to_string(limits.maxHeaderBytes) + " bytes)");
    int contentLengths = 0;
    int transferEncodings = 0;
    int hosts = 0;
    bool chunked = false;
    bool first = true;
    bool http10 = false;
    size_t pos = 0;
    while (pos < head.size()) {
        const size_t nl = head.find('\n', pos);
        if (nl == std::string_view::npos)
            return malformed("the header does not end with an empty line");
        if (nl == pos || head[nl - 1] != '\r')
            return malformed("a line ends with a bare LF (CRLF required)");
        const std::string_view line = head.substr(pos, nl - 1 - pos);
        pos = nl + 1;
        if (line.find('\r') != std::string_view::npos)
            return malformed("a bare CR inside a line");
        if (first) {
            if (Status s = checkRequestLine(line); !s)
                return s;
            http10 = line.substr(line.size() - 8) == "HTTP/1.0";
            first = false;
            continue;
        }
        if (line.empty()) {
            if (pos != head.size())
                return malformed("bytes after the end of the header");
            break;
        }
        if (line.front() == ' ' || line.front() == '\t')
            return malformed("a folded header line (obs-fold)");
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            return malformed("a header line without a colon");
        const std::string_view name = line.substr(0, colon);
        if (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
            return malformed("whitespace between a header name and its colon");
        if (!isToken(name))
            return malformed("an invalid header name");
        const std::string_view value = trimOws(line.substr(colon + 1));
        if (std::any_of(value.begin(), value.end(), [](char c) {
                const auto u = static_cast<unsigned char>(c);
                return (u < 0x20 && u != '\t') || u == 0x7f;
            }))
            return malformed("a control character in the value of " + std::string(name));
        if (iequals(name, "content-length")) {
            ++contentLengths;
            if (value.empty() || value.size() > 18 ||
                !std::all_of(value.begin(), value.end(),
                             [](char c) { return c >= '0' && c <= '9'; }))
                return malformed("an invalid Content-Length");
        } else if (iequals(name, "transfer-encoding")) {
            ++transferEncodings;
            chunked = iequals(value, "chunked");
        } else if (iequals(name, "host")) {
            ++hosts;
        }
    }
    if (first)
        return malformed("no request line");
    if (contentLengths > 1)
        return malformed("more than one Content-Length");
    if (transferEncodings > 0 && contentLengths > 0)
        return malformed("both Content-Length and Transfer-Encoding");
    if (transferEncodings > 1 || (transferEncodings == 1 && !chunked))
        return malformed("a Transfer-Encoding other than chunked");
    if (transferEncodings > 0 && http10)
        return malformed("Transfer-Encoding in an HTTP/1.0 request");
    if (hosts > 1 || (hosts == 0 && !http10))
        return malformed("an HTTP/1.1 request needs exactly one Host header");
    return {};
}

Result<ParsedRequest> parseHttpRequest(std::string_view bytes, const RequestLimits &limits)
{
    const size_t headEnd = findHeadEnd(bytes.substr(0, limits.maxHeaderBytes + 4));
    if (headEnd == std::string_view::npos)
        return bytes.size() > limits.maxHeaderBytes
                   ? Status::tooLarge("the request header is too large")
                   : malformed("incomplete request");
    if (Status s = checkRequestHead(bytes.substr(0, headEnd), limits); !s)
        return s;
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    parser.header_limit(std::uint32_t(std::min<size_t>(limits.maxHeaderBytes + 4, UINT32_MAX)));
    parser.body_limit(limits.maxBodyBytes);
    size_t used = 0;
    while (!parser.is_done()) {
        boost::beast::error_code ec;
        const std::string_view rest = bytes.substr(used);
        const size_t n = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
        used += n;
        if (ec == http::error::need_more || (!ec && n == 0))
            return malformed("incomplete request");
        if (ec == http::error::body_limit)
            return Status::tooLarge("the request body is too large (limit " +
                                    std::to_string(limits.maxBodyBytes) + " bytes)");
        if (ec)
            return malformed(ec.message());
    }
    ParsedRequest out;
    out.keepAlive = parser.get().keep_alive();
    out.request = toHttpRequest(parser.release());
    out.consumed = used;
    return out;
}

} // namespace kubist::apiserver
