#include "workqueue.h"

#include <vector>

namespace kubist::client {

WorkQueue::WorkQueue(const Clock &clock)
    : WorkQueue(clock, Options())
{}

WorkQueue::WorkQueue(const Clock &clock, Options options)
    : m_clock(clock)
    , m_limiter(options.rateLimiter ? std::move(options.rateLimiter)
                                    : defaultControllerRateLimiter(clock, options.limits))
    , m_idle(clock.idleTracker() ? clock.idleTracker()->registerPart("workqueue/" + options.name)
                                 : nullptr)
{
    if (PaceGate *gate = clock.paceGate())
        m_paceRegistration = gate->registerWaiter([this, gate] {
            std::lock_guard lock(m_mutex);
            m_roundBudget = gate->isOpen() ? 0 : m_queue.size();
            m_ready.notify_all();
        });
}

bool WorkQueue::mayHandOutLocked() const
{
    const PaceGate *gate = m_clock.paceGate();
    return !gate || gate->isOpen() || m_roundBudget > 0;
}

WorkQueue::~WorkQueue()
{
    shutDown();
    m_paceRegistration.reset(); // no wake-up runs after this
}

void WorkQueue::updateIdleLocked()
{
    if (!m_idle)
        return;
    const bool busy = !m_queue.empty() || !m_processing.empty();
    if (busy == m_reportedBusy)
        return;
    m_reportedBusy = busy;
    if (busy)
        m_idle->addWork();
    else
        m_idle->finishWork();
}

void WorkQueue::addLocked(const std::string &key)
{
    if (m_shuttingDown || !m_dirty.insert(key).second)
        return;
    if (m_processing.contains(key))
        return; // done() queues it again
    m_queue.push_back(key);
    updateIdleLocked();
    m_ready.notify_one();
}

void WorkQueue::add(const std::string &key)
{
    std::lock_guard lock(m_mutex);
    addLocked(key);
}

std::optional<std::string> WorkQueue::get()
{
    std::unique_lock lock(m_mutex);
    m_ready.wait(lock, [&] { return m_shuttingDown || (!m_queue.empty() && mayHandOutLocked()); });
    if (m_shuttingDown)
        return std::nullopt;
    if (const PaceGate *gate = m_clock.paceGate(); gate && !gate->isOpen())
        --m_roundBudget; // > 0: mayHandOutLocked() held
    else
        m_roundBudget = 0;
    std::string key = std::move(m_queue.front());
    m_queue.pop_front();
    m_processing.insert(key);
    m_dirty.erase(key);
    return key;
}

void WorkQueue::done(const std::string &key)
{
    std::lock_guard lock(m_mutex);
    if (m_processing.erase(key) == 0)
        return;
    if (m_dirty.contains(key) && !m_shuttingDown) {
        m_queue.push_back(key);
        m_ready.notify_one();
    }
    updateIdleLocked();
}

void WorkQueue::addAfter(const std::string &key, Clock::Duration delay)
{
    if (delay <= Clock::Duration::zero()) {
        add(key);
        return;
    }
    std::unique_ptr<Timer> replaced;
    {
        std::lock_guard lock(m_mutex);
        if (m_shuttingDown)
            return;
        const Clock::Time due = m_clock.now() + delay;
        auto it = m_waiting.find(key);
        if (it != m_waiting.end()) {
            if (it->second.due <= due)
                return;
            // Sooner than before: replace the timer (cancelled below,
            // outside the lock its callback takes).
            replaced = std::move(it->second.timer);
        } else {
            it = m_waiting.emplace(key, Waiting{}).first;
        }
        const uint64_t id = ++m_nextWaitingId;
        it->second.due = due;
        it->second.id = id;
        // The timer cannot fire before this lock is released, and the
        // callback finds its entry by id, so an old timer that fires
        // concurrently with its replacement does nothing.
        it->second.timer = m_clock.schedule(delay, [this, key, id] { delayedAdd(key, id); });
    }
    if (replaced)
        replaced->cancel();
}

void WorkQueue::delayedAdd(const std::string &key, uint64_t id)
{
    std::unique_ptr<Timer> self;
    std::lock_guard lock(m_mutex);
    auto it = m_waiting.find(key);
    if (it == m_waiting.end() || it->second.id != id)
        return;
    self = std::move(it->second.timer); // destroyed after the lock: cancel-from-inside is a no-op
    m_waiting.erase(it);
    addLocked(key);
}

void WorkQueue::addRateLimited(const std::string &key)
{
    addAfter(key, m_limiter->when(key));
}

void WorkQueue::forget(const std::string &key)
{
    m_limiter->forget(key);
}

int WorkQueue::numRequeues(const std::string &key)
{
    return m_limiter->numRequeues(key);
}

void WorkQueue::shutDown()
{
    std::vector<std::unique_ptr<Timer>> timers;
    {
        std::lock_guard lock(m_mutex);
        m_shuttingDown = true;
        for (auto &[key, waiting] : m_waiting)
            timers.push_back(std::move(waiting.timer));
        m_waiting.clear();
        m_queue.clear();
        m_dirty.clear();
        updateIdleLocked();
    }
    m_ready.notify_all();
    // Cancel outside the lock: a timer callback running now waits for it.
    timers.clear();
}

bool WorkQueue::isShuttingDown() const
{
    std::lock_guard lock(m_mutex);
    return m_shuttingDown;
}

size_t WorkQueue::len() const
{
    std::lock_guard lock(m_mutex);
    return m_queue.size();
}

size_t WorkQueue::waiting() const
{
    std::lock_guard lock(m_mutex);
    return m_waiting.size();
}

} // namespace kubist::client
