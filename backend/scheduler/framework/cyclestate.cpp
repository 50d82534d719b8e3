#include "backend/scheduler/framework/cyclestate.h"

namespace kubist::scheduler {

void CycleState::write(std::string key, std::shared_ptr<StateData> data)
{
    m_remembered.clear();
    m_data[std::move(key)] = std::move(data);
}

CycleState CycleState::clone() const
{
    CycleState copy;
    for (const auto &[key, data] : m_data) {
        std::shared_ptr<StateData> cloned = data ? data->clone() : nullptr;
        copy.m_data.emplace(key, cloned ? std::move(cloned) : data);
    }
    copy.m_skipFilter = m_skipFilter;
    copy.m_skipScore = m_skipScore;
    return copy;
}

} // namespace kubist::scheduler
