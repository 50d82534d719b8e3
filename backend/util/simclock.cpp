#include "simclock.h"

#include "timerqueue.h"

#include <algorithm>

namespace kubist {

namespace {

using Seconds = std::chrono::duration<double>;

Clock::Duration scaled(Clock::Duration d, double factor)
{
    return std::chrono::duration_cast<Clock::Duration>(Seconds(d) * factor);
}

} // namespace

SimClock::SimClock(WallSource wall)
    : m_wall(wall ? std::move(wall) : WallSource([] { return std::chrono::system_clock::now(); }))
    , m_timers(std::make_unique<detail::TimerQueue>())
{
    m_wallBase = m_wall();
    m_simBase = m_wallBase;
    m_lastNow = m_simBase;
}

SimClock::~SimClock()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    std::lock_guard lock(m_mutex);
    m_timers->clear();
}

Clock::Time SimClock::nowLocked() const
{
    Time t = m_simBase;
    if (!m_paused) {
        const Time wall = m_wall();
        const Duration elapsed = std::max(wall - m_wallBase, Duration::zero());
        t = std::min(m_simBase + scaled(elapsed, m_speed), wall);
    }
    m_lastNow = std::max(m_lastNow, t);
    return m_lastNow;
}

void SimClock::rebaseLocked()
{
    m_simBase = nowLocked();
    m_wallBase = std::max(m_wall(), m_simBase);
}

Clock::Time SimClock::now() const
{
    std::lock_guard lock(m_mutex);
    return nowLocked();
}

void SimClock::pause()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_paused)
            return;
        rebaseLocked();
        m_paused = true;
    }
    m_gate.close();
    m_wake.notify_all();
}

void SimClock::resume()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_paused)
            return;
        m_wallBase = std::max(m_wall(), m_simBase);
        m_paused = false;
    }
    m_gate.open();
    m_wake.notify_all();
}

bool SimClock::isPaused() const
{
    std::lock_guard lock(m_mutex);
    return m_paused;
}

void SimClock::setSpeed(double speed)
{
    {
        std::lock_guard lock(m_mutex);
        rebaseLocked();
        m_speed = std::clamp(speed, kMinSpeed, kMaxSpeed);
    }
    m_wake.notify_all();
}

double SimClock::speed() const
{
    std::lock_guard lock(m_mutex);
    return m_speed;
}

Clock::Duration SimClock::step(Duration d)
{
    Duration moved;
    {
        std::lock_guard lock(m_mutex);
        rebaseLocked();
        const Duration lag = std::max(m_wallBase - m_simBase, Duration::zero());
        moved = std::clamp(d, Duration::zero(), lag);
        m_simBase += moved;
        m_lastNow = std::max(m_lastNow, m_simBase);
    }
    m_wake.notify_all();
    // One round for the work queued now (paused only; the timers this step
    // makes due fire on the timer thread, and what they queue waits for the
    // next step).
    m_gate.step();
    return moved;
}

Clock::Duration SimClock::lag() const
{
    std::lock_guard lock(m_mutex);
    const Time now = nowLocked();
    return std::max(m_wall() - now, Duration::zero());
}

void SimClock::wallChanged()
{
    m_wake.notify_all();
}

std::unique_ptr<Timer> SimClock::schedule(Duration delay, std::function<void()> callback) const
{
    std::unique_ptr<Timer> timer;
    {
        std::lock_guard lock(m_mutex);
        timer = m_timers->add(nowLocked() + delay, std::move(callback));
        if (!m_thread.joinable() && !m_stopping)
            m_thread = std::thread([this] { run(); });
    }
    m_wake.notify_all();
    return timer;
}

Clock::Duration SimClock::wallTimeFor(Duration ahead) const
{
    // Cluster time runs at k while behind the wall; once caught up (k > 1) at 1x.
    const Time s = nowLocked();
    const Time w = m_wall();
    const Duration lag = std::max(w - s, Duration::zero());
    if (m_speed <= 1.0)
        return scaled(ahead, 1.0 / m_speed);
    const Duration catchUpWall = scaled(lag, 1.0 / (m_speed - 1.0));
    const Duration gainedWhileCatchingUp = scaled(catchUpWall, m_speed);
    if (ahead <= gainedWhileCatchingUp)
        return scaled(ahead, 1.0 / m_speed);
    return catchUpWall + (ahead - gainedWhileCatchingUp);
}

void SimClock::run() const
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (detail::DueTimer due = m_timers->takeDue(nowLocked())) {
            lock.unlock();
            due.fire();
            lock.lock();
            continue;
        }
        const std::optional<Time> next = m_timers->nextDue();
        if (!next || m_paused) {
            m_wake.wait(lock);
            continue;
        }
        // Re-check at least every 250 ms: the wall source may drift from
        // the real time this thread waits in.
        const Duration wait = wallTimeFor(*next - nowLocked()) + std::chrono::microseconds(100);
        m_wake.wait_for(lock, std::min<Duration>(wait, std::chrono::milliseconds(250)));
    }
}

} // namespace kubist
