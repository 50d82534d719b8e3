#pragma once

#include "backend/util/clock.h"
#include "backend/util/pacegate.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace kubist {

namespace detail {
class TimerQueue;
}

// SimClock: the GUI's cluster time. It follows the wall clock times a speed
// factor, can be paused and stepped, and never runs ahead of wall time
// (object timestamps come from it and must not lie about the future).
//
// Exactly: with S the cluster time and W the wall time, taken at the last
// change of state (construction, pause, resume, setSpeed, step) as S0 and
// W0 (S0 <= W0 always), and k the speed:
//   running:  now() = min(S0 + k * (W - W0), W)
//   paused:   now() = S0 (frozen; W keeps going, so the lag W - S grows)
// So at k <= 1 the cluster runs at k times real time; at k > 1 it runs k
// times faster only while it is behind the wall (after a pause or slow
// motion) and, once caught up, at real time (1x). step(d) moves the
// cluster time forward by min(d, lag()): stepping, too, cannot pass the
// wall. now() never goes backwards (if the wall source steps back, cluster
// time holds still until the wall catches up).
//
// Timers fire on the clock's timer thread (started by the first
// schedule()) when now() reaches their due time. While paused none fires,
// except those a step() makes due. The thread waits in real time for the
// wall to bring the next timer due; with an injected wall source that does
// not follow real time, call wallChanged() after moving it.
//
// Pause also closes the clock's PaceGate, so work queues hand out nothing
// while paused (nothing reacts); step() grants them one round.
//
// Thread-safe.
class SimClock final : public Clock
{
public:
    using WallSource = std::function<Time()>;

    static constexpr double kMinSpeed = 0.1;
    static constexpr double kMaxSpeed = 20.0;

    // Starts at the wall's current time, running at 1x. `wall` (default:
    // the system clock) is injectable so tests need not sleep.
    explicit SimClock(WallSource wall = {});
    ~SimClock() override;

    Time now() const override;
    std::unique_ptr<Timer> schedule(Duration delay, std::function<void()> callback) const override;
    PaceGate *paceGate() const override { return &m_gate; }

    void pause();
    void resume();
    bool isPaused() const;
    // Clamped to [kMinSpeed, kMaxSpeed].
    void setSpeed(double speed);
    double speed() const;
    // Moves cluster time forward by min(d, lag()) (d < 0 counts as 0) and
    // returns how far it moved. Works paused or running.
    Duration step(Duration d);
    // How far cluster time is behind the wall (>= 0).
    Duration lag() const;
    // Re-evaluates the next timer after an injected wall source moved.
    void wallChanged();

private:
    Time nowLocked() const;
    void rebaseLocked();
    void run() const;
    // Real (wall) time until cluster time advances by `ahead`, at the current pace.
    Duration wallTimeFor(Duration ahead) const;

    const WallSource m_wall;
    mutable PaceGate m_gate; // thread-safe itself

    mutable std::mutex m_mutex; // guards everything below
    mutable std::condition_variable m_wake;
    Time m_simBase;  // S0
    Time m_wallBase; // W0
    double m_speed = 1.0;
    bool m_paused = false;
    mutable Time m_lastNow; // now() never goes backwards
    mutable std::unique_ptr<detail::TimerQueue> m_timers;
    mutable std::thread m_thread;
    mutable bool m_stopping = false;
};

} // namespace kubist
