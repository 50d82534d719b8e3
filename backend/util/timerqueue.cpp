#include "timerqueue.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace kubist::detail {

struct TimerEntry
{
    enum class State { Pending, Running, Finished };

    Clock::Time due;
    uint64_t seq = 0;

    std::mutex mutex; // guards everything below
    std::condition_variable finished;
    State state = State::Pending;
    std::thread::id runner;
    std::function<void()> callback;
};

namespace {

// Heap order: the earliest due (then the earliest scheduled) on top.
bool later(const std::shared_ptr<TimerEntry> &a, const std::shared_ptr<TimerEntry> &b)
{
    if (a->due != b->due)
        return a->due > b->due;
    return a->seq > b->seq;
}

bool isPending(TimerEntry &e)
{
    std::lock_guard lock(e.mutex);
    return e.state == TimerEntry::State::Pending;
}

// Marks a pending entry finished; its callback is destroyed by the caller,
// outside the entry's lock (it may own anything).
std::function<void()> drop(TimerEntry &e)
{
    std::lock_guard lock(e.mutex);
    if (e.state != TimerEntry::State::Pending)
        return {};
    e.state = TimerEntry::State::Finished;
    return std::move(e.callback);
}

class QueuedTimer final : public Timer
{
public:
    explicit QueuedTimer(std::shared_ptr<TimerEntry> entry)
        : m_entry(std::move(entry))
    {}
    ~QueuedTimer() override { cancel(); }

    void cancel() override
    {
        std::function<void()> callback;
        {
            std::unique_lock lock(m_entry->mutex);
            switch (m_entry->state) {
            case TimerEntry::State::Pending:
                m_entry->state = TimerEntry::State::Finished;
                callback = std::move(m_entry->callback);
                break;
            case TimerEntry::State::Running:
                if (m_entry->runner == std::this_thread::get_id())
                    return; // cancelled from inside its own callback
                m_entry->finished.wait(
                    lock, [&] { return m_entry->state == TimerEntry::State::Finished; });
                break;
            case TimerEntry::State::Finished:
                break;
            }
        }
    }

private:
    std::shared_ptr<TimerEntry> m_entry;
};

} // namespace

DueTimer::DueTimer(std::shared_ptr<TimerEntry> entry)
    : m_entry(std::move(entry))
{}

Clock::Time DueTimer::due() const
{
    return m_entry->due;
}

void DueTimer::fire()
{
    std::function<void()> callback;
    {
        std::lock_guard lock(m_entry->mutex);
        if (m_entry->state != TimerEntry::State::Pending)
            return;
        m_entry->state = TimerEntry::State::Running;
        m_entry->runner = std::this_thread::get_id();
        callback = std::move(m_entry->callback);
    }
    callback();
    callback = nullptr; // its captures are gone before a waiting cancel() returns
    {
        std::lock_guard lock(m_entry->mutex);
        m_entry->state = TimerEntry::State::Finished;
    }
    m_entry->finished.notify_all();
    m_entry.reset();
}

TimerQueue::~TimerQueue()
{
    clear();
}

std::unique_ptr<Timer> TimerQueue::add(Clock::Time due, std::function<void()> callback)
{
    if (m_heap.size() >= m_sweepAt) {
        // Cancelled timers stay in the heap until they surface; sweep them
        // now and then so a queue whose timers are mostly cancelled (long
        // backoffs) does not grow without bound.
        std::erase_if(m_heap, [](const std::shared_ptr<TimerEntry> &e) { return !isPending(*e); });
        std::make_heap(m_heap.begin(), m_heap.end(), later);
        m_sweepAt = std::max<size_t>(64, 2 * m_heap.size());
    }
    auto entry = std::make_shared<TimerEntry>();
    entry->due = due;
    entry->seq = m_nextSeq++;
    entry->callback = std::move(callback);
    m_heap.push_back(entry);
    std::push_heap(m_heap.begin(), m_heap.end(), later);
    return std::make_unique<QueuedTimer>(std::move(entry));
}

void TimerQueue::dropCancelledTop()
{
    while (!m_heap.empty() && !isPending(*m_heap.front())) {
        std::pop_heap(m_heap.begin(), m_heap.end(), later);
        m_heap.pop_back();
    }
}

std::optional<Clock::Time> TimerQueue::nextDue()
{
    dropCancelledTop();
    if (m_heap.empty())
        return std::nullopt;
    return m_heap.front()->due;
}

size_t TimerQueue::pendingCount() const
{
    return size_t(
        std::count_if(m_heap.begin(), m_heap.end(),
                      [](const std::shared_ptr<TimerEntry> &e) { return isPending(*e); }));
}

DueTimer TimerQueue::takeDue(Clock::Time now)
{
    dropCancelledTop();
    if (m_heap.empty() || m_heap.front()->due > now)
        return {};
    std::pop_heap(m_heap.begin(), m_heap.end(), later);
    std::shared_ptr<TimerEntry> entry = std::move(m_heap.back());
    m_heap.pop_back();
    return DueTimer(std::move(entry));
}

void TimerQueue::clear()
{
    std::vector<std::function<void()>> callbacks;
    for (const std::shared_ptr<TimerEntry> &e : m_heap)
        callbacks.push_back(drop(*e));
    m_heap.clear();
}

} // namespace kubist::detail
