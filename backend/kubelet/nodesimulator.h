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
// Lifetime and threads: the clock must outlive the simulator, and the
// clients it makes must stay usable until stop() returns. stop() (and the
// destructor) stop the informers, shut the queue down and join the
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
        int workers = 2;
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
    // touches its pods ("power off"); starting it reconciles everything.
    Status startKubelet(const std::string &name);
    Status stopKubelet(const std::string &name);
    bool isKubeletRunning(const std::string &name) const;
    std::vector<std::string> hostedNodes() const;
    // The hosted node's config as the simulator completed it.
    Result<NodeConfig> nodeConfig(const std::string &name) const;

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
    Status addNodeLocked(NodeConfig config, bool adopted);
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
    const std::unique_ptr<client::WorkQueue> m_queue;
    const std::unique_ptr<controllers::WorkerPool> m_workers;

    mutable std::mutex m_mutex; // guards everything below
    std::map<std::string, std::shared_ptr<Kubelet>> m_kubelets;
    std::set<std::string> m_adopted;
    std::set<std::string> m_released; // removed by removeNode: not adopted again
    std::map<std::string, std::vector<StaticPod>> m_pendingStatic; // for nodes not hosted yet
    bool m_started = false;
    bool m_stopped = false;
};

} // namespace kubist::kubelet
