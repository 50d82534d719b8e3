#include "idletracker.h"

#include "clock.h"

#include <algorithm>
#include <cassert>

namespace kubist {

IdleTracker::Part::Part(IdleTracker &tracker, std::string name)
    : m_tracker(tracker)
    , m_name(std::move(name))
{}

IdleTracker::Part::~Part()
{
    {
        std::lock_guard lock(m_tracker.m_mutex);
        m_tracker.m_work -= m_work;
        std::erase(m_tracker.m_parts, this);
    }
    m_tracker.m_changed.notify_all();
}

void IdleTracker::Part::addWork(int n)
{
    std::lock_guard lock(m_tracker.m_mutex);
    m_work += n;
    m_tracker.m_work += n;
}

void IdleTracker::Part::finishWork(int n)
{
    bool idle = false;
    {
        std::lock_guard lock(m_tracker.m_mutex);
        assert(m_work >= n);
        m_work -= n;
        m_tracker.m_work -= n;
        idle = m_tracker.m_work == 0;
    }
    if (idle)
        m_tracker.m_changed.notify_all();
}

int IdleTracker::Part::work() const
{
    std::lock_guard lock(m_tracker.m_mutex);
    return m_work;
}

IdleTracker::IdleTracker(FakeClock *clock)
    : m_clock(clock)
{}

IdleTracker::~IdleTracker()
{
    assert(m_parts.empty());
}

std::unique_ptr<IdleTracker::Part> IdleTracker::registerPart(std::string name)
{
    std::unique_ptr<Part> part(new Part(*this, std::move(name)));
    std::lock_guard lock(m_mutex);
    m_parts.push_back(part.get());
    return part;
}

bool IdleTracker::timerDue() const
{
    if (!m_clock)
        return false;
    const std::optional<Clock::Time> next = m_clock->nextTimerDue();
    return next && *next <= m_clock->now();
}

bool IdleTracker::isIdle() const
{
    std::lock_guard lock(m_mutex);
    return m_work == 0 && !timerDue();
}

bool IdleTracker::waitUntilIdle(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        // Fire due timers without holding m_mutex: their callbacks report work.
        if (m_clock && timerDue())
            m_clock->advance(Clock::Duration::zero());
        std::unique_lock lock(m_mutex);
        if (m_work == 0 && !timerDue())
            return true;
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline)
            return false;
        // Parts notify when the work drains; a timer scheduled due-now by a
        // part does not, so look again every few milliseconds.
        m_changed.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(2)));
    }
}

std::vector<std::string> IdleTracker::busyParts() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::string> names;
    for (const Part *p : m_parts)
        if (p->m_work > 0)
            names.push_back(p->m_name);
    return names;
}

} // namespace kubist
