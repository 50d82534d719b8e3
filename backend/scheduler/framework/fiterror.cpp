#include "backend/scheduler/framework/fiterror.h"

#include <algorithm>
#include <map>
#include <vector>

namespace kubist::scheduler {

std::string FitError::message() const
{
    if (numAllNodes == 0)
        return "no nodes available to schedule pods";

    std::string out = "0/" + std::to_string(numAllNodes) + " nodes are available:";
    if (!preFilterMsg.empty()) {
        out += " " + preFilterMsg + ".";
    } else {
        std::map<std::string, int> counts;
        for (const auto &[node, status] : nodeStatuses) {
            for (const std::string &reason : status.reasons())
                ++counts[reason];
        }
        std::vector<std::string> parts;
        parts.reserve(counts.size());
        for (const auto &[reason, count] : counts)
            parts.push_back(std::to_string(count) + " " + reason);
        std::sort(parts.begin(), parts.end());
        if (!parts.empty()) {
            out += " ";
            for (std::size_t i = 0; i < parts.size(); ++i) {
                if (i > 0)
                    out += ", ";
                out += parts[i];
            }
            out += ".";
        }
    }
    if (!postFilterMsg.empty())
        out += " " + postFilterMsg;
    return out;
}

} // namespace kubist::scheduler
