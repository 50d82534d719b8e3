#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Small text encodings the codecs share (and the API server: tokens,
// continue tokens, kubeconfigs).
namespace kubist::api {

// Standard base64 with padding (RFC 4648), as Go encodes []byte in JSON.
void base64Encode(std::string_view in, std::string &out);
// Returns false on malformed input. CR and LF are skipped, as Go does.
bool base64Decode(std::string_view in, std::string &out);
// The URL alphabet without padding (Go's base64.RawURLEncoding).
std::string base64RawUrlEncode(std::string_view in);
bool base64RawUrlDecode(std::string_view in, std::string &out);

// Parses RFC 3339 ("2006-01-02T15:04:05Z", optional fraction, Z or ±hh:mm)
// into Unix seconds and nanoseconds. Returns false when malformed.
bool parseRfc3339(std::string_view s, int64_t *seconds, int32_t *nanos);
// Appends the UTC time, with exactly six fraction digits when `micro`.
void formatRfc3339(int64_t seconds, int32_t nanos, bool micro, std::string &out);

// Length of the valid UTF-8 sequence at the start of `s`, 0 when invalid
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
size_t validUtf8SequenceLength(std::string_view s);
bool isValidUtf8(std::string_view s);

std::string_view trimSpace(std::string_view s);

} // namespace kubist::api
