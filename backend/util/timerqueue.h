#pragma once

#include "backend/util/clock.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace kubist::detail {

struct TimerEntry;

// A timer taken off the queue because it is due; fire() runs its callback
// unless it was cancelled meanwhile. Call fire() without holding the
// clock's lock.
class DueTimer final
{
public:
    DueTimer() = default;
    explicit DueTimer(std::shared_ptr<TimerEntry> entry);
    explicit operator bool() const { return bool(m_entry); }
    Clock::Time due() const;
    void fire();

private:
    std::shared_ptr<TimerEntry> m_entry;
};

// TimerQueue: one clock's pending timers ordered by due time (ties in
// scheduling order), and the Timer handles that cancel them. The engine
// shared by the clocks; not an API for parts.
//
// Not thread-safe: the owning clock guards it with its own mutex. A handle
// cancels through the entry it shares with the queue and never touches the
// queue, so handles may outlive the queue and cancel() never takes the
// clock's lock (no lock-order inversion with a clock that fires while
// holding nothing).
class TimerQueue final
{
public:
    TimerQueue() = default;
    ~TimerQueue(); // drops every pending timer: it never fires
    TimerQueue(const TimerQueue &) = delete;
    TimerQueue &operator=(const TimerQueue &) = delete;

    std::unique_ptr<Timer> add(Clock::Time due, std::function<void()> callback);
    // The earliest due time of a pending timer.
    std::optional<Clock::Time> nextDue();
    size_t pendingCount() const;
    // Removes and returns the earliest pending timer if it is due at `now`.
    DueTimer takeDue(Clock::Time now);
    // Drops every pending timer: none of them ever fires.
    void clear();

private:
    void dropCancelledTop();

    std::vector<std::shared_ptr<TimerEntry>> m_heap;
    uint64_t m_nextSeq = 0;
    size_t m_sweepAt = 64;
};

} // namespace kubist::detail
