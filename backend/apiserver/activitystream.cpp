#include "activitystream.h"

namespace kubist::apiserver {

std::vector<ActivityRecord> ActivityStream::Subscription::take(uint64_t *dropped)
{
    std::lock_guard lock(m_mutex);
    std::vector<ActivityRecord> out(std::make_move_iterator(m_queue.begin()),
                                    std::make_move_iterator(m_queue.end()));
    m_queue.clear();
    if (dropped)
        *dropped = m_dropped;
    m_dropped = 0;
    return out;
}

void ActivityStream::record(ActivityRecord record)
{
    std::vector<std::shared_ptr<Subscription>> subscribers;
    {
        std::lock_guard lock(m_mutex);
        record.sequence = ++m_sequence;
        m_history.push_back(record);
        if (m_history.size() > m_historyCapacity)
            m_history.pop_front();
        subscribers.reserve(m_subscriptions.size());
        std::erase_if(m_subscriptions, [&](const std::weak_ptr<Subscription> &w) {
            auto s = w.lock();
            if (!s)
                return true;
            subscribers.push_back(std::move(s));
            return false;
        });
    }
    for (const auto &s : subscribers) {
        std::lock_guard lock(s->m_mutex);
        s->m_queue.push_back(record);
        if (s->m_queue.size() > s->m_capacity) {
            s->m_queue.pop_front();
            ++s->m_dropped;
        }
    }
}

std::shared_ptr<ActivityStream::Subscription> ActivityStream::subscribe(size_t capacity)
{
    std::shared_ptr<Subscription> s(new Subscription(capacity));
    std::lock_guard lock(m_mutex);
    m_subscriptions.push_back(s);
    return s;
}

std::vector<ActivityRecord> ActivityStream::recent(size_t n) const
{
    std::lock_guard lock(m_mutex);
    const size_t start = m_history.size() > n ? m_history.size() - n : 0;
    return {m_history.begin() + long(start), m_history.end()};
}

} // namespace kubist::apiserver
