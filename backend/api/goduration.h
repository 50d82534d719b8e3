#pragma once

#include "backend/util/status.h"

#include <chrono>
#include <string>
#include <string_view>

namespace kubist::api {

// Go's time.Duration text form, as Kubernetes' API uses it (metav1.Duration,
// kubist.io Fault's spec.duration): a sequence of decimal numbers, each
// with an optional fraction and a unit ("ns", "us", "µs", "ms", "s", "m",
// "h"), optionally signed: "30s", "1m30s", "1.5h", "250ms". "0" alone is
// zero. Pure functions.

// InvalidArgument with Go's wording (`time: invalid duration "x"`) for
// anything else, and for values beyond ±292 years.
Result<std::chrono::nanoseconds> parseGoDuration(std::string_view text);

// Go's String(): "1h2m3s", "1.5s", "250ms", "0s".
std::string formatGoDuration(std::chrono::nanoseconds d);

} // namespace kubist::api
