#pragma once

#include "backend/faults/faultspec.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kubist::cluster {

// ClusterControl: the narrow door from the GUI to what only an embedded
// cluster can do — inject and heal faults (power, partitions, container
// runtimes, kube-proxies, crashing containers, stopping the master's
// parts), add and remove simulated nodes, steer the simulated traffic, and
// read the API server's activity for the picture's pulses. Everything else
// the GUI does goes through the Client, as it would on a real cluster;
// attached to a remote cluster there is no ClusterControl (a null pointer)
// and the GUI hides these actions. Pace (pause, step, speed) is the
// SimClock's, which the GUI owns.
//
// Every fault injected here is also a kubist.io/v1alpha1 Fault object
// (created through the API as soon as the API can take it, so `kubectl get
// faults` shows what the GUI did); faults created through the API are
// injected by the cluster's fault controller. Either way, injecting and
// healing happen directly, even while the API server or etcd is down, and
// the Fault's status is brought up to date when the API answers again.
//
// Implementations are thread-safe; calls may block briefly (a stopped part
// joins its threads), so the GUI calls them off its own thread or accepts a
// short pause.
class ClusterControl
{
public:
    // The master's parts, as the picture names them.
    enum class Component { Etcd, ApiServer, Scheduler, ControllerManager };

    // What a Fault does and what became of it (backend/faults/faultspec.h).
    using FaultSpec = faults::FaultSpec;
    using FaultState = faults::FaultState;

    virtual ~ClusterControl() = default;

    // Injects a fault now and returns its Fault's name. InvalidArgument for
    // an impossible fault (unknown node, pod or component, an action that
    // does not fit the target), AlreadyExists when the same action is
    // already in force on the same target.
    virtual Result<std::string> injectFault(const FaultSpec &spec) = 0;
    // Heals a fault now (NotFound when no such fault is active).
    virtual Status healFault(const std::string &name) = 0;
    // Active faults first (oldest first), then the most recent healed ones.
    virtual std::vector<FaultState> faults() const = 0;

    // Shorthands for the common faults (an inject, or a heal of the active
    // fault of that action on that target).
    virtual Status stopComponent(Component component) = 0;
    virtual Status startComponent(Component component) = 0;
    virtual bool isComponentRunning(Component component) const = 0;
    virtual Status powerOffNode(const std::string &node) = 0;
    virtual Status powerOnNode(const std::string &node) = 0;
    virtual bool isNodePoweredOn(const std::string &node) const = 0;

    // What is wrong with a simulated node right now.
    struct NodeHealth
    {
        bool poweredOn = true;
        bool partitioned = false;
        bool runtimeRunning = true;
        bool proxyRunning = true;
    };
    // NotFound for a node the embedded cluster does not simulate.
    virtual Result<NodeHealth> nodeHealth(const std::string &node) const = 0;

    // One crash of a pod's container (every container when `container` is
    // empty): it exits with code 1 and the kubelet restarts it with
    // backoff. Not a Fault (it is over at once).
    virtual Status crashContainer(const std::string &ns, const std::string &pod,
                                  const std::string &container = {}) = 0;

    // A new simulated worker (its Node is registered by its kubelet);
    // empty name: the next free "worker-N". Returns the name.
    virtual Result<std::string> addNode(const std::string &name = {}) = 0;
    // Stops simulating the node and deletes its Node object.
    virtual Status removeNode(const std::string &node) = 0;

    // Simulated traffic to Services (requests per second of cluster time;
    // <= 0 stops it). NotFound while the traffic generator is not running.
    struct TrafficStats
    {
        uint64_t succeeded = 0;
        uint64_t failed = 0;
    };
    virtual Status setTrafficRate(const std::string &ns, const std::string &service,
                                  double rps) = 0;
    virtual double trafficRate(const std::string &ns, const std::string &service) const = 0;
    virtual TrafficStats serviceTraffic(const std::string &ns,
                                        const std::string &service) const = 0;
    virtual TrafficStats podTraffic(const std::string &ns, const std::string &pod) const = 0;
    // The last minute, one bucket per second of cluster time, oldest first
    // (the last bucket still filling); empty for a Service without traffic.
    virtual std::vector<TrafficStats> trafficHistory(const std::string &ns,
                                                     const std::string &service) const = 0;

    // One request the API server answered (for the picture's pulses).
    struct Activity
    {
        std::string
            actor; // "kube-scheduler", "kube-controller-manager", "kubelet/worker-2", "admin"
        std::string verb;     // get, list, watch, create, update, patch, delete
        std::string resource; // "pods", "pods/binding", "leases", ...
        std::string ns;
        std::string name;
        int code = 200;
        bool touchedStore = false; // the request reached etcd
    };
    // Requests answered since the previous call (one consumer: the GUI's
    // model). Bounded: a slow consumer loses the oldest and gets `dropped`.
    virtual std::vector<Activity> takeActivity(uint64_t *dropped = nullptr) = 0;
};

} // namespace kubist::cluster
