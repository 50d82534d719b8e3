#include "backend/controllers/replicaset/podranking.h"

#include "backend/controllers/common/podutil.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>

namespace kubist::controllers {

namespace core = k8s::io::api::core::v1;
namespace meta = k8s::io::apimachinery::pkg::apis::meta::v1;

namespace {

int phaseOrdinal(const std::string &phase)
{
    if (phase == "Unknown")
        return 1;
    if (phase == "Running")
        return 2;
    return 0;
}

int32_t deletionCost(const core::Pod &pod)
{
    const auto &annotations = pod.metadata().annotations();
    const auto it = annotations.find("controller.kubernetes.io/pod-deletion-cost");
    if (it == annotations.end())
        return 0;
    int32_t value = 0;
    const std::string &s = it->second;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && ptr == s.data() + s.size() ? value : 0;
}

// Zero (nullopt) when the time is unknown.
std::optional<Clock::Time> toTime(const meta::Time &t, bool present)
{
    if (!present || (t.seconds() == 0 && t.nanos() == 0))
        return std::nullopt;
    return Clock::Time(std::chrono::duration_cast<Clock::Duration>(
        std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
}

std::optional<Clock::Time> readyTime(const core::Pod &pod)
{
    if (!isPodReady(pod))
        return std::nullopt;
    const core::PodCondition *c = podCondition(pod, "Ready");
    return toTime(c->last_transition_time(), c->has_last_transition_time());
}

// upstream afterOrZero: a zero time sorts first, then the later time.
bool afterOrZero(const std::optional<Clock::Time> &t1, const std::optional<Clock::Time> &t2)
{
    if (!t1 || !t2)
        return !t1;
    return *t1 > *t2;
}

int64_t logRank(Clock::Time t, Clock::Time now)
{
    const auto d = std::chrono::duration_cast<std::chrono::nanoseconds>(now - t).count();
    return d > 0 ? static_cast<int64_t>(std::log2(static_cast<double>(d))) : -1;
}

// True/false when the times decide; nullopt when they are equal.
std::optional<bool> compareTimes(const std::optional<Clock::Time> &t1,
                                 const std::optional<Clock::Time> &t2, const core::Pod &a,
                                 const core::Pod &b, Clock::Time now)
{
    if (t1 == t2)
        return std::nullopt;
    if (!t1 || !t2)
        return afterOrZero(t1, t2);
    const int64_t diff = logRank(*t1, now) - logRank(*t2, now);
    if (diff == 0)
        return a.metadata().uid() < b.metadata().uid();
    return diff < 0;
}

int32_t maxRestarts(const core::Pod &pod)
{
    int32_t m = 0;
    for (const core::ContainerStatus &s : pod.status().container_statuses())
        m = std::max(m, s.restart_count());
    return m;
}

} // namespace

bool deletePodBefore(const core::Pod &a, int rankA, const core::Pod &b, int rankB, Clock::Time now)
{
    const std::string &nodeA = a.spec().node_name();
    const std::string &nodeB = b.spec().node_name();
    if (nodeA != nodeB && (nodeA.empty() || nodeB.empty()))
        return nodeA.empty();
    const int phaseA = phaseOrdinal(a.status().phase());
    const int phaseB = phaseOrdinal(b.status().phase());
    if (phaseA != phaseB)
        return phaseA < phaseB;
    const bool readyA = isPodReady(a);
    const bool readyB = isPodReady(b);
    if (readyA != readyB)
        return !readyA;
    const int32_t costA = deletionCost(a);
    const int32_t costB = deletionCost(b);
    if (costA != costB)
        return costA < costB;
    if (rankA != rankB)
        return rankA > rankB;
    if (readyA && readyB) {
        if (std::optional<bool> r = compareTimes(readyTime(a), readyTime(b), a, b, now))
            return *r;
    }
    const int32_t restartsA = maxRestarts(a);
    const int32_t restartsB = maxRestarts(b);
    if (restartsA != restartsB)
        return restartsA > restartsB;
    const auto createdA =
        toTime(a.metadata().creation_timestamp(), a.metadata().has_creation_timestamp());
    const auto createdB =
        toTime(b.metadata().creation_timestamp(), b.metadata().has_creation_timestamp());
    if (std::optional<bool> r = compareTimes(createdA, createdB, a, b, now))
        return *r;
    return false;
}

void sortPodsForDeletion(std::vector<PodPtr> &pods, const std::vector<PodPtr> &relatedPods,
                         Clock::Time now)
{
    std::map<std::string, int> podsOnNode;
    for (const PodPtr &p : relatedPods)
        if (isPodActive(*p))
            ++podsOnNode[p->spec().node_name()];
    std::vector<std::pair<PodPtr, int>> ranked;
    ranked.reserve(pods.size());
    for (const PodPtr &p : pods)
        ranked.emplace_back(p, podsOnNode[p->spec().node_name()]);
    std::stable_sort(ranked.begin(), ranked.end(), [now](const auto &x, const auto &y) {
        return deletePodBefore(*x.first, x.second, *y.first, y.second, now);
    });
    for (size_t i = 0; i < pods.size(); ++i)
        pods[i] = ranked[i].first;
}

} // namespace kubist::controllers
