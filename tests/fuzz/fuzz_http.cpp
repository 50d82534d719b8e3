// Fuzz target: parseHttpRequest, the strict HTTP/1.1 request reader.
//
// Input: the bytes a client sent. They are read with the server's limits and
// with tiny ones (64-byte head, 64-byte body). Invariants: errors carry the
// codes the header promises; an accepted request passed checkRequestHead,
// used no more bytes than it had, and its framing is unambiguous: with a
// Content-Length, the body is exactly that long and ends the request; with
// Transfer-Encoding, it is "chunked" and there is no Content-Length; a
// repeated Content-Length never gets through (it would be joined with ", ").

#include "fuzztarget.h"

#include "backend/apiserver/http/requestparser.h"

#include <cctype>
#include <charconv>

namespace kubist::fuzz {

namespace {

bool isChunked(std::string_view value)
{
    constexpr std::string_view kChunked = "chunked";
    if (value.size() != kChunked.size())
        return false;
    for (size_t i = 0; i < value.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) != kChunked[i])
            return false;
    return true;
}

void checkParse(std::string_view bytes, const apiserver::RequestLimits &limits)
{
    const Result<apiserver::ParsedRequest> parsed = apiserver::parseHttpRequest(bytes, limits);
    const size_t headEnd = apiserver::findHeadEnd(bytes);
    require(headEnd == std::string_view::npos || (headEnd > 0 && headEnd <= bytes.size()),
            "findHeadEnd is within the input");
    if (!parsed) {
        const Status::Code code = parsed.status().code();
        require(code == Status::Code::InvalidArgument || code == Status::Code::TooLarge,
                "HTTP error code", parsed.status().toString());
        return;
    }
    const apiserver::ParsedRequest &p = *parsed;
    require(headEnd != std::string_view::npos, "an accepted request has a whole head");
    require(apiserver::checkRequestHead(bytes.substr(0, headEnd), limits).isOk(),
            "an accepted request passed the head checks");
    require(p.consumed >= headEnd && p.consumed <= bytes.size(), "consumed is within the input");
    require(p.request.body.size() <= limits.maxBodyBytes, "the body is within the limit");
    require(!p.request.method.empty() && !p.request.target.empty(), "method and target are set");

    const auto header = [&](const char *name) {
        auto it = p.request.headers.find(name);
        return it == p.request.headers.end() ? std::string_view() : std::string_view(it->second);
    };
    const std::string_view contentLength = header("content-length");
    const std::string_view transferEncoding = header("transfer-encoding");
    require(contentLength.empty() || transferEncoding.empty(),
            "never both Content-Length and Transfer-Encoding");
    if (!contentLength.empty()) {
        size_t length = 0;
        const auto [end, error] = std::from_chars(
            contentLength.data(), contentLength.data() + contentLength.size(), length);
        require(error == std::errc() && end == contentLength.data() + contentLength.size(),
                "Content-Length is one decimal number", contentLength);
        require(p.request.body.size() == length && p.consumed == headEnd + length,
                "the body is exactly Content-Length bytes");
    }
    if (!transferEncoding.empty())
        require(isChunked(transferEncoding), "Transfer-Encoding is chunked", transferEncoding);
    if (contentLength.empty() && transferEncoding.empty())
        require(p.request.body.empty() && p.consumed == headEnd, "no framing, no body");
}

} // namespace

int fuzzHttp(const uint8_t *data, size_t size)
{
    const std::string_view bytes = asText(data, size);
    checkParse(bytes, {});
    checkParse(bytes, {.maxHeaderBytes = 64, .maxBodyBytes = 64});
    return 0;
}

} // namespace kubist::fuzz

KUBIST_FUZZ_TARGET(kubist::fuzz::fuzzHttp)
