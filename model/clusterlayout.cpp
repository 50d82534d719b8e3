#include "model/clusterlayout.h"

namespace kubist::model {

int ClusterLayout::place(const std::string &group, const std::string &pod)
{
    auto it = m_places.find(pod);
    if (it != m_places.end()) {
        if (it->second.group == group)
            return it->second.slot;
        remove(pod);
    }
    std::vector<std::string> &slots = m_groups[group];
    int slot = 0;
    while (slot < static_cast<int>(slots.size()) && !slots[slot].empty())
        ++slot;
    if (slot == static_cast<int>(slots.size()))
        slots.emplace_back();
    slots[slot] = pod;
    m_places[pod] = Place{group, slot};
    return slot;
}

void ClusterLayout::remove(const std::string &pod)
{
    auto it = m_places.find(pod);
    if (it == m_places.end())
        return;
    auto g = m_groups.find(it->second.group);
    if (g != m_groups.end()) {
        std::vector<std::string> &slots = g->second;
        slots[it->second.slot].clear();
        while (!slots.empty() && slots.back().empty())
            slots.pop_back();
        if (slots.empty())
            m_groups.erase(g);
    }
    m_places.erase(it);
}

int ClusterLayout::slotOf(const std::string &pod) const
{
    auto it = m_places.find(pod);
    return it == m_places.end() ? -1 : it->second.slot;
}

std::string ClusterLayout::groupOf(const std::string &pod) const
{
    auto it = m_places.find(pod);
    return it == m_places.end() ? std::string() : it->second.group;
}

int ClusterLayout::extent(const std::string &group) const
{
    auto g = m_groups.find(group);
    return g == m_groups.end() ? 0 : static_cast<int>(g->second.size());
}

std::vector<std::string> ClusterLayout::slotTable(const std::string &group) const
{
    auto g = m_groups.find(group);
    return g == m_groups.end() ? std::vector<std::string>() : g->second;
}

} // namespace kubist::model
