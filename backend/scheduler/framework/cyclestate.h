#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

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
    template<class T> const T *read(std::string_view key) const
    {
        const auto it = m_data.find(key);
        return it == m_data.end() ? nullptr : dynamic_cast<const T *>(it->second.get());
    }
    // The same, writable (for PreFilterExtensions on a cloned state).
    template<class T> T *readMutable(std::string_view key)
    {
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
    std::map<std::string, std::shared_ptr<StateData>, std::less<>> m_data;
    std::set<std::string, std::less<>> m_skipFilter;
    std::set<std::string, std::less<>> m_skipScore;
};

} // namespace kubist::scheduler
