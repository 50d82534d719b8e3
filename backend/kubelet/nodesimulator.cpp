#include "backend/kubelet/nodesimulator.h"

#include "backend/api/scheme.h"
#include "backend/client/indexer.h"
#include "backend/client/informer.h"
#include "backend/client/objectkey.h"
#include "backend/client/workqueue.h"
#include "backend/controllers/common/workerpool.h"
#include "backend/util/log.h"

#include "core_v1.pb.h"

namespace kubist::kubelet {

namespace core = k8s::io::api::core::v1;

namespace {

const api::KindInfo &podKind()
{
    return *api::Scheme::builtin().byDescriptor(core::Pod::descriptor());
}
const api::KindInfo &nodeKind()
{
    return *api::Scheme::builtin().byDescriptor(core::Node::descriptor());
}

client::Informer::Options informerOptions(const std::string &name)
{
    client::Informer::Options o;
    o.name = name;
    return o;
}

client::WorkQueue::Options queueOptions(const char *name)
{
    client::WorkQueue::Options o;
    o.name = name;
    return o;
}

// Addresses for the n-th simulated node. The first 250 keep the scheme of
// small clusters (10.244.n.0/24, 172.18.0.n+2); larger clusters continue in
// 10.1.0.0/16 .. 10.95.255.0/24 (below the Service range 10.96.0.0/12) and
// 172.18.1.0 onwards, enough for kMaxSimulatedNodes.
constexpr int kMaxSimulatedNodes = 250 * 95;

std::string podCIDRFor(int n)
{
    if (n < 250)
        return "10.244." + std::to_string(n) + ".0/24";
    const int m = n - 250;
    return "10." + std::to_string(1 + m / 256) + "." + std::to_string(m % 256) + ".0/24";
}
std::string internalIPFor(int n)
{
    return "172.18." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 2);
}

} // namespace

NodeSimulator::NodeSimulator(ClientFactory clientFor, const Clock &clock)
    : NodeSimulator(std::move(clientFor), clock, Options{})
{}

NodeSimulator::NodeSimulator(ClientFactory clientFor, const Clock &clock, Options options)
    : m_clientFor(std::move(clientFor))
    , m_clock(clock)
    , m_options(std::move(options))
    , m_client(m_clientFor("node-simulator"))
    , m_podInformer(std::make_unique<client::Informer>(*m_client, podKind(), clock,
                                                       informerOptions("node-simulator/pods")))
    , m_nodeInformer(std::make_unique<client::Informer>(*m_client, nodeKind(), clock,
                                                        informerOptions("node-simulator/nodes")))
    , m_queue(std::make_unique<client::WorkQueue>(clock, queueOptions("node-simulator")))
    , m_nodeQueue(
          std::make_unique<client::WorkQueue>(clock, queueOptions("node-simulator/heartbeats")))
    , m_workers(std::make_unique<controllers::WorkerPool>(
          *m_queue, [this](const std::string &key) { return sync(key); },
          std::max(1, m_options.workers), "node-simulator"))
    , m_nodeWorkers(std::make_unique<controllers::WorkerPool>(
          *m_nodeQueue, [this](const std::string &key) { return sync(key); },
          std::max(1, m_options.heartbeatWorkers), "node-simulator/heartbeats"))
{
    (void)m_podInformer->addIndex(client::kNodeNameIndex, client::podNodeNameIndexFunc());
    m_podInformer->addEventHandler(
        {[this](const client::ObjectPtr &p) { enqueuePod(p); },
         [this](const client::ObjectPtr &, const client::ObjectPtr &p) { enqueuePod(p); },
         [this](const client::ObjectPtr &p) { enqueuePod(p); }});
    m_nodeInformer->addEventHandler(
        {[this](const client::ObjectPtr &n) { m_nodeQueue->add(client::objectKey(*n)); },
         [this](const client::ObjectPtr &, const client::ObjectPtr &n) {
             m_nodeQueue->add(client::objectKey(*n));
         },
         [this](const client::ObjectPtr &n) { onNodeDeleted(n); }});
}

NodeSimulator::~NodeSimulator()
{
    stop();
}

void NodeSimulator::start()
{
    std::vector<std::shared_ptr<Kubelet>> kubelets;
    {
        std::lock_guard lock(m_mutex);
        if (m_started || m_stopped)
            return;
        m_started = true;
        for (const auto &[name, k] : m_kubelets)
            kubelets.push_back(k);
    }
    m_podInformer->start();
    m_nodeInformer->start();
    m_workers->start();
    m_nodeWorkers->start();
    for (const std::shared_ptr<Kubelet> &k : kubelets)
        k->start();
}

void NodeSimulator::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopped)
            return;
        m_stopped = true;
        for (const auto &[name, k] : m_kubelets)
            k->stop();
    }
    m_podInformer->stop();
    m_nodeInformer->stop();
    m_queue->shutDown();
    m_nodeQueue->shutDown();
    m_workers->stop();
    m_nodeWorkers->stop();
}

std::shared_ptr<Kubelet> NodeSimulator::kubeletFor(const std::string &node) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_kubelets.find(node);
    return it == m_kubelets.end() ? nullptr : it->second;
}

std::shared_ptr<Kubelet> NodeSimulator::kubeletOfPod(const std::string &ns,
                                                     const std::string &name) const
{
    client::ObjectPtr obj = m_podInformer->indexer().get(client::objectKey(ns, name));
    if (!obj)
        return nullptr;
    const auto &pod = static_cast<const core::Pod &>(*obj);
    if (pod.spec().node_name().empty())
        return nullptr;
    return kubeletFor(pod.spec().node_name());
}

std::vector<std::shared_ptr<Kubelet>> NodeSimulator::kubelets() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::shared_ptr<Kubelet>> out;
    out.reserve(m_kubelets.size());
    for (const auto &[name, k] : m_kubelets)
        out.push_back(k);
    return out;
}

Status NodeSimulator::addNode(NodeConfig config)
{
    std::lock_guard lock(m_mutex);
    m_released.erase(config.name);
    return addNodeLocked(std::move(config), false);
}

Status NodeSimulator::addNodeLocked(NodeConfig config, bool adopted)
{
    if (config.name.empty())
        return Status::invalidArgument("a node needs a name");
    if (m_kubelets.contains(config.name))
        return Status::alreadyExists("node \"" + config.name + "\" is already hosted");
    if (config.podCIDR.empty() || config.internalIP.empty()) {
        // The lowest free number (below m_firstMaybeFree every number is
        // taken, so adding thousands of nodes is not quadratic).
        for (int n = m_firstMaybeFree; n < kMaxSimulatedNodes; ++n) {
            const bool cidrTaken = m_podCIDRs.contains(podCIDRFor(n));
            const bool ipTaken = m_internalIPs.contains(internalIPFor(n));
            if (n == m_firstMaybeFree && cidrTaken && ipTaken)
                ++m_firstMaybeFree;
            if (config.podCIDR.empty() && cidrTaken)
                continue;
            if (config.internalIP.empty() && ipTaken)
                continue;
            if (config.podCIDR.empty())
                config.podCIDR = podCIDRFor(n);
            if (config.internalIP.empty())
                config.internalIP = internalIPFor(n);
            break;
        }
    }
    const std::string name = config.name;
    auto kubelet = std::make_shared<Kubelet>(
        std::move(config), m_clientFor("kubelet/" + name), m_clock, m_options,
        Kubelet::Context{m_podInformer->indexer(), m_nodeInformer->indexer(), *m_queue,
                         *m_nodeQueue});
    if (auto pending = m_pendingStatic.find(name); pending != m_pendingStatic.end()) {
        kubelet->setStaticPods(std::move(pending->second));
        m_pendingStatic.erase(pending);
    }
    m_podCIDRs.insert(kubelet->config().podCIDR);
    m_internalIPs.insert(kubelet->config().internalIP);
    m_kubelets.emplace(name, kubelet);
    if (adopted)
        m_adopted.insert(name);
    else
        m_adopted.erase(name);
    if (m_started && !m_stopped)
        kubelet->start();
    return {};
}

void NodeSimulator::forgetAddressesLocked(const Kubelet &kubelet)
{
    if (const auto it = m_podCIDRs.find(kubelet.config().podCIDR); it != m_podCIDRs.end())
        m_podCIDRs.erase(it);
    if (const auto it = m_internalIPs.find(kubelet.config().internalIP); it != m_internalIPs.end())
        m_internalIPs.erase(it);
    m_firstMaybeFree = 0;
}

Status NodeSimulator::removeNode(const std::string &name)
{
    std::shared_ptr<Kubelet> k;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_kubelets.find(name);
        if (it == m_kubelets.end())
            return Status::notFound("node \"" + name + "\" is not hosted");
        k = it->second;
        forgetAddressesLocked(*k);
        m_kubelets.erase(it);
        m_adopted.erase(name);
        m_released.insert(name);
    }
    k->stop();
    return {};
}

Status NodeSimulator::startKubelet(const std::string &name)
{
    std::shared_ptr<Kubelet> k = kubeletFor(name);
    if (!k)
        return Status::notFound("node \"" + name + "\" is not hosted");
    {
        std::lock_guard lock(m_mutex);
        if (!m_started || m_stopped)
            return Status::unavailable("the node simulator is not running");
    }
    if (!k->isPoweredOn())
        return Status::unavailable("node \"" + name + "\" is powered off");
    k->start();
    return {};
}

Status NodeSimulator::powerOff(const std::string &node)
{
    std::shared_ptr<Kubelet> k = kubeletFor(node);
    if (!k)
        return Status::notFound("node \"" + node + "\" is not hosted");
    if (k->isPoweredOn())
        logInfo("node-simulator", "node " + node + " loses power");
    k->powerOff();
    return {};
}

Status NodeSimulator::powerOn(const std::string &node)
{
    std::shared_ptr<Kubelet> k = kubeletFor(node);
    if (!k)
        return Status::notFound("node \"" + node + "\" is not hosted");
    if (k->isPoweredOn())
        return {};
    logInfo("node-simulator", "node " + node + " powers on");
    k->powerOn();
    bool running = false;
    {
        std::lock_guard lock(m_mutex);
        running = m_started && !m_stopped;
    }
    if (running)
        k->start();
    return {};
}

Status NodeSimulator::setPartitioned(const std::string &node, bool partitioned)
{
    std::shared_ptr<Kubelet> k = kubeletFor(node);
    if (!k)
        return Status::notFound("node \"" + node + "\" is not hosted");
    if (k->isPartitioned() != partitioned)
        logInfo("node-simulator", "node " + node +
                                      (partitioned ? " is cut off from the API server"
                                                   : " reaches the API server again"));
    k->setPartitioned(partitioned);
    return {};
}

Status NodeSimulator::stopRuntime(const std::string &node)
{
    std::shared_ptr<Kubelet> k = kubeletFor(node);
    if (!k)
        return Status::notFound("node \"" + node + "\" is not hosted");
    return k->stopRuntime();
}

Status NodeSimulator::startRuntime(const std::string &node)
{
    std::shared_ptr<Kubelet> k = kubeletFor(node);
    if (!k)
        return Status::notFound("node \"" + node + "\" is not hosted");
    return k->startRuntime();
}

Result<NodeFaultState> NodeSimulator::faultState(const std::string &node) const
{
    std::shared_ptr<Kubelet> k = kubeletFor(node);
    if (!k)
        return Status::notFound("node \"" + node + "\" is not hosted");
    NodeFaultState state;
    state.poweredOn = k->isPoweredOn();
    state.partitioned = k->isPartitioned();
    state.runtimeRunning = k->isRuntimeUp();
    return state;
}

Status NodeSimulator::setCrashLoop(const std::string &ns, const std::string &pod, bool on)
{
    std::shared_ptr<Kubelet> k = kubeletOfPod(ns, pod);
    if (!k)
        return Status::notFound("pods \"" + pod + "\" not found on a simulated node");
    return k->setCrashLoop(ns, pod, on);
}

bool NodeSimulator::isPodServing(const std::string &ns, const std::string &pod) const
{
    if (std::shared_ptr<Kubelet> k = kubeletOfPod(ns, pod))
        return k->isPodServing(ns, pod);
    // Gone from the API (deleted while its node was partitioned, say): a
    // kubelet may still run it.
    for (const std::shared_ptr<Kubelet> &k : kubelets())
        if (k->isPodServing(ns, pod))
            return true;
    return false;
}

bool NodeSimulator::hostsPod(const std::string &ns, const std::string &pod) const
{
    return kubeletOfPod(ns, pod) != nullptr;
}

void NodeSimulator::appendPodLog(const std::string &ns, const std::string &pod,
                                 const std::string &line)
{
    if (std::shared_ptr<Kubelet> k = kubeletOfPod(ns, pod)) {
        k->appendPodLog(ns, pod, line);
        return;
    }
    for (const std::shared_ptr<Kubelet> &k : kubelets())
        if (k->appendPodLog(ns, pod, line))
            return;
}

Status NodeSimulator::stopKubelet(const std::string &name)
{
    std::shared_ptr<Kubelet> k = kubeletFor(name);
    if (!k)
        return Status::notFound("node \"" + name + "\" is not hosted");
    k->stop();
    return {};
}

bool NodeSimulator::isKubeletRunning(const std::string &name) const
{
    std::shared_ptr<Kubelet> k = kubeletFor(name);
    return k && k->isRunning();
}

std::vector<std::string> NodeSimulator::hostedNodes() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::string> out;
    for (const auto &[name, k] : m_kubelets)
        out.push_back(name);
    return out;
}

Result<NodeConfig> NodeSimulator::nodeConfig(const std::string &name) const
{
    std::shared_ptr<Kubelet> k = kubeletFor(name);
    if (!k)
        return Status::notFound("node \"" + name + "\" is not hosted");
    return k->config();
}

Status NodeSimulator::crashContainer(const std::string &ns, const std::string &pod,
                                     const std::string &container, int32_t exitCode)
{
    std::shared_ptr<Kubelet> k = kubeletOfPod(ns, pod);
    if (!k)
        return Status::notFound("pods \"" + pod + "\" not found on a simulated node");
    return k->crashContainer(ns, pod, container, exitCode);
}

Status NodeSimulator::setProbeResult(const std::string &ns, const std::string &pod,
                                     const std::string &container, bool success, ProbeKind kind)
{
    std::shared_ptr<Kubelet> k = kubeletOfPod(ns, pod);
    if (!k)
        return Status::notFound("pods \"" + pod + "\" not found on a simulated node");
    return k->setProbeResult(ns, pod, container, kind, success);
}

Result<std::string> NodeSimulator::podLog(const std::string &ns, const std::string &name,
                                          const client::LogOptions &options)
{
    std::shared_ptr<Kubelet> k = kubeletOfPod(ns, name);
    if (!k)
        return Status::notFound("pods \"" + name + "\" not found");
    return k->podLog(ns, name, options);
}

void NodeSimulator::setStaticPods(const std::string &node, std::vector<StaticPod> pods)
{
    std::shared_ptr<Kubelet> k;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_kubelets.find(node);
        if (it == m_kubelets.end()) {
            m_pendingStatic[node] = std::move(pods);
            return;
        }
        k = it->second;
    }
    k->setStaticPods(std::move(pods));
}

void NodeSimulator::enqueuePod(const client::ObjectPtr &obj)
{
    const auto &pod = static_cast<const core::Pod &>(*obj);
    const std::string &node = pod.spec().node_name();
    if (node.empty())
        return;
    {
        std::lock_guard lock(m_mutex);
        if (!m_kubelets.contains(node))
            return;
    }
    m_queue->add(Kubelet::podKey(node, pod.metadata().namespace_(), pod.metadata().name()));
}

void NodeSimulator::onNodeDeleted(const client::ObjectPtr &obj)
{
    const std::string name = client::objectKey(*obj);
    std::shared_ptr<Kubelet> k;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_kubelets.find(name);
        if (it == m_kubelets.end())
            return;
        k = it->second;
        if (m_adopted.contains(name)) {
            forgetAddressesLocked(*k);
            m_kubelets.erase(it);
            m_adopted.erase(name);
        }
    }
    logInfo("node-simulator", "node " + name + " was deleted: its kubelet stops");
    k->nodeDeleted();
}

void NodeSimulator::adoptOrForget(const std::string &node)
{
    client::ObjectPtr obj = m_nodeInformer->indexer().get(node);
    if (!obj)
        return;
    const auto &n = static_cast<const core::Node &>(*obj);
    auto label = n.metadata().labels().find(kSimulatedLabel);
    if (label == n.metadata().labels().end() || label->second != "true")
        return;
    if (n.metadata().has_deletion_timestamp())
        return;
    NodeConfig config;
    config.name = node;
    auto quantity = [&](const char *name, const std::string &fallback) {
        auto it = n.status().capacity().find(name);
        return it != n.status().capacity().end() && !it->second.value().empty() ? it->second.value()
                                                                                : fallback;
    };
    config.cpu = quantity("cpu", config.cpu);
    config.memory = quantity("memory", config.memory);
    config.pods = quantity("pods", config.pods);
    for (const auto &[k, v] : n.metadata().labels())
        config.labels[k] = v;
    for (const core::Taint &t : n.spec().taints())
        config.taints.push_back({t.key(), t.value(), t.effect()});
    config.podCIDR = n.spec().pod_cidr();
    for (const core::NodeAddress &a : n.status().addresses())
        if (a.type() == "InternalIP")
            config.internalIP = a.address();
    std::lock_guard lock(m_mutex);
    if (m_stopped || m_released.contains(node) || m_kubelets.contains(node))
        return;
    logInfo("node-simulator", "adopting node " + node);
    (void)addNodeLocked(std::move(config), true);
}

Status NodeSimulator::sync(const std::string &key)
{
    const size_t slash = key.find('/');
    if (slash == std::string::npos) {
        std::shared_ptr<Kubelet> k = kubeletFor(key);
        if (!k) {
            adoptOrForget(key);
            return {};
        }
        return k->syncNode();
    }
    std::shared_ptr<Kubelet> k = kubeletFor(key.substr(0, slash));
    if (!k)
        return {};
    const auto [ns, name] = client::splitObjectKey(key.substr(slash + 1));
    return k->syncPod(ns, name);
}

} // namespace kubist::kubelet
