#include "backend/cluster/timingprofile.h"

namespace kubist::cluster {

using namespace std::chrono_literals;

TimingProfile TimingProfile::realistic()
{
    TimingProfile p;
    p.name = "realistic";
    p.leaseRenewInterval = 10s;
    p.leaseDurationSeconds = 40;
    p.imagePullTime = 3s;
    p.nodeStatusReportFrequency = 5min;
    p.nodeMonitorPeriod = 5s;
    p.nodeMonitorGracePeriod = 50s;
    p.notReadyTolerationSeconds = 300;
    p.unreachableTolerationSeconds = 300;
    p.leaderLeaseDuration = 15s;
    p.leaderRenewDeadline = 10s;
    p.leaderRetryPeriod = 2s;
    return p;
}

TimingProfile TimingProfile::demo()
{
    TimingProfile p;
    p.name = "demo";
    p.leaseRenewInterval = 2s;
    p.leaseDurationSeconds = 8;
    p.imagePullTime = 1s;
    p.nodeStatusReportFrequency = 1min;
    p.nodeMonitorPeriod = 1s;
    p.nodeMonitorGracePeriod = 8s;
    p.notReadyTolerationSeconds = 6;
    p.unreachableTolerationSeconds = 6;
    p.leaderLeaseDuration = 15s;
    p.leaderRenewDeadline = 10s;
    p.leaderRetryPeriod = 2s;
    return p;
}

std::optional<TimingProfile> TimingProfile::byName(const std::string &name)
{
    if (name == "demo")
        return demo();
    if (name == "realistic")
        return realistic();
    return std::nullopt;
}

} // namespace kubist::cluster
