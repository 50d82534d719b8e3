#pragma once

#include "backend/util/clock.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace kubist::cluster {

// TimingProfile: the timings that decide how fast the cluster notices and
// repairs failures, fixed when a cluster is created (kept in its data
// directory).
//
// - "realistic": upstream defaults (kubelet renews its node Lease every
//   10 s, the node lifecycle controller waits 50 s before marking a node
//   Unknown, pods tolerate an unreachable node for 300 s, images take a few
//   seconds to pull).
// - "demo": the same mechanisms, shortened so that a powered-off node's
//   pods run elsewhere about 15-20 s later at 1x: renew every 2 s, Unknown
//   after 8 s, evicted 6 s after the taint, 1 s image pulls.
struct TimingProfile
{
    std::string name;
    // Kubelet
    Clock::Duration leaseRenewInterval{};
    int32_t leaseDurationSeconds = 40;
    Clock::Duration imagePullTime{};
    Clock::Duration nodeStatusReportFrequency{};
    // Node lifecycle controller
    Clock::Duration nodeMonitorPeriod{};
    Clock::Duration nodeMonitorGracePeriod{};
    // DefaultTolerationSeconds admission
    int64_t notReadyTolerationSeconds = 300;
    int64_t unreachableTolerationSeconds = 300;
    // Leader election of the scheduler and controller manager
    Clock::Duration leaderLeaseDuration{};
    Clock::Duration leaderRenewDeadline{};
    Clock::Duration leaderRetryPeriod{};

    static TimingProfile realistic();
    static TimingProfile demo();
    // "demo" or "realistic"; nullopt otherwise.
    static std::optional<TimingProfile> byName(const std::string &name);
};

} // namespace kubist::cluster
