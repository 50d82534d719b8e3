#pragma once

#include "backend/client/client.h"
#include "backend/util/clock.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kubist::client {
class LeaderElector;
}

namespace kubist::controllers {

struct ControllerManagerOptions
{
    bool leaderElect = true;
    std::string identity = "kube-controller-manager";
    Clock::Duration leaseDuration = std::chrono::seconds(15);
    Clock::Duration renewDeadline = std::chrono::seconds(10);
    Clock::Duration retryPeriod = std::chrono::seconds(2);
    // NodeLifecycleController (upstream --node-monitor-period and
    // --node-monitor-grace-period).
    Clock::Duration nodeMonitorPeriod = std::chrono::seconds(5);
    Clock::Duration nodeMonitorGracePeriod = std::chrono::seconds(50);
};

// ControllerManager: kube-controller-manager — runs every controller of
// this folder's siblings (deployment, replicaset, endpoints, endpointslice,
// nodelifecycle with taint eviction, garbagecollector, namespace, podgc,
// serviceaccount, disruption) against one Client, while it holds the leader Lease
// kube-system/kube-controller-manager.
//
// With leaderElect, the controllers are built and started when it becomes
// leader and stopped (destroyed) when it loses the lease; a new term builds
// fresh controllers that rebuild their state from the API. Without it they
// start at once.
//
// Part contract: start()/stop(); stop() returns once no controller runs.
// Thread-safe. Client and clock must outlive it.
class ControllerManager final
{
public:
    using Options = ControllerManagerOptions;

    ControllerManager(client::Client &client, const Clock &clock, Options options = {});
    ~ControllerManager();
    ControllerManager(const ControllerManager &) = delete;
    ControllerManager &operator=(const ControllerManager &) = delete;

    void start();
    void stop();
    bool isLeader() const;
    // The names of the controllers it runs, as upstream's --controllers.
    static std::vector<std::string> controllerNames();

private:
    struct Running;
    void startControllers();
    void stopControllers();

    client::Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    std::unique_ptr<client::LeaderElector> m_elector;

    mutable std::mutex m_mutex; // guards m_running
    std::unique_ptr<Running> m_running;
};

} // namespace kubist::controllers
