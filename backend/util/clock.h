#pragma once

#include <atomic>
#include <chrono>

namespace kubist {

// Clock: where cluster time comes from. Nothing in the control plane reads
// the wall clock directly: it takes a Clock, so the GUI can pause and pace
// the cluster (SimClock) and tests step time by hand (FakeClock).
//
// now() is thread-safe in every implementation.
class Clock
{
public:
    using Time = std::chrono::system_clock::time_point;
    using Duration = std::chrono::system_clock::duration;

    virtual ~Clock() = default;
    virtual Time now() const = 0;

    // Seconds since the Unix epoch, as object timestamps store them.
    int64_t nowSeconds() const
    {
        return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    }
};

// The real time. One instance serves the whole program.
class SystemClock final : public Clock
{
public:
    Time now() const override { return std::chrono::system_clock::now(); }
    static SystemClock &instance()
    {
        static SystemClock clock;
        return clock;
    }
};

// Time that moves only when a test moves it.
class FakeClock final : public Clock
{
public:
    explicit FakeClock(Time start = Time(std::chrono::seconds(1767225600))) // 2026-01-01
        : m_now(start.time_since_epoch().count())
    {}
    Time now() const override { return Time(Duration(m_now.load())); }
    void advance(Duration d) { m_now += d.count(); }
    void set(Time t) { m_now = t.time_since_epoch().count(); }

private:
    std::atomic<Duration::rep> m_now;
};

} // namespace kubist
