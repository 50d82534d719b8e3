#include "backend/scheduler/framework/cyclestate.h"

namespace kubist::scheduler {

void CycleState::write(std::string key, std::shared_ptr<const StateData> data)
{
    m_data[std::move(key)] = std::move(data);
}

} // namespace kubist::scheduler
