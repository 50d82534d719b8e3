#pragma once

#include <google/protobuf/map.h>

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kubist::scheduler::plugins::interpodaffinity {

// TopologyCounts: a number per topology pair (node label key = value), as
// upstream's topologyToMatchedTermCount / scoreMap. Pairs whose number
// drops to 0 are removed, so empty() means "no pair with a non-zero
// number".
//
// Laid out for the per-node hot path: a short list of topology keys (a
// handful per cycle), each with a hash map of values, so looking a node up
// is one label lookup and one hash lookup per key, without allocating.
//
// Plain value (copyable for CycleState clones); not thread-safe while
// written.
class TopologyCounts final
{
public:
    using NodeLabels = google::protobuf::Map<std::string, std::string>;

    // Adds `delta` to (key, value); a pair reaching 0 is removed.
    void add(const std::string &key, const std::string &value, std::int64_t delta);
    // Adds `delta` to (key, the node's value of key) when the node has the
    // label `key`; does nothing otherwise.
    void addForNode(const std::string &key, const NodeLabels &nodeLabels, std::int64_t delta);

    // The number of (key, value); 0 when absent.
    std::int64_t count(const std::string &key, const std::string &value) const;
    // The number of (key, the node's value of key); 0 when the node lacks
    // the label.
    std::int64_t countForNode(const std::string &key, const NodeLabels &nodeLabels) const;
    // Whether any label of the node is a pair with a positive number.
    bool anyPositiveOnNode(const NodeLabels &nodeLabels) const;
    // The sum, over every key, of the number of the node's value of that key.
    std::int64_t sumForNode(const NodeLabels &nodeLabels) const;

    bool empty() const { return m_pairs == 0; }
    std::size_t size() const { return m_pairs; }
    // Every pair and its number (for tests and explanations).
    std::map<std::pair<std::string, std::string>, std::int64_t> toMap() const;

private:
    struct KeyCounts
    {
        std::string key;
        std::unordered_map<std::string, std::int64_t> values;
    };

    const KeyCounts *find(const std::string &key) const;

    std::vector<KeyCounts> m_keys;
    std::size_t m_pairs = 0;
};

} // namespace kubist::scheduler::plugins::interpodaffinity
