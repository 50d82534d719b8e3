#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace kubist {

// Logging for the control plane's parts: one line per message, with the
// part that says it ("scheduler", "kubelet/worker-1", ...).
//
// By default lines go to stderr (warnings and errors) and are dropped
// (info); setLogSink() sends every line elsewhere (the GUI's log panel, a
// test that checks a warning). Thread-safe.
enum class LogLevel { Info, Warning, Error };

void log(LogLevel level, std::string_view component, std::string_view message);
inline void logInfo(std::string_view component, std::string_view message)
{
    log(LogLevel::Info, component, message);
}
inline void logWarning(std::string_view component, std::string_view message)
{
    log(LogLevel::Warning, component, message);
}
inline void logError(std::string_view component, std::string_view message)
{
    log(LogLevel::Error, component, message);
}

using LogSink = std::function<void(LogLevel, std::string_view component, std::string_view message)>;
// Replaces the sink (empty: back to the default); returns the previous one.
LogSink setLogSink(LogSink sink);

} // namespace kubist
