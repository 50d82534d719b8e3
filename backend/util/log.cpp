#include "backend/util/log.h"

#include <cstdio>
#include <mutex>

namespace kubist {

namespace {

std::mutex &sinkMutex()
{
    static std::mutex m;
    return m;
}

LogSink &sink()
{
    static LogSink s;
    return s;
}

const char *levelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Info:
        return "info";
    case LogLevel::Warning:
        return "warning";
    case LogLevel::Error:
        return "error";
    }
    return "?";
}

} // namespace

void log(LogLevel level, std::string_view component, std::string_view message)
{
    std::lock_guard lock(sinkMutex());
    if (sink()) {
        sink()(level, component, message);
        return;
    }
    if (level == LogLevel::Info)
        return;
    std::fprintf(stderr, "kubist %s: %.*s: %.*s\n", levelName(level),
                 static_cast<int>(component.size()), component.data(),
                 static_cast<int>(message.size()), message.data());
}

LogSink setLogSink(LogSink newSink)
{
    std::lock_guard lock(sinkMutex());
    LogSink old = std::move(sink());
    sink() = std::move(newSink);
    return old;
}

} // namespace kubist
