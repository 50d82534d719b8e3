#pragma once

#include <map>
#include <string>
#include <vector>

namespace kubist::model {

// ClusterLayout: where each pod sits, kept stable so the picture never
// reshuffles. A pod is placed in a group (a node's name, or "" for the
// scheduling lane) and gets the lowest free slot there; it keeps that slot
// as long as it stays in the group, however many others come and go. A
// slot freed by a leaving pod is reused by the next pod placed in the group.
// (Nodes themselves are ordered by name: see ClusterModel::nodeNames().)
//
// Plain value; not thread-safe.
class ClusterLayout final
{
public:
    // Places `pod` in `group` and returns its slot. A pod already in that
    // group keeps its slot; a pod in another group leaves it first.
    int place(const std::string &group, const std::string &pod);
    // Frees the pod's slot (nothing if it has none).
    void remove(const std::string &pod);

    // The pod's slot, or -1.
    int slotOf(const std::string &pod) const;
    // The pod's group; "" also when it has none (check slotOf()).
    std::string groupOf(const std::string &pod) const;
    // One more than the highest slot in use in `group` (0 when empty): how
    // many cells the group's grid must show.
    int extent(const std::string &group) const;
    // Pods in `group` by slot (empty strings for free slots), extent() long.
    std::vector<std::string> slotTable(const std::string &group) const;

private:
    struct Place
    {
        std::string group;
        int slot = -1;
    };
    std::map<std::string, Place> m_places;                    // pod -> place
    std::map<std::string, std::vector<std::string>> m_groups; // group -> pod by slot ("" free)
};

} // namespace kubist::model
