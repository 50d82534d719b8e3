#pragma once

#include "backend/api/labelselector.h"

#include <google/protobuf/map.h>

#include <string>
#include <vector>

namespace kubist::scheduler::plugins {

// SpreadSelector is an api::LabelSelector compiled for matching the label
// maps of many pods in one scheduling cycle: matches() looks each
// requirement's key up in the protobuf map directly, without allocating
// and without std::function, so PodTopologySpread can count the pods of a
// whole cluster once per cycle.
//
// Same semantics as api::LabelSelector::matches (everything() matches
// all, nothing() none). Immutable; safe to share between threads.
class SpreadSelector final
{
public:
    // Matches everything.
    SpreadSelector() = default;
    explicit SpreadSelector(const api::LabelSelector &selector);

    bool matches(const google::protobuf::Map<std::string, std::string> &labels) const;

    // No requirements (matches every label set); upstream Selector.Empty().
    bool isEmpty() const { return !m_nothing && m_requirements.empty(); }
    bool isNothing() const { return m_nothing; }
    const api::LabelSelector &selector() const { return m_selector; }

private:
    struct Requirement
    {
        std::string key;
        api::LabelSelector::Operator op = api::LabelSelector::Operator::Exists;
        std::vector<std::string> values;
    };

    api::LabelSelector m_selector;
    std::vector<Requirement> m_requirements;
    bool m_nothing = false;
};

} // namespace kubist::scheduler::plugins
