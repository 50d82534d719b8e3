#include "clock.h"

#include "idletracker.h"
#include "timerqueue.h"

namespace kubist {

// ---- SystemClock ----

namespace {

// SystemClock keys its timers by the monotonic clock (encoded as a Time so
// the shared TimerQueue can order them): a wall-clock step moves neither.
Clock::Time monotonicNow()
{
    return Clock::Time(std::chrono::duration_cast<Clock::Duration>(
        std::chrono::steady_clock::now().time_since_epoch()));
}

} // namespace

SystemClock::SystemClock()
    : m_timers(std::make_unique<detail::TimerQueue>())
{}

SystemClock::~SystemClock()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    m_timers->clear();
}

SystemClock &SystemClock::instance()
{
    static SystemClock clock;
    return clock;
}

std::unique_ptr<Timer> SystemClock::schedule(Duration delay, std::function<void()> callback) const
{
    std::unique_ptr<Timer> timer;
    {
        std::lock_guard lock(m_mutex);
        timer =
            m_timers->add(monotonicNow() + std::max(delay, Duration::zero()), std::move(callback));
        if (!m_thread.joinable() && !m_stopping)
            m_thread = std::thread([this] { run(); });
    }
    m_wake.notify_all();
    return timer;
}

void SystemClock::run() const
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (detail::DueTimer due = m_timers->takeDue(monotonicNow())) {
            lock.unlock();
            due.fire();
            lock.lock();
            continue;
        }
        const std::optional<Time> next = m_timers->nextDue();
        if (!next) {
            m_wake.wait(lock);
            continue;
        }
        const auto wait = *next - monotonicNow();
        m_wake.wait_for(lock, std::max(wait, Duration::zero()));
    }
}

// ---- FakeClock ----

FakeClock::FakeClock(Time start)
    : m_now(start.time_since_epoch().count())
    , m_timers(std::make_unique<detail::TimerQueue>())
    , m_idle(std::make_unique<IdleTracker>(this))
{}

FakeClock::~FakeClock()
{
    std::lock_guard lock(m_mutex);
    m_timers->clear();
}

std::unique_ptr<Timer> FakeClock::schedule(Duration delay, std::function<void()> callback) const
{
    std::lock_guard lock(m_mutex);
    return m_timers->add(now() + delay, std::move(callback));
}

IdleTracker *FakeClock::idleTracker() const
{
    return m_idle.get();
}

void FakeClock::advance(Duration d)
{
    std::lock_guard advancing(m_advanceMutex);
    const Time target = now() + d;
    while (true) {
        detail::DueTimer due;
        {
            std::lock_guard lock(m_mutex);
            due = m_timers->takeDue(target);
        }
        if (!due)
            break;
        if (due.due() > now())
            m_now = due.due().time_since_epoch().count();
        due.fire();
    }
    m_now = target.time_since_epoch().count();
}

void FakeClock::set(Time t)
{
    if (t >= now()) {
        advance(t - now());
        return;
    }
    std::lock_guard advancing(m_advanceMutex);
    m_now = t.time_since_epoch().count();
}

std::optional<Clock::Time> FakeClock::nextTimerDue() const
{
    std::lock_guard lock(m_mutex);
    return m_timers->nextDue();
}

size_t FakeClock::pendingTimers() const
{
    std::lock_guard lock(m_mutex);
    return m_timers->pendingCount();
}

bool FakeClock::waitUntilIdle(std::chrono::milliseconds timeout)
{
    return m_idle->waitUntilIdle(timeout);
}

} // namespace kubist
