#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <vector>

namespace kubist::scheduler {

// Data a plugin keeps for one scheduling cycle (e.g. computed in PreFilter
// and read in Filter). Subclass it; CycleState::read() casts back.
//
// clone(): a deep copy for CycleState::clone(). The default (nullptr) says
// the data is never changed after it is written, so clones share it; data a
// PreFilterExtensions plugin updates through readMutable() must return a
// copy.
class StateData
{
public:
    virtual ~StateData() = default;
    virtual std::shared_ptr<StateData> clone() const { return nullptr; }
};

// CycleState: what plugins share during one attempt to schedule one pod
// (upstream framework.CycleState). Keys are conventionally
// "PreFilter<PluginName>" / "PreScore<PluginName>".
//
// Also records which plugins' Filter / Score the framework skips because
// their PreFilter / PreScore returned Skip.
//
// Not thread-safe: one cycle runs on one thread. A fresh CycleState per
// attempt.
class CycleState final
{
public:
    void write(std::string key, std::shared_ptr<StateData> data);

    // The data stored under `key` when it is a T; nullptr otherwise.
    // (An exact type check, not dynamic_cast: Filter and Score read their
    // state once per node.)
    // Answers are remembered by the address and length of the key's
    // characters, so repeated reads (Filter and Score, once per node) cost a
    // short scan: pass key constants (string literals / constexpr
    // string_views), not keys built per call.
    template<class T> const T *read(std::string_view key) const
    {
        for (const Remembered &r : m_remembered) {
            if (r.key == key.data() && r.size == key.size() && r.type == &typeid(T))
                return static_cast<const T *>(r.data);
        }
        const T *found = lookup<T>(key);
        if (m_remembered.size() < kRememberMax)
            m_remembered.push_back({key.data(), key.size(), &typeid(T), found});
        return found;
    }
    // The same, writable (for PreFilterExtensions on a cloned state).
    template<class T> T *readMutable(std::string_view key)
    {
        m_remembered.clear();
        const auto it = m_data.find(key);
        return it == m_data.end() ? nullptr : dynamic_cast<T *>(it->second.get());
    }

    // A copy for a "what if" round (preemption): data whose clone() returns
    // a copy is copied, the rest shared; the skip sets are copied.
    CycleState clone() const;

    void skipFilter(std::string plugin) { m_skipFilter.insert(std::move(plugin)); }
    bool isFilterSkipped(std::string_view plugin) const { return m_skipFilter.contains(plugin); }
    void skipScore(std::string plugin) { m_skipScore.insert(std::move(plugin)); }
    bool isScoreSkipped(std::string_view plugin) const { return m_skipScore.contains(plugin); }

private:
    struct Remembered
    {
        const char *key = nullptr;
        std::size_t size = 0;
        const std::type_info *type = nullptr;
        const void *data = nullptr;
    };
    static constexpr std::size_t kRememberMax = 16;

    template<class T> const T *lookup(std::string_view key) const
    {
        const auto it = m_data.find(key);
        if (it == m_data.end() || !it->second)
            return nullptr;
        const StateData *data = it->second.get();
        if constexpr (std::is_same_v<T, StateData>)
            return data;
        else
            return typeid(*data) == typeid(T) ? static_cast<const T *>(data) : nullptr;
    }

    mutable std::vector<Remembered> m_remembered; // cleared by every change
    std::map<std::string, std::shared_ptr<StateData>, std::less<>> m_data;
    std::set<std::string, std::less<>> m_skipFilter;
    std::set<std::string, std::less<>> m_skipScore;
};

} // namespace kubist::scheduler
