#include "backend/controllers/replicaset/expectations.h"

namespace kubist::controllers {

ControllerExpectations::ControllerExpectations(const Clock &clock, Clock::Duration timeout)
    : m_clock(clock)
    , m_timeout(timeout)
{}

bool ControllerExpectations::satisfied(const std::string &key) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_records.find(key);
    if (it == m_records.end())
        return true;
    const Record &r = it->second;
    if (r.adds <= 0 && r.deletions.empty())
        return true;
    return m_clock.now() - r.timestamp > m_timeout;
}

void ControllerExpectations::expectCreations(const std::string &key, int adds)
{
    std::lock_guard lock(m_mutex);
    m_records[key] = Record{adds, {}, m_clock.now()};
}

void ControllerExpectations::expectDeletions(const std::string &key,
                                             const std::vector<std::string> &podKeys)
{
    std::lock_guard lock(m_mutex);
    m_records[key] =
        Record{0, std::set<std::string>(podKeys.begin(), podKeys.end()), m_clock.now()};
}

void ControllerExpectations::creationObserved(const std::string &key)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_records.find(key);
    if (it != m_records.end() && it->second.adds > 0)
        --it->second.adds;
}

void ControllerExpectations::deletionObserved(const std::string &key, const std::string &podKey)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_records.find(key);
    if (it != m_records.end())
        it->second.deletions.erase(podKey);
}

void ControllerExpectations::remove(const std::string &key)
{
    std::lock_guard lock(m_mutex);
    m_records.erase(key);
}

} // namespace kubist::controllers
