#pragma once

#include "backend/client/client.h"
#include "backend/kubelet/kubelet.h"
#include "backend/util/clock.h"
#include "backend/util/status.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace kubist::client {
class Informer;
class WorkQueue;
} // namespace kubist::client
namespace kubist::controllers {
class WorkerPool;
}

namespace kubist::kubelet {

// The faults injected into one simulated node (see NodeSimulator).
struct NodeFaultState
{
    bool poweredOn = true;
    bool partitioned = false;
    bool runtimeRunning = true; // false while powered off, too
};

// NodeSimulator: the control-plane part that hosts every simulated node -
// one Kubelet and one ContainerRuntime per node - over shared machinery:
// one pod informer (all pods, indexed by spec.nodeName), one node
// informer, one work queue and a small worker pool. No thread per node.
//
// Each kubelet gets its own Client from `clientFor("kubelet/<node>")` (so
// the API server's activity shows per-node traffic); the shared informers
// use the identity "node-simulator".
//
// Adoption: a Node labelled kubist.io/simulated=true that no kubelet hosts
// gets one, configured from the Node itself (capacity, labels, taints,
// podCIDR, InternalIP), so `kubectl apply -f node.yaml` adds a worker. A
// hosted Node deleted through the API stops its kubelet (an adopted one is
// simply dropped).
//
// Fault injection, per node: power off/on (the kubelet stops and every
// container dies; on power on it restarts them), a network partition (the
// kubelet cannot reach the API server: it makes no API call and acts on no
// change it could not see, while its containers keep running), the
// container runtime stopped (containers exit, the node turns NotReady) and,
// per pod, a crash loop. isPodServing()/appendPodLog() let simulated
// traffic see the truth of the nodes rather than the API's view.
//
// Lifetime and threads: the clock must outlive the simulator, and the
// clients it makes must stay usable until stop() returns. stop() (and the
// destructor) stop the informers, shut the queues down and join the
// workers; once it returns no sync, timer or handler of the simulator runs
// any more. A stopped simulator is not restarted. Every other function is
// thread-safe and may be called before start() (nodes added then start
// with it).
class NodeSimulator final
{
public:
    using ClientFactory =
        std::function<std::unique_ptr<client::Client>(const std::string &identity)>;

    struct Options : KubeletOptions
    {
        int workers = 2; // pod syncs
        // Node syncs (Lease renewals, node status): their own queue and
        // workers, so pod work never holds a heartbeat back.
        int heartbeatWorkers = 2;
    };

    static constexpr const char kSimulatedLabel[] = "kubist.io/simulated";

    NodeSimulator(ClientFactory clientFor, const Clock &clock);
    NodeSimulator(ClientFactory clientFor, const Clock &clock, Options options);
    ~NodeSimulator();
    NodeSimulator(const NodeSimulator &) = delete;
    NodeSimulator &operator=(const NodeSimulator &) = delete;

    void start();
    void stop();

    // Hosts a kubelet for the node (which registers the Node when it
    // starts). An empty podCIDR / internalIP gets 10.244.<n>.0/24 /
    // 172.18.0.<n+2> with the first free n. Fails with AlreadyExists for a
    // hosted name, InvalidArgument for an empty one.
    Status addNode(NodeConfig config);
    // Stops hosting the node (its Node object stays).
    Status removeNode(const std::string &name);
    // A stopped kubelet neither renews its lease, nor posts status, nor
    // touches its pods (its containers stay as they are); starting it
    // reconciles everything. startKubelet() fails with Unavailable while the
    // node is powered off.
    Status startKubelet(const std::string &name);
    Status stopKubelet(const std::string &name);
    bool isKubeletRunning(const std::string &name) const;
    std::vector<std::string> hostedNodes() const;
    // The hosted node's config as the simulator completed it.
    Result<NodeConfig> nodeConfig(const std::string &name) const;

    // Faults of a hosted node; NotFound for a node not hosted.
    //
    // powerOff(): the kubelet stops (no lease, no status, no pod work) and
    // the node's runtime goes down: every container dies at once (exit code
    // 255, reason "Unknown", as containerd reports containers lost with the
    // machine). The pods keep their API status until the node lifecycle
    // controller acts. powerOn(): the runtime comes up and a fresh kubelet
    // process starts (if the simulator runs; else with it): pods still bound
    // here get their containers started again (restartCount + 1, lastState
    // terminated 255 "Unknown"), pods deleted meanwhile are cleaned up (a
    // final DELETE for terminating ones), the Node reports a new boot id.
    // Both are idempotent.
    Status powerOff(const std::string &node);
    Status powerOn(const std::string &node);
    // While partitioned, the node's kubelet makes no API call at all and
    // freezes its view of its pods (a pod deleted or evicted meanwhile keeps
    // its containers), but its containers keep running (and restart per
    // restartPolicy). Healing reconciles everything: status posted, the
    // lease renewed, pods deleted meanwhile terminated and deleted.
    Status setPartitioned(const std::string &node, bool partitioned);
    // The node's container runtime stops while its kubelet keeps running:
    // every container exits (255 "Unknown"), the kubelet reports them
    // (waiting ContainerCreating with the runtime's dial error, Ready
    // False), cannot pull or start anything, and the Node's Ready condition
    // is False (KubeletNotReady, "container runtime is down"). startRuntime()
    // restarts containers per restartPolicy and the node goes Ready again.
    // stopRuntime() on a powered-off node does nothing; startRuntime() fails
    // with Unavailable there.
    Status stopRuntime(const std::string &node);
    Status startRuntime(const std::string &node);
    Result<NodeFaultState> faultState(const std::string &node) const;

    // While on, every container of the pod exits with code 1 (reason Error)
    // right after it starts (running ones crash at once), so it goes
    // through CrashLoopBackOff (10 s doubling to 5 min); off: the next start
    // stays up. NotFound when the pod is not on a hosted node; Unsupported
    // for a static pod's mirror pod. Ends when the pod leaves the node.
    Status setCrashLoop(const std::string &ns, const std::string &pod, bool on);

    // For simulated traffic (cheap: no API call, short locks; any thread):
    // whether the pod really serves - it is on a hosted node that is powered
    // on with its runtime up, and every regular container runs and is ready
    // by its kubelet's own probe state (a partitioned node's pods serve).
    bool isPodServing(const std::string &ns, const std::string &pod) const;
    // Whether the pod (as the shared informer knows it) is bound to a hosted node.
    bool hostsPod(const std::string &ns, const std::string &pod) const;
    // Appends `line` (timestamped with the clock) to the log of the pod's
    // first running container, so `kubectl logs` shows it; dropped when no
    // container of the pod runs.
    void appendPodLog(const std::string &ns, const std::string &pod, const std::string &line);

    // The container exits now with exitCode; an empty name: every running
    // container of the pod (Invalid when none runs).
    Status crashContainer(const std::string &ns, const std::string &pod,
                          const std::string &container, int32_t exitCode = 1);
    Status setProbeResult(const std::string &ns, const std::string &pod,
                          const std::string &container, bool success,
                          ProbeKind kind = ProbeKind::Readiness);
    // GET pods/log as the kubelet answers it; NotFound when the pod is not
    // on a hosted node.
    Result<std::string> podLog(const std::string &ns, const std::string &name,
                               const client::LogOptions &options);

    // The node's static pods: its kubelet keeps a mirror pod "<name>-<node>"
    // in kube-system for each (Running and Ready while `running`, its
    // container terminated while not), recreates deleted mirror pods and
    // deletes those of static pods no longer listed. For a node not hosted
    // yet, the list waits for addNode() (or adoption).
    void setStaticPods(const std::string &node, std::vector<StaticPod> pods);

private:
    std::shared_ptr<Kubelet> kubeletFor(const std::string &node) const;
    std::shared_ptr<Kubelet> kubeletOfPod(const std::string &ns, const std::string &name) const;
    std::vector<std::shared_ptr<Kubelet>> kubelets() const;
    Status addNodeLocked(NodeConfig config, bool adopted);
    // Takes `kubelet`'s pod CIDR and internal IP off the taken ones.
    void forgetAddressesLocked(const Kubelet &kubelet);
    Status sync(const std::string &key);
    void adoptOrForget(const std::string &node);
    void enqueuePod(const client::ObjectPtr &pod);
    void onNodeDeleted(const client::ObjectPtr &node);

    // Constant after construction.
    const ClientFactory m_clientFor;
    const Clock &m_clock;
    const Options m_options;
    const std::unique_ptr<client::Client> m_client;
    const std::unique_ptr<client::Informer> m_podInformer;
    const std::unique_ptr<client::Informer> m_nodeInformer;
    const std::unique_ptr<client::WorkQueue> m_queue;     // pod keys
    const std::unique_ptr<client::WorkQueue> m_nodeQueue; // node keys
    const std::unique_ptr<controllers::WorkerPool> m_workers;
    const std::unique_ptr<controllers::WorkerPool> m_nodeWorkers;

    mutable std::mutex m_mutex; // guards everything below
    std::map<std::string, std::shared_ptr<Kubelet>> m_kubelets;
    // The hosted kubelets' pod CIDRs and internal IPs, and a number below
    // which every generated pair is taken (addNodeLocked's search start).
    std::multiset<std::string> m_podCIDRs;
    std::multiset<std::string> m_internalIPs;
    int m_firstMaybeFree = 0;
    std::set<std::string> m_adopted;
    std::set<std::string> m_released; // removed by removeNode: not adopted again
    std::map<std::string, std::vector<StaticPod>> m_pendingStatic; // for nodes not hosted yet
    bool m_started = false;
    bool m_stopped = false;
};

} // namespace kubist::kubelet
