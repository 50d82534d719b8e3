#pragma once

#include <chrono>
#include <string>

namespace kubist::client {

// How a client's link to its API server stands, for the GUI's connection
// indicator. Connecting: nothing answered yet; Connected: the last request
// or watch got an answer from the server (any HTTP status counts: the
// server is there); Disconnected: the last attempt could not reach it (a
// refused or dropped connection, a TLS failure, a timeout) — `since` is when
// it was first lost and `reason` says why (no secrets in it).
struct ConnectionState
{
    enum class Phase { Connecting, Connected, Disconnected };
    Phase phase = Phase::Connecting;
    std::chrono::system_clock::time_point since{}; // wall time of the last phase change
    std::string reason;                            // Disconnected: why
};

} // namespace kubist::client
