#pragma once

#include "backend/client/client.h"
#include "backend/cluster/clustercontrol.h"
#include "backend/util/clock.h"

#include <QString>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kubist::model {

struct ControlSnapshot;

// Whether the cluster is whole, as the recovery timer judges it.
struct ClusterWholeness
{
    // Every Deployment's ready, updated and available replicas equal its
    // desired replicas, and no pod of a Deployment is Pending or Terminating.
    bool workloadsWhole = true;
    // Every Service with traffic had its last complete second without a
    // failed request (and with at least one answered).
    bool trafficClean = true;
    bool hasTraffic = false;
    // The Deployments and their desired replicas, by name ("web", 3).
    std::vector<std::pair<std::string, int>> deployments;
    // What is still missing, in words ("web: 2/3 ready"); empty when whole.
    std::vector<std::string> missing;

    bool whole() const { return workloadsWhole && trafficClean; }
};

// RecoveryTimer: how long the cluster took to become whole again after a
// fault, in cluster time, and how many requests failed meanwhile. Pure
// logic: the window feeds it what it sees (faults it injected, the faults
// ClusterControl lists, the cluster's state per frame) with the cluster
// time and the running total of failed requests.
//
// An episode starts with a fault injected from the GUI (faultInjected) or a
// fault newly listed as Active (observeFaults; the faults listed at the
// first observation are taken as they are, not as news). Further faults
// during an episode join it. The episode ends at the first observe() at
// which the cluster is whole and either it was seen not whole since the
// start, or no fault of the episode is still active and kQuietPeriod has
// passed (a fault with no visible effect, or one healed before it showed).
//
// Not thread-safe (the GUI thread owns it).
class RecoveryTimer final
{
public:
    static constexpr Clock::Duration kQuietPeriod = std::chrono::seconds(3);

    struct Outcome
    {
        QString what;           // "worker-2 powered off"
        Clock::Duration took{}; // cluster time from the fault to whole again
        uint64_t failed = 0;    // requests failed meanwhile
        QString summary;        // the sentence for the banner
    };

    // The judgement over the model's objects (by key, as ClusterModel
    // holds them) and the traffic the control reported (null: none). A pod
    // Terminating on a node that is not Ready (powered off, cut off) does
    // not count against wholeness: it stays Terminating until its node
    // comes back, as on a real cluster, while its replacement runs.
    static ClusterWholeness assess(const std::map<std::string, client::ObjectPtr> &deployments,
                                   const std::map<std::string, client::ObjectPtr> &replicaSets,
                                   const std::map<std::string, client::ObjectPtr> &pods,
                                   const std::map<std::string, client::ObjectPtr> &nodes,
                                   const ControlSnapshot *control);

    // A fault injected now (from the GUI). `faultName`: its Fault object's
    // name, empty when it is not one (a single container crash).
    void faultInjected(const QString &what, const std::string &faultName, Clock::Time at,
                       uint64_t failedSoFar);
    // The faults ClusterControl lists now.
    void observeFaults(const std::vector<cluster::ClusterControl::FaultState> &faults,
                       Clock::Time now, uint64_t failedSoFar);
    // The cluster as it stands; returns the outcome when this ends the episode.
    std::optional<Outcome> observe(const ClusterWholeness &state, Clock::Time now,
                                   uint64_t failedSoFar);
    // Ends an episode without an outcome (the user dismissed it).
    void cancel();

    bool isRunning() const { return m_running; }
    const QString &what() const { return m_what; }
    Clock::Duration elapsed(Clock::Time now) const;
    uint64_t failedSince(uint64_t failedSoFar) const;
    // The banner's line while running: "worker-2 powered off — recovering:
    // 8.3 s, 12 requests failed so far".
    QString progressText(Clock::Time now, uint64_t failedSoFar, bool hasTraffic) const;
    const std::optional<Outcome> &lastOutcome() const { return m_last; }

    // "worker-2 powered off → all 3 web pods Ready again after 17.2 s, 41
    // requests failed" (`failed` unset: no traffic, nothing said about it).
    static QString summarize(const QString &what, const ClusterWholeness &state,
                             Clock::Duration took, std::optional<uint64_t> failed);

private:
    void begin(const QString &what, Clock::Time at, uint64_t failedSoFar);

    bool m_running = false;
    bool m_sawBroken = false;
    bool m_baselineTaken = false;
    QString m_what;
    Clock::Time m_start{};
    uint64_t m_failedAtStart = 0;
    std::set<std::string> m_seenFaults;    // names already counted
    std::set<std::string> m_episodeFaults; // this episode's, still active
    std::optional<Outcome> m_last;
};

} // namespace kubist::model
