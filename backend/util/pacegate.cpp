#include "backend/util/pacegate.h"

#include <algorithm>

namespace kubist {

PaceGate::Registration::~Registration()
{
    std::lock_guard wakeLock(m_gate.m_wakeMutex);
    std::lock_guard lock(m_gate.m_mutex);
    std::erase_if(m_gate.m_waiters, [&](const auto &w) { return w.first == m_id; });
}

bool PaceGate::isOpen() const
{
    std::lock_guard lock(m_mutex);
    return m_open;
}

uint64_t PaceGate::round() const
{
    std::lock_guard lock(m_mutex);
    return m_round;
}

void PaceGate::open()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_open)
            return;
        m_open = true;
    }
    wakeAll();
}

void PaceGate::close()
{
    std::lock_guard lock(m_mutex);
    m_open = false;
}

void PaceGate::step()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_open)
            return;
        ++m_round;
    }
    wakeAll();
}

std::unique_ptr<PaceGate::Registration> PaceGate::registerWaiter(std::function<void()> wake)
{
    std::lock_guard lock(m_mutex);
    const uint64_t id = ++m_nextId;
    m_waiters.emplace_back(id, std::make_shared<std::function<void()>>(std::move(wake)));
    return std::unique_ptr<Registration>(new Registration(*this, id));
}

void PaceGate::wakeAll()
{
    std::lock_guard wakeLock(m_wakeMutex);
    std::vector<std::shared_ptr<std::function<void()>>> waiters;
    {
        std::lock_guard lock(m_mutex);
        for (const auto &w : m_waiters)
            waiters.push_back(w.second);
    }
    for (const auto &w : waiters)
        (*w)();
}

} // namespace kubist
