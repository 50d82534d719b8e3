#pragma once

// The fuzz targets (tests/fuzz/fuzz_<name>.cpp) as plain functions, so that
// one file serves both as a libFuzzer binary (built with KUBIST_FUZZ_LIBFUZZER,
// where KUBIST_FUZZ_TARGET defines LLVMFuzzerTestOneInput) and as part of
// tst_fuzzcorpus, the unit test that replays the corpora through all of them.
//
// Contract of every target: it accepts any bytes, returns 0, and never
// crashes, hangs, leaks or trips a sanitizer; the code under test reports bad
// input as a kubist::Status. A target checks invariants of what the code
// under test returns (e.g. what decoded encodes and decodes again) with
// fuzz::require, which aborts, so that libFuzzer keeps the input as a crash.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

namespace kubist::fuzz {

using TargetFunction = int (*)(const uint8_t *data, size_t size);

int fuzzJson(const uint8_t *data, size_t size);
int fuzzYaml(const uint8_t *data, size_t size);
int fuzzProtobuf(const uint8_t *data, size_t size);
int fuzzStrategicMerge(const uint8_t *data, size_t size);
int fuzzJsonPatch(const uint8_t *data, size_t size);
int fuzzHttp(const uint8_t *data, size_t size);

// Aborts, printing `what` and `detail`, when `condition` is false.
inline void require(bool condition, const char *what, std::string_view detail = {})
{
    if (condition)
        return;
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    if (!detail.empty()) {
        std::fwrite(detail.data(), 1, detail.size(), stderr);
        std::fputc('\n', stderr);
    }
    std::abort();
}

inline std::string_view asText(const uint8_t *data, size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

// Splits a target's input into a selector byte (the first, 0 when empty) and
// the rest. The seeds use ASCII digits as selectors, so the values are
// counted from '0'.
inline std::pair<unsigned, std::string_view> splitSelector(std::string_view input)
{
    if (input.empty())
        return {0, input};
    return {unsigned(static_cast<unsigned char>(input.front()) - '0') & 0xffu, input.substr(1)};
}

// Splits "document NUL patch" at the first NUL; without one, the whole input
// is both.
inline std::pair<std::string_view, std::string_view> splitAtNul(std::string_view input)
{
    const size_t nul = input.find('\0');
    if (nul == std::string_view::npos)
        return {input, input};
    return {input.substr(0, nul), input.substr(nul + 1)};
}

} // namespace kubist::fuzz

#ifdef KUBIST_FUZZ_LIBFUZZER
#define KUBIST_FUZZ_TARGET(function)                                                               \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                        \
    {                                                                                              \
        return function(data, size);                                                               \
    }
#else
#define KUBIST_FUZZ_TARGET(function)
#endif
