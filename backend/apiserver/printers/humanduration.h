#pragma once

#include <cstdint>
#include <string>

namespace kubist::apiserver::printers {

// Upstream's duration.HumanDuration (k8s.io/apimachinery/pkg/util/duration):
// a succinct age with about two significant figures, as kubectl's AGE column
// shows it: "0s" .. "119s", "2m" .. "9m59s", "10m" .. "179m", "3h" .. "7h59m",
// "8h" .. "47h", "2d" .. "7d23h", "8d" .. "729d", "2y" .. "7y364d", "8y".
// `nanos` is the elapsed time in nanoseconds (a Go time.Duration). A duration
// down to -1.999s counts as "0s" (tolerated clock skew); anything more negative
// is "<invalid>". Pure function; thread-safe.
std::string humanDuration(std::int64_t nanos);

// Upstream's duration.ShortHumanDuration: one unit only ("5s", "3m", "4h",
// "12d", "2y"); same skew rule as humanDuration.
std::string shortHumanDuration(std::int64_t nanos);

} // namespace kubist::apiserver::printers
