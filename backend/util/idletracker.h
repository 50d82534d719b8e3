#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kubist {

class FakeClock;

// IdleTracker: lets a test wait until the control plane has nothing left
// to do, so multi-threaded tests are deterministic without sleeping.
//
// Each part (a work queue, an informer, ...) registers and reports the
// work it holds: queued or running items, watch events received but not
// yet handled. The tracker is idle when every registered part reports no
// work and, when it watches a FakeClock, no timer of that clock is due at
// the current fake time. A part must report new work *before* it finishes
// the work that caused it (an event handler enqueues its key before the
// event counts as handled), so the total never touches zero while work is
// still being passed along.
//
// What the tracker cannot see is work in flight inside something that does
// not report: a write the store has committed but not yet delivered to a
// watch. A test that writes and then waits should wait for the effect it
// expects (or for an informer's resource version) before waitUntilIdle().
//
// FakeClock owns one (Clock::idleTracker()); parts find it through the
// Clock they are given. Thread-safe. Parts must be unregistered (their
// Part destroyed) before the tracker is destroyed.
class IdleTracker final
{
public:
    // One registered part's count of outstanding work.
    class Part final
    {
    public:
        ~Part(); // unregisters; work still counted is dropped
        Part(const Part &) = delete;
        Part &operator=(const Part &) = delete;

        void addWork(int n = 1);
        // Precondition: at least n units outstanding.
        void finishWork(int n = 1);
        int work() const;
        const std::string &name() const { return m_name; }

    private:
        friend class IdleTracker;
        Part(IdleTracker &tracker, std::string name);

        IdleTracker &m_tracker;
        const std::string m_name;
        int m_work = 0; // guarded by m_tracker.m_mutex
    };

    // `clock`, when given, must outlive the tracker; its due timers count
    // as work and waitUntilIdle() fires them.
    explicit IdleTracker(FakeClock *clock = nullptr);
    ~IdleTracker();

    std::unique_ptr<Part> registerPart(std::string name);

    bool isIdle() const;
    // Blocks (in real time, at most `timeout`) until idle, firing due
    // FakeClock timers on the calling thread meanwhile (so call it from the
    // thread that drives the FakeClock, never from a part's thread). True
    // when idle, false on timeout.
    bool waitUntilIdle(std::chrono::milliseconds timeout);
    // The names of parts reporting work, for a failing test's message.
    std::vector<std::string> busyParts() const;

private:
    bool timerDue() const;

    FakeClock *const m_clock;
    mutable std::mutex m_mutex; // guards everything below
    std::condition_variable m_changed;
    std::vector<Part *> m_parts;
    int m_work = 0; // the sum over m_parts
};

} // namespace kubist
