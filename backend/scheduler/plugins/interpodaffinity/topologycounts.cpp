#include "backend/scheduler/plugins/interpodaffinity/topologycounts.h"

namespace kubist::scheduler::plugins::interpodaffinity {

void TopologyCounts::add(const std::string &key, const std::string &value, std::int64_t delta)
{
    if (delta == 0)
        return;
    KeyCounts *entry = nullptr;
    for (KeyCounts &k : m_keys) {
        if (k.key == key) {
            entry = &k;
            break;
        }
    }
    if (!entry) {
        m_keys.push_back(KeyCounts{key, {}});
        entry = &m_keys.back();
    }
    auto it = entry->values.find(value);
    if (it == entry->values.end()) {
        entry->values.emplace(value, delta);
        ++m_pairs;
        return;
    }
    it->second += delta;
    if (it->second == 0) {
        entry->values.erase(it);
        --m_pairs;
    }
}

void TopologyCounts::addForNode(const std::string &key, const NodeLabels &nodeLabels,
                                std::int64_t delta)
{
    const auto it = nodeLabels.find(key);
    if (it != nodeLabels.end())
        add(key, it->second, delta);
}

const TopologyCounts::KeyCounts *TopologyCounts::find(const std::string &key) const
{
    for (const KeyCounts &k : m_keys) {
        if (k.key == key)
            return &k;
    }
    return nullptr;
}

std::int64_t TopologyCounts::count(const std::string &key, const std::string &value) const
{
    const KeyCounts *entry = find(key);
    if (!entry)
        return 0;
    const auto it = entry->values.find(value);
    return it == entry->values.end() ? 0 : it->second;
}

std::int64_t TopologyCounts::countForNode(const std::string &key,
                                          const NodeLabels &nodeLabels) const
{
    if (m_pairs == 0)
        return 0;
    const auto it = nodeLabels.find(key);
    return it == nodeLabels.end() ? 0 : count(key, it->second);
}

bool TopologyCounts::anyPositiveOnNode(const NodeLabels &nodeLabels) const
{
    if (m_pairs == 0)
        return false;
    for (const KeyCounts &k : m_keys) {
        if (k.values.empty())
            continue;
        const auto label = nodeLabels.find(k.key);
        if (label == nodeLabels.end())
            continue;
        const auto it = k.values.find(label->second);
        if (it != k.values.end() && it->second > 0)
            return true;
    }
    return false;
}

std::int64_t TopologyCounts::sumForNode(const NodeLabels &nodeLabels) const
{
    std::int64_t sum = 0;
    if (m_pairs == 0)
        return sum;
    for (const KeyCounts &k : m_keys) {
        if (k.values.empty())
            continue;
        const auto label = nodeLabels.find(k.key);
        if (label == nodeLabels.end())
            continue;
        const auto it = k.values.find(label->second);
        if (it != k.values.end())
            sum += it->second;
    }
    return sum;
}

std::map<std::pair<std::string, std::string>, std::int64_t> TopologyCounts::toMap() const
{
    std::map<std::pair<std::string, std::string>, std::int64_t> out;
    for (const KeyCounts &k : m_keys) {
        for (const auto &[value, n] : k.values)
            out[{k.key, value}] = n;
    }
    return out;
}

} // namespace kubist::scheduler::plugins::interpodaffinity
