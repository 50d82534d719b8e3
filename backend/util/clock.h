#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace kubist {

class IdleTracker;
class PaceGate;
namespace detail {
class TimerQueue;
}

// Timer: a callback a Clock will call once. Destroying the handle cancels
// the timer.
//
// cancel() (and the destructor) guarantee that once they return the
// callback is not running and never runs afterwards: when the callback is
// running on another thread they wait for it, so do not cancel while
// holding a lock the callback takes. Both may be called from inside the
// callback itself (then they return at once and the callback simply
// finishes). Cancelling twice, or after the timer fired, does nothing. A
// handle may outlive its clock.
class Timer
{
public:
    virtual ~Timer() = default;
    virtual void cancel() = 0;
};

// Clock: where cluster time comes from. Nothing in the control plane reads
// the wall clock directly: it takes a Clock, so the GUI can pause and pace
// the cluster (SimClock) and tests step time by hand (FakeClock).
//
// Every function is thread-safe in every implementation.
class Clock
{
public:
    using Time = std::chrono::system_clock::time_point;
    using Duration = std::chrono::system_clock::duration;

    virtual ~Clock() = default;
    virtual Time now() const = 0;

    // Calls `callback` once, on a thread of this clock's, when this clock's
    // now() reaches now() + delay (delay <= 0: as soon as the clock gets to
    // it). Timers of one clock fire in due order (equal due times in
    // scheduling order), one at a time on the clock's timer thread, so a
    // callback must be short and must not wait for another timer of the same
    // clock. Timers still pending when the clock is destroyed never fire.
    // Const because scheduling does not change the time; parts that hold a
    // `const Clock &` may schedule.
    virtual std::unique_ptr<Timer> schedule(Duration delay,
                                            std::function<void()> callback) const = 0;

    // Where parts report busy/idle so tests can wait for quiescence
    // (FakeClock has one); nullptr for clocks nobody waits on.
    virtual IdleTracker *idleTracker() const { return nullptr; }

    // Where work queues learn that the cluster is paused (SimClock has one):
    // see PaceGate. nullptr: never paused.
    virtual PaceGate *paceGate() const { return nullptr; }

    // Seconds since the Unix epoch, as object timestamps store them.
    int64_t nowSeconds() const
    {
        return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    }
};

// The real time. One instance serves the whole program. Timers fire on one
// timer thread, started with the first schedule(); their delays are
// measured on the monotonic clock, so a wall-clock step does not make them
// early or late.
class SystemClock final : public Clock
{
public:
    SystemClock();
    ~SystemClock() override;

    Time now() const override { return std::chrono::system_clock::now(); }
    std::unique_ptr<Timer> schedule(Duration delay, std::function<void()> callback) const override;

    static SystemClock &instance();

private:
    void run() const;

    mutable std::mutex m_mutex; // guards everything below
    mutable std::condition_variable m_wake;
    mutable std::unique_ptr<detail::TimerQueue> m_timers;
    mutable std::thread m_thread;
    mutable bool m_stopping = false;
};

// Time that moves only when a test moves it.
//
// Timers fire, in due order, on the thread that calls advance() or set():
// advance(d) steps the time from timer to timer (each callback sees now()
// equal to its due time) and then to the target, so a callback that
// schedules another timer due within the step sees it fire in the same
// advance(). A timer due at or before the current time (delay <= 0) waits
// for the next advance() (advance(0) fires it) or for the idle tracker's
// waitUntilIdle(), which fires due timers on its caller's thread. Moving
// the time backwards with set() fires nothing.
//
// advance() and set() may be called from any thread, one at a time (they
// serialize), but not from inside a timer callback of this clock.
class FakeClock final : public Clock
{
public:
    explicit FakeClock(Time start = Time(std::chrono::seconds(1767225600))); // 2026-01-01
    ~FakeClock() override;

    Time now() const override { return Time(Duration(m_now.load())); }
    std::unique_ptr<Timer> schedule(Duration delay, std::function<void()> callback) const override;
    IdleTracker *idleTracker() const override;

    void advance(Duration d);
    void set(Time t);

    // The earliest due time of a pending (not fired, not cancelled) timer.
    std::optional<Time> nextTimerDue() const;
    // Pending timers (not fired, not cancelled).
    size_t pendingTimers() const;

    // Shorthand for idleTracker()->waitUntilIdle(timeout): waits (in real
    // time) until no part reports work and no timer is due, firing due
    // timers on this thread meanwhile. False on timeout.
    bool waitUntilIdle(std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    std::atomic<Duration::rep> m_now;
    std::mutex m_advanceMutex;  // serializes advance()/set()
    mutable std::mutex m_mutex; // guards m_timers
    std::unique_ptr<detail::TimerQueue> m_timers;
    std::unique_ptr<IdleTracker> m_idle; // constant after construction
};

} // namespace kubist
