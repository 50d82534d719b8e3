#pragma once

#include "backend/client/client.h"
#include "backend/client/eventrecorder.h"
#include "backend/client/informer.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace k8s::io::api::core::v1 {
class Node;
class Pod;
} // namespace k8s::io::api::core::v1

namespace kubist::controllers {

struct NodeLifecycleControllerOptions
{
    // Upstream --node-monitor-period.
    Clock::Duration nodeMonitorPeriod = std::chrono::seconds(5);
    // Upstream --node-monitor-grace-period (50 s since 1.32).
    Clock::Duration nodeMonitorGracePeriod = std::chrono::seconds(50);
    // A node that never posted its Ready condition gets this long.
    Clock::Duration nodeStartupGracePeriod = std::chrono::seconds(60);
};

// NodeLifecycleController: upstream's node lifecycle controller
// (component "node-controller") together with its TaintEvictionController
// (component "taint-eviction-controller").
//
// Node health: every nodeMonitorPeriod each Node is checked. The controller
// remembers when it last saw the node's Lease (kube-node-lease/<node>)
// renewTime or its Ready condition's lastHeartbeatTime change (the "probe
// time"; a node seen for the first time counts from then). Once the probe
// time is more than nodeMonitorGracePeriod old (nodeStartupGracePeriod
// while Ready was never posted), the Ready, MemoryPressure, DiskPressure
// and PIDPressure conditions become Unknown (reason NodeStatusUnknown,
// "Kubelet stopped posting node status."; NodeStatusNeverUpdated for a
// condition never posted) through nodes/status. A Ready condition turning
// from True records a "NodeNotReady" event on the node, and while Ready is
// not True the pods bound to the node get their Ready condition set to
// False (upstream MarkPodsNotReady, event "NodeNotReady" on each pod).
//
// Taints (spec.taints, only the controller's own keys are touched):
// - NoExecute: node.kubernetes.io/unreachable while Ready is Unknown,
//   node.kubernetes.io/not-ready while it is False, with timeAdded; both
//   removed while Ready is True (the kubelet posts that when it is back);
// - NoSchedule (upstream TaintNodesByCondition): not-ready / unreachable as
//   above, memory-pressure, disk-pressure, pid-pressure and
//   network-unavailable while those conditions are True, unschedulable
//   while spec.unschedulable.
// Taints are applied at once (upstream's per-zone rate limiting of
// NoExecute tainting is not modelled).
//
// Taint-based eviction: a pod bound to a node with NoExecute taints is
// deleted (graceful, after a DisruptionTarget condition with reason
// DeletionByTaintManager, event "TaintManagerEviction" "Marking for
// deletion Pod ns/name") when some taint is not tolerated, or when a
// tolerating toleration's tolerationSeconds ran out, counted from the
// taint's timeAdded (a timer of the clock); a toleration without
// tolerationSeconds tolerates forever.
//
// Lifetime: client and clock must outlive the controller. start() once;
// stop() (also the destructor) stops informers, timers and workers; once
// it returns nothing of the controller runs. A new instance rebuilds
// everything from the API (its probe times start afresh, as upstream's).
class NodeLifecycleController final
{
public:
    using Options = NodeLifecycleControllerOptions;

    NodeLifecycleController(client::Client &client, const Clock &clock, Options options = {});
    ~NodeLifecycleController();
    NodeLifecycleController(const NodeLifecycleController &) = delete;
    NodeLifecycleController &operator=(const NodeLifecycleController &) = delete;

    void start();
    void stop();

private:
    struct Health
    {
        int64_t renewNanos = -1;
        int64_t heartbeatNanos = -1;
        Clock::Time probeTime;
        std::string readyStatus; // as last observed
    };

    Status syncNode(const std::string &name);
    Status evictPod(const std::string &key);
    Status markPodsNotReady(const k8s::io::api::core::v1::Node &node);
    void enqueuePodsOnNode(const std::string &nodeName);
    bool waitForCaches();

    client::Client &m_client;
    const Clock &m_clock;
    const Options m_options;
    client::EventRecorder m_nodeRecorder;
    client::EventRecorder m_evictionRecorder;
    client::WorkQueue m_nodeQueue;
    client::WorkQueue m_podQueue;
    std::unique_ptr<client::Informer> m_nodes;
    std::unique_ptr<client::Informer> m_leases;
    std::unique_ptr<client::Informer> m_pods;
    WorkerPool m_nodeWorkers;
    WorkerPool m_podWorkers;
    std::atomic<bool> m_started{false};
    std::atomic<bool> m_stopped{false};

    std::mutex m_mutex; // guards m_health
    std::map<std::string, Health> m_health;
};

} // namespace kubist::controllers
