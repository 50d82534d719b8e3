#pragma once

#include "backend/apiserver/http/httpserver.h"
#include "backend/util/status.h"

#include <cstddef>
#include <string_view>

// Strict reading of HTTP/1.1 requests (RFC 9112), shared by HttpServer and
// the fuzz target. Boost.Beast parses; these checks come first and refuse
// what Beast tolerates but a proxy in front of the server might read
// differently (the ways requests are smuggled).
namespace kubist::apiserver {

struct RequestLimits
{
    size_t maxHeaderBytes = 256 * 1024;    // request line and fields
    size_t maxBodyBytes = 3 * 1024 * 1024; // Kubernetes' 3 MiB request limit
};

// Where the head (request line and fields) of the request at the start of
// `bytes` ends: the offset just past its empty line, or npos when `bytes`
// does not hold a whole head yet. A bare "\n\n" ends a head too, so that
// checkRequestHead can refuse it instead of waiting for bytes that never
// come.
size_t findHeadEnd(std::string_view bytes);

// Checks a whole head (as found by findHeadEnd). InvalidArgument, with a
// message for the 400 answer, when it has: a line not ended by CRLF (bare
// LF or CR), a field line folded onto the previous one (obs-fold), a field
// name that is empty, not a token, or followed by whitespace before the
// colon, a control character in a value, Content-Length together with
// Transfer-Encoding, more than one Content-Length (equal or not), a
// Content-Length that is not plain decimal digits, a Transfer-Encoding other
// than exactly "chunked", or a request line that is not METHOD SP TARGET SP
// HTTP/1.x. TooLarge when the head is over limits.maxHeaderBytes.
Status checkRequestHead(std::string_view head, const RequestLimits &limits = {});

// A request read whole from memory.
struct ParsedRequest
{
    HttpRequest request;
    bool keepAlive = true;
    size_t consumed = 0; // bytes of `bytes` the request used
};

// Parses the one request at the start of `bytes` (head and body, chunked or
// with Content-Length) with the checks above and Beast's own: malformed
// chunk sizes or extensions are InvalidArgument, a body over
// limits.maxBodyBytes is TooLarge, an incomplete request is InvalidArgument
// ("incomplete request"). Never throws; any input is safe.
Result<ParsedRequest> parseHttpRequest(std::string_view bytes, const RequestLimits &limits = {});

} // namespace kubist::apiserver
