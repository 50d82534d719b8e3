#include "backend/cluster/embeddedcluster.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/scheme.h"
#include "backend/api/yamlcodec.h"
#include "backend/apiserver/activitystream.h"
#include "backend/apiserver/apiserver.h"
#include "backend/apiserver/http/apihandler.h"
#include "backend/apiserver/http/certificates.h"
#include "backend/apiserver/http/httpserver.h"
#include "backend/client/objectkey.h"
#include "backend/cluster/demomanifests.h"
#include "backend/controllers/controllermanager/controllermanager.h"
#include "backend/faults/faultcontroller.h"
#include "backend/kubelet/nodesimulator.h"
#include "backend/proxy/proxysimulator.h"
#include "backend/proxy/trafficgenerator.h"
#include "backend/scheduler/scheduler/scheduler.h"
#include "backend/store/store.h"
#include "backend/util/idletracker.h"
#include "backend/util/log.h"

#include "core_v1.pb.h"
#include "kubist_v1alpha1.pb.h"
#include "meta_v1.pb.h"

#include <google/protobuf/message.h>

#include <QDir>

#include <algorithm>

namespace kubist::cluster {

namespace {

constexpr const char *kComponent = "embedded-cluster";
// The master's simulated address: its Node's InternalIP, and what the
// `kubernetes` Service's endpoints name (the API server really listens on
// loopback; that address is in the kubeconfig).
constexpr const char *kMasterAddress = "172.18.0.2";

std::string join(const std::string &dir, const char *name)
{
    return dir + "/" + name;
}

} // namespace

// Serves pods/log from the node simulator's container logs.
class EmbeddedCluster::LogSource final : public apiserver::PodLogSource
{
public:
    explicit LogSource(EmbeddedCluster &cluster)
        : m_cluster(cluster)
    {}

    Result<std::string> podLog(const std::string &ns, const std::string &name,
                               const client::LogOptions &options) override
    {
        std::lock_guard lock(m_mutex);
        if (!m_nodes)
            return Status::unavailable("the node simulator is stopped");
        return m_nodes->podLog(ns, name, options);
    }

    void setNodes(kubelet::NodeSimulator *nodes)
    {
        std::lock_guard lock(m_mutex);
        m_nodes = nodes;
    }

private:
    [[maybe_unused]] EmbeddedCluster &m_cluster;
    std::mutex m_mutex;
    kubelet::NodeSimulator *m_nodes = nullptr;
};

const char *EmbeddedCluster::partName(Part part)
{
    switch (part) {
    case Part::Etcd:
        return "etcd";
    case Part::ApiServer:
        return "kube-apiserver";
    case Part::Scheduler:
        return "kube-scheduler";
    case Part::ControllerManager:
        return "kube-controller-manager";
    case Part::Nodes:
        return "nodes";
    }
    return "?";
}

EmbeddedCluster::EmbeddedCluster(const Options &options)
    : m_options(options)
    , m_clock(options.clock ? options.clock : &SystemClock::instance())
{}

EmbeddedCluster::~EmbeddedCluster()
{
    stop();
    std::lock_guard lock(m_mutex);
    m_faultController.reset();
    m_faultClient.reset();
    if (m_api && m_logSource)
        m_api->registry().setPodLogSource(nullptr);
    if (m_api)
        m_api->registry().setCreateAdmission("Fault", {});
    m_http.reset();
    m_handler.reset();
    m_clients.clear();
    m_api.reset();
    m_store.reset();
}

Result<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::open(const Options &options)
{
    if (options.dataDir.empty())
        return Status::invalidArgument("no data directory given");
    Options o = options;
    o.dataDir = QDir(QString::fromStdString(options.dataDir)).absolutePath().toStdString();
    if (!QDir().mkpath(QString::fromStdString(o.dataDir)) ||
        !QDir().mkpath(QString::fromStdString(join(o.dataDir, "pki"))))
        return Status::invalidArgument("cannot create the data directory " + o.dataDir);

    std::unique_ptr<EmbeddedCluster> c(new EmbeddedCluster(o));

    // The config: read it back, or decide it now for a new cluster.
    const std::string configFile = join(o.dataDir, "cluster.json");
    Result<ClusterConfig> config = ClusterConfig::load(configFile);
    if (config) {
        c->m_config = *config;
    } else if (config.status().code() == Status::Code::NotFound) {
        if (!TimingProfile::byName(o.profile))
            return Status::invalidArgument("unknown profile \"" + o.profile +
                                           "\" (want demo or realistic)");
        if (o.workers < 0 || o.workers > ClusterConfig::kMaxWorkers)
            return Status::invalidArgument("--nodes wants a number from 0 to " +
                                           std::to_string(ClusterConfig::kMaxWorkers));
        c->m_config.profile = o.profile;
        c->m_config.workers = o.workers;
        c->m_newCluster = true;
    } else {
        return config.status();
    }
    c->m_profile = *TimingProfile::byName(c->m_config.profile);

    store::StoreOptions storeOptions;
    storeOptions.powerSafe = o.powerSafe;
    storeOptions.compactionIntervalMs = o.compactionInterval.count();
    if (IdleTracker *tracker = c->m_clock->idleTracker()) {
        // On a FakeClock (tests): watch deliveries in flight count as work.
        c->m_storeIdle = tracker->registerPart("store/deliveries");
        IdleTracker::Part *part = c->m_storeIdle.get();
        storeOptions.onDeliveryWork = [part](int delta) {
            if (delta > 0)
                part->addWork(delta);
            else
                part->finishWork(-delta);
        };
    }
    Result<std::unique_ptr<store::Store>> store =
        store::Store::open(join(o.dataDir, "store"), storeOptions);
    if (!store)
        return store.status();
    c->m_store = std::move(*store);
    // A store that already holds objects is not new, whatever cluster.json says.
    if (c->m_store->currentRevision() > 0 && c->m_newCluster)
        c->m_newCluster = false;

    Result<apiserver::ServerCredentials> creds =
        apiserver::ensureServerCredentials(join(o.dataDir, "pki"));
    if (!creds)
        return creds.status();
    c->m_credentials = std::make_unique<apiserver::ServerCredentials>(*creds);

    apiserver::Registry::Options registryOptions;
    registryOptions.notReadyTolerationSeconds = c->m_profile.notReadyTolerationSeconds;
    registryOptions.unreachableTolerationSeconds = c->m_profile.unreachableTolerationSeconds;
    registryOptions.advertiseAddress = kMasterAddress;
    c->m_api = std::make_unique<apiserver::ApiServer>(*c->m_store, *c->m_clock, registryOptions);
    if (Status s = c->m_api->registry().bootstrap(); !s)
        return Status(s.code(), "bootstrapping the API: " + s.message());
    c->m_logSource = std::make_unique<LogSource>(*c);
    c->m_api->registry().setPodLogSource(c->m_logSource.get());
    // Impossible Faults are refused at the door (422), as a validating
    // admission webhook would refuse them.
    EmbeddedCluster *self = c.get();
    c->m_api->registry().setCreateAdmission(
        "Fault", [self](const google::protobuf::Message &object) -> apiserver::FieldErrors {
            const auto &fault = static_cast<const io::kubist::v1alpha1::Fault &>(object);
            Result<faults::FaultSpec> spec = faults::fromProto(fault.spec());
            if (!spec)
                return {}; // validation has reported it
            Status s = self->check(*spec);
            if (s || s.code() == Status::Code::Unavailable)
                return {};
            return {apiserver::FieldError::invalid(
                "spec.target", apiserver::quoteValue(spec->targetKind + "/" + spec->name),
                s.message())};
        });
    c->m_faultClient = c->m_api->localClient("kubist-fault-controller");
    faults::FaultInjector &injector = *c;
    c->m_faultController =
        std::make_unique<faults::FaultController>(*c->m_faultClient, *c->m_clock, injector);

    using apiserver::ApiHandler;
    using apiserver::Role;
    c->m_handler = std::make_unique<ApiHandler>(
        *c->m_api,
        std::map<std::string, ApiHandler::Identity>{
            {c->m_credentials->adminToken, ApiHandler::Identity{"admin", Role::Admin}},
            {c->m_credentials->viewerToken, ApiHandler::Identity{"viewer", Role::Viewer}}});
    c->m_handler->setRequireAuthentication(!o.insecureHttp);
    apiserver::HttpServer::Options http;
    http.address = o.address;
    http.port = o.port;
    http.tls = !o.insecureHttp;
    http.certFile = c->m_credentials->certFile;
    http.keyFile = c->m_credentials->keyFile;
    http.clientCaFile = c->m_credentials->caCertFile;
    apiserver::ApiHandler *handler = c->m_handler.get();
    c->m_http = std::make_unique<apiserver::HttpServer>(
        http, [handler](const auto &req, auto &w) { handler->handle(req, w); });
    Result<uint16_t> bound = c->m_http->start();
    if (!bound)
        return bound.status();
    const std::string host =
        o.address.find(':') != std::string::npos ? "[" + o.address + "]" : o.address;
    c->m_url =
        std::string(o.insecureHttp ? "http://" : "https://") + host + ":" + std::to_string(*bound);

    if (c->m_newCluster)
        if (Status s = c->m_config.save(configFile); !s)
            return s;
    return c;
}

std::unique_ptr<client::Client> EmbeddedCluster::client(const std::string &identity)
{
    return m_api->localClient(identity);
}

Status EmbeddedCluster::writeKubeconfig(const std::string &file, bool viewer) const
{
    const bool insecure = m_options.insecureHttp;
    return apiserver::writeKubeconfig(
        file, m_url, insecure ? "" : m_credentials->caCertPem, viewer ? "viewer" : "admin",
        insecure ? "" : (viewer ? m_credentials->viewerToken : m_credentials->adminToken));
}

Status EmbeddedCluster::start()
{
    std::lock_guard lock(m_mutex);
    if (m_started)
        return Status::ok();
    m_started = true;
    if (Status s = startNodes(); !s)
        return s;
    if (m_newCluster)
        if (Status s = createTopology(); !s)
            return s;
    if (Status s = startControllerManager(); !s)
        return s;
    if (Status s = startScheduler(); !s)
        return s;
    updateMasterStaticPods();
    m_faultController->start();
    return Status::ok();
}

void EmbeddedCluster::stop()
{
    // First the fault controller, without the lock: it calls into this
    // cluster while it works.
    if (m_faultController)
        m_faultController->stop();
    std::lock_guard lock(m_mutex);
    if (m_stopped)
        return;
    m_stopped = true;
    m_started = false;
    m_scheduler.reset();
    m_controllers.reset();
    if (m_logSource)
        m_logSource->setNodes(nullptr);
    m_traffic.reset();
    m_proxies.reset();
    m_proxyClient.reset();
    m_nodes.reset();
    m_schedulerClient.reset();
    m_controllerClient.reset();
    // readyz fails first and new requests are turned away; in-flight ones
    // finish and watches end; the store is closed (flushed) by the destructor.
    if (m_handler)
        m_handler->setShuttingDown(true);
    if (m_http)
        m_http->stop(std::chrono::milliseconds(5000));
    if (m_api)
        m_api->stopServing();
}

Status EmbeddedCluster::startScheduler()
{
    if (m_scheduler)
        return Status::ok();
    m_schedulerClient = m_api->localClient("kube-scheduler");
    scheduler::Scheduler::Options o;
    o.identity = "kube-scheduler-master";
    o.leaseDuration = m_profile.leaderLeaseDuration;
    o.renewDeadline = m_profile.leaderRenewDeadline;
    o.retryPeriod = m_profile.leaderRetryPeriod;
    m_scheduler = std::make_unique<scheduler::Scheduler>(*m_schedulerClient, *m_clock, o);
    m_scheduler->start();
    return Status::ok();
}

Status EmbeddedCluster::startControllerManager()
{
    if (m_controllers)
        return Status::ok();
    m_controllerClient = m_api->localClient("kube-controller-manager");
    controllers::ControllerManager::Options o;
    o.identity = "kube-controller-manager-master";
    o.leaseDuration = m_profile.leaderLeaseDuration;
    o.renewDeadline = m_profile.leaderRenewDeadline;
    o.retryPeriod = m_profile.leaderRetryPeriod;
    o.nodeMonitorPeriod = m_profile.nodeMonitorPeriod;
    o.nodeMonitorGracePeriod = m_profile.nodeMonitorGracePeriod;
    m_controllers =
        std::make_unique<controllers::ControllerManager>(*m_controllerClient, *m_clock, o);
    m_controllers->start();
    return Status::ok();
}

Status EmbeddedCluster::startNodes()
{
    if (m_nodes)
        return Status::ok();
    apiserver::ApiServer *api = m_api.get();
    kubelet::NodeSimulator::Options o;
    o.leaseRenewInterval = m_profile.leaseRenewInterval;
    o.leaseDurationSeconds = m_profile.leaseDurationSeconds;
    o.imagePullTime = m_profile.imagePullTime;
    o.nodeStatusReportFrequency = m_profile.nodeStatusReportFrequency;
    // Every kubelet renews its lease each leaseRenewInterval: thousands of
    // nodes mean thousands of durable writes a second, which only keep up
    // when enough of them wait on the store's group commit together.
    o.workers = std::clamp(2 + m_config.workers / 50, 2, 64);
    // 5,000 nodes renew 2,500 leases a second on the demo profile; with a
    // durable write taking ~5 ms, that needs a dozen or more in flight.
    o.heartbeatWorkers = std::clamp(2 + m_config.workers / 200, 2, 32);
    m_nodes = std::make_unique<kubelet::NodeSimulator>(
        [api](const std::string &identity) { return api->localClient(identity); }, *m_clock, o);
    m_nodes->start();
    m_logSource->setNodes(m_nodes.get());
    updateMasterStaticPods();
    return startTraffic();
}

Status EmbeddedCluster::startTraffic()
{
    m_proxyClient = m_api->localClient("kube-proxy");
    m_proxies = std::make_unique<proxy::ProxySimulator>(*m_proxyClient, *m_clock);
    m_proxies->start();
    for (const auto &[key, count] : m_faultCounts)
        if (count > 0 && key.rfind("Node/", 0) == 0)
            applyProxyLocked(key.substr(5, key.find('/', 6) - 5));

    proxy::TrafficGenerator::Options o;
    if (m_trafficRates.empty() && m_options.demoWorkloads && m_options.demoTrafficRate > 0)
        m_trafficRates["default/web"] = m_options.demoTrafficRate;
    o.rates = m_trafficRates;
    o.enterAtStoppedProxies = true; // a stopped kube-proxy leaves its rules in place
    kubelet::NodeSimulator *nodes = m_nodes.get();
    // Requests enter at nodes that have power (the simulator's truth).
    o.nodeUp = [nodes](const std::string &node) {
        Result<kubelet::NodeFaultState> st = nodes->faultState(node);
        return !st || st->poweredOn;
    };
    o.podServing = [nodes](const std::string &ns, const std::string &pod) {
        return nodes->isPodServing(ns, pod);
    };
    o.requestLog = [nodes](const std::string &ns, const std::string &pod, const std::string &line) {
        nodes->appendPodLog(ns, pod, line);
    };
    m_traffic = std::make_unique<proxy::TrafficGenerator>(*m_proxies, *m_clock, std::move(o));
    m_traffic->start();
    return Status::ok();
}

Status EmbeddedCluster::createTopology()
{
    kubelet::NodeConfig master;
    master.name = "master";
    master.internalIP = kMasterAddress;
    master.labels["node-role.kubernetes.io/control-plane"] = "";
    master.labels["kubist.io/simulated"] = "true";
    master.taints.push_back({"node-role.kubernetes.io/control-plane", "", "NoSchedule"});
    m_nodes->addNode(master);
    for (int i = 1; i <= m_config.workers; ++i) {
        kubelet::NodeConfig worker;
        worker.name = "worker-" + std::to_string(i);
        worker.labels["kubist.io/simulated"] = "true";
        m_nodes->addNode(worker);
    }
    if (!m_options.demoWorkloads)
        return Status::ok();

    Result<std::vector<std::string>> docs = api::YamlCodec::toJsonDocuments(kDemoWebYaml);
    if (!docs)
        return docs.status();
    std::unique_ptr<client::Client> admin = m_api->localClient("kubist-demo");
    const api::Scheme &scheme = api::Scheme::builtin();
    for (const std::string &json : *docs) {
        Result<google::protobuf::Message *> decoded =
            api::JsonCodec::decodeAny(json, scheme.resolver());
        if (!decoded)
            return decoded.status();
        std::unique_ptr<google::protobuf::Message> object(*decoded);
        const api::KindInfo *kind = scheme.byDescriptor(object->GetDescriptor());
        const std::string ns = client::objectMeta(*object).namespace_();
        Result<client::ObjectPtr> created = admin->create(*kind, ns, *object);
        if (!created && created.status().code() != Status::Code::AlreadyExists)
            return Status(created.status().code(),
                          "creating the demo " + kind->kind + ": " + created.status().message());
    }
    return Status::ok();
}

void EmbeddedCluster::updateMasterStaticPods()
{
    if (!m_nodes)
        return;
    const auto pod = [](const std::string &component, const std::string &image, bool running) {
        kubelet::StaticPod p;
        p.name = component;
        p.image = image;
        p.labels["component"] = component;
        p.labels["tier"] = "control-plane";
        p.running = running;
        return p;
    };
    const bool etcd = m_store && m_store->isRunning();
    const bool apiserver = m_api && m_api->isServing();
    m_nodes->setStaticPods(
        "master",
        {pod("etcd", "registry.k8s.io/etcd:3.5.16-0", etcd),
         pod("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.32.0", apiserver),
         pod("kube-controller-manager", "registry.k8s.io/kube-controller-manager:v1.32.0",
             m_controllers != nullptr),
         pod("kube-scheduler", "registry.k8s.io/kube-scheduler:v1.32.0", m_scheduler != nullptr)});
}

Status EmbeddedCluster::stopPart(Part part)
{
    std::lock_guard lock(m_mutex);
    switch (part) {
    case Part::Etcd:
        m_store->stop();
        break;
    case Part::ApiServer:
        m_api->stopServing();
        break;
    case Part::Scheduler:
        m_scheduler.reset();
        m_schedulerClient.reset();
        break;
    case Part::ControllerManager:
        m_controllers.reset();
        m_controllerClient.reset();
        break;
    case Part::Nodes:
        m_logSource->setNodes(nullptr);
        if (m_traffic)
            m_trafficRates = m_traffic->rates();
        m_traffic.reset();
        m_proxies.reset();
        m_proxyClient.reset();
        m_nodes.reset();
        break;
    }
    logInfo(kComponent, std::string("stopped ") + partName(part));
    updateMasterStaticPods();
    return Status::ok();
}

Status EmbeddedCluster::startPart(Part part)
{
    std::lock_guard lock(m_mutex);
    Status s;
    switch (part) {
    case Part::Etcd:
        m_store->start();
        break;
    case Part::ApiServer:
        m_api->startServing();
        break;
    case Part::Scheduler:
        s = startScheduler();
        break;
    case Part::ControllerManager:
        s = startControllerManager();
        break;
    case Part::Nodes:
        s = startNodes();
        break;
    }
    if (s)
        logInfo(kComponent, std::string("started ") + partName(part));
    updateMasterStaticPods();
    return s;
}

bool EmbeddedCluster::isRunning(Part part) const
{
    std::lock_guard lock(m_mutex);
    switch (part) {
    case Part::Etcd:
        return m_store->isRunning();
    case Part::ApiServer:
        return m_api->isServing();
    case Part::Scheduler:
        return m_scheduler != nullptr;
    case Part::ControllerManager:
        return m_controllers != nullptr;
    case Part::Nodes:
        return m_nodes != nullptr;
    }
    return false;
}

namespace {

const char *componentName(ClusterControl::Component c)
{
    switch (c) {
    case ClusterControl::Component::Etcd:
        return "etcd";
    case ClusterControl::Component::ApiServer:
        return "apiserver";
    case ClusterControl::Component::Scheduler:
        return "scheduler";
    case ClusterControl::Component::ControllerManager:
        return "controller-manager";
    }
    return "?";
}

std::optional<EmbeddedCluster::Part> partNamed(const std::string &name)
{
    if (name == "etcd")
        return EmbeddedCluster::Part::Etcd;
    if (name == "apiserver")
        return EmbeddedCluster::Part::ApiServer;
    if (name == "scheduler")
        return EmbeddedCluster::Part::Scheduler;
    if (name == "controller-manager")
        return EmbeddedCluster::Part::ControllerManager;
    return std::nullopt;
}

std::string faultKey(const std::string &kind, const std::string &ns, const std::string &name,
                     const std::string &action)
{
    return kind + "/" + ns + "/" + name + "/" + action;
}

faults::FaultSpec nodeFault(const std::string &node, const char *action)
{
    faults::FaultSpec s;
    s.targetKind = "Node";
    s.name = node;
    s.action = action;
    return s;
}

faults::FaultSpec componentFault(ClusterControl::Component c)
{
    faults::FaultSpec s;
    s.targetKind = "Component";
    s.name = componentName(c);
    s.action = "Stop";
    return s;
}

} // namespace

// ---- ClusterControl ---------------------------------------------------------
// Never called with m_mutex held: the fault controller calls back into
// inject() / heal(), which take it.

Result<std::string> EmbeddedCluster::injectFault(const FaultSpec &spec)
{
    return m_faultController->inject(spec);
}

Status EmbeddedCluster::healFault(const std::string &name)
{
    return m_faultController->heal(name);
}

std::vector<ClusterControl::FaultState> EmbeddedCluster::faults() const
{
    return m_faultController->faults();
}

// Heals every fault in force with this target and action.
Status EmbeddedCluster::healAll(const FaultSpec &spec)
{
    for (int i = 0; i < 100; ++i) {
        std::optional<std::string> name = m_faultController->activeFault(spec);
        if (!name)
            return {};
        if (Status s = m_faultController->heal(*name); !s && s.code() != Status::Code::NotFound)
            return s;
    }
    return {};
}

Status EmbeddedCluster::stopComponent(Component component)
{
    Result<std::string> r = injectFault(componentFault(component));
    if (!r && r.status().code() != Status::Code::AlreadyExists)
        return r.status();
    return {};
}

Status EmbeddedCluster::startComponent(Component component)
{
    if (Status s = healAll(componentFault(component)); !s)
        return s;
    // Stopped some other way (stopPart): start it all the same.
    if (!isComponentRunning(component))
        return startPart(*partNamed(componentName(component)));
    return {};
}

bool EmbeddedCluster::isComponentRunning(Component component) const
{
    return isRunning(*partNamed(componentName(component)));
}

Status EmbeddedCluster::powerOffNode(const std::string &node)
{
    Result<std::string> r = injectFault(nodeFault(node, "PowerOff"));
    if (!r && r.status().code() != Status::Code::AlreadyExists)
        return r.status();
    return {};
}

Status EmbeddedCluster::powerOnNode(const std::string &node)
{
    if (Status s = check(nodeFault(node, "PowerOff")); !s)
        return s;
    return healAll(nodeFault(node, "PowerOff"));
}

bool EmbeddedCluster::isNodePoweredOn(const std::string &node) const
{
    std::lock_guard lock(m_mutex);
    return m_nodes && faultCountLocked("Node", "", node, "PowerOff") == 0;
}

Result<ClusterControl::NodeHealth> EmbeddedCluster::nodeHealth(const std::string &node) const
{
    std::lock_guard lock(m_mutex);
    if (!m_nodes)
        return Status::unavailable("the node simulator is stopped");
    auto state = m_nodes->faultState(node);
    if (!state)
        return state.status();
    NodeHealth h;
    h.poweredOn = state->poweredOn;
    h.partitioned = state->partitioned;
    h.runtimeRunning = state->runtimeRunning;
    h.proxyRunning = m_proxies && m_proxies->proxyRunning(node);
    return h;
}

Status EmbeddedCluster::crashContainer(const std::string &ns, const std::string &pod,
                                       const std::string &container)
{
    std::lock_guard lock(m_mutex);
    if (!m_nodes)
        return Status::unavailable("the node simulator is stopped");
    return m_nodes->crashContainer(ns, pod, container, 1);
}

Result<std::string> EmbeddedCluster::addNode(const std::string &name)
{
    std::lock_guard lock(m_mutex);
    if (!m_nodes)
        return Status::unavailable("the node simulator is stopped");
    kubelet::NodeConfig worker;
    worker.name = name;
    if (worker.name.empty()) {
        const std::vector<std::string> hosted = m_nodes->hostedNodes();
        for (int i = 1; worker.name.empty(); ++i) {
            const std::string candidate = "worker-" + std::to_string(i);
            if (std::find(hosted.begin(), hosted.end(), candidate) == hosted.end())
                worker.name = candidate;
        }
    }
    worker.labels[kubelet::NodeSimulator::kSimulatedLabel] = "true";
    if (Status s = m_nodes->addNode(worker); !s)
        return s;
    logInfo(kComponent, "added node " + worker.name);
    return worker.name;
}

Status EmbeddedCluster::removeNode(const std::string &node)
{
    std::unique_ptr<client::Client> admin;
    {
        std::lock_guard lock(m_mutex);
        if (!m_nodes)
            return Status::unavailable("the node simulator is stopped");
        if (Status s = m_nodes->removeNode(node); !s)
            return s;
        admin = m_api->localClient("kubist-gui");
    }
    const api::KindInfo &nodes = *api::Scheme::builtin().byResource("", "nodes");
    Result<client::ObjectPtr> r = admin->remove(nodes, "", node);
    if (!r && r.status().code() != Status::Code::NotFound)
        return r.status();
    logInfo(kComponent, "removed node " + node);
    return {};
}

Status EmbeddedCluster::setTrafficRate(const std::string &ns, const std::string &service,
                                       double rps)
{
    std::lock_guard lock(m_mutex);
    if (!m_traffic)
        return Status::notFound("the traffic generator is not running");
    m_traffic->setRate(ns, service, rps);
    return {};
}

double EmbeddedCluster::trafficRate(const std::string &ns, const std::string &service) const
{
    std::lock_guard lock(m_mutex);
    return m_traffic ? m_traffic->rate(ns, service) : 0.0;
}

namespace {

ClusterControl::TrafficStats statsOf(const proxy::TrafficGenerator::Stats &s)
{
    return {s.succeeded, s.failed};
}

} // namespace

ClusterControl::TrafficStats EmbeddedCluster::serviceTraffic(const std::string &ns,
                                                             const std::string &service) const
{
    std::lock_guard lock(m_mutex);
    return m_traffic ? statsOf(m_traffic->serviceStats(ns, service)) : TrafficStats{};
}

ClusterControl::TrafficStats EmbeddedCluster::podTraffic(const std::string &ns,
                                                         const std::string &pod) const
{
    std::lock_guard lock(m_mutex);
    return m_traffic ? statsOf(m_traffic->podStats(ns, pod)) : TrafficStats{};
}

std::vector<ClusterControl::TrafficStats>
EmbeddedCluster::trafficHistory(const std::string &ns, const std::string &service) const
{
    std::lock_guard lock(m_mutex);
    std::vector<TrafficStats> out;
    if (!m_traffic || m_traffic->rate(ns, service) <= 0)
        return out;
    for (const proxy::TrafficGenerator::Stats &s : m_traffic->history(ns, service))
        out.push_back(statsOf(s));
    return out;
}

// ---- FaultInjector ----------------------------------------------------------

Status EmbeddedCluster::check(const FaultSpec &spec) const
{
    const auto fits = [&](std::initializer_list<const char *> actions) {
        for (const char *a : actions)
            if (spec.action == a)
                return Status::ok();
        return Status::invalidArgument("a " + spec.targetKind + " fault cannot be \"" +
                                       spec.action + "\"");
    };
    if (spec.targetKind == "Component") {
        if (!partNamed(spec.name))
            return Status::invalidArgument("no component \"" + spec.name +
                                           "\" (want etcd, apiserver, scheduler or "
                                           "controller-manager)");
        return fits({"Stop"});
    }
    if (spec.targetKind == "Node") {
        if (Status s = fits({"PowerOff", "Partition", "StopRuntime", "StopProxy"}); !s)
            return s;
        std::lock_guard lock(m_mutex);
        if (!m_nodes)
            return Status::unavailable("the node simulator is stopped");
        const std::vector<std::string> hosted = m_nodes->hostedNodes();
        if (std::find(hosted.begin(), hosted.end(), spec.name) == hosted.end())
            return Status::invalidArgument("node \"" + spec.name +
                                           "\" is not a node this cluster simulates");
        return {};
    }
    if (spec.targetKind == "Pod") {
        if (Status s = fits({"CrashContainer"}); !s)
            return s;
        if (spec.ns.empty())
            return Status::invalidArgument("a Pod target needs a namespace");
        std::lock_guard lock(m_mutex);
        if (!m_nodes)
            return Status::unavailable("the node simulator is stopped");
        if (!m_nodes->hostsPod(spec.ns, spec.name))
            return Status::invalidArgument("pod \"" + spec.ns + "/" + spec.name +
                                           "\" does not run on a node this cluster simulates");
        return {};
    }
    return Status::invalidArgument("no target kind \"" + spec.targetKind +
                                   "\" (want Node, Pod or Component)");
}

Status EmbeddedCluster::inject(const FaultSpec &spec)
{
    return applyFault(spec, true);
}

Status EmbeddedCluster::heal(const FaultSpec &spec)
{
    return applyFault(spec, false);
}

int EmbeddedCluster::faultCountLocked(const std::string &kind, const std::string &ns,
                                      const std::string &name, const std::string &action) const
{
    auto it = m_faultCounts.find(faultKey(kind, ns, name, action));
    return it == m_faultCounts.end() ? 0 : it->second;
}

// A node's kube-proxy runs unless the node is off, cut off, or its proxy stopped.
void EmbeddedCluster::applyProxyLocked(const std::string &node)
{
    if (!m_proxies)
        return;
    const bool down = faultCountLocked("Node", "", node, "PowerOff") > 0 ||
                      faultCountLocked("Node", "", node, "Partition") > 0 ||
                      faultCountLocked("Node", "", node, "StopProxy") > 0;
    if (down)
        m_proxies->stopProxy(node);
    else
        m_proxies->startProxy(node);
}

Status EmbeddedCluster::applyFault(const FaultSpec &spec, bool on)
{
    if (spec.targetKind == "Component") {
        std::optional<Part> part = partNamed(spec.name);
        if (!part)
            return Status::invalidArgument("no component \"" + spec.name + "\"");
        int count = 0;
        {
            std::lock_guard lock(m_mutex);
            int &c = m_faultCounts[faultKey("Component", "", spec.name, spec.action)];
            c = std::max(0, c + (on ? 1 : -1));
            count = c;
        }
        if (on && count == 1)
            return stopPart(*part);
        if (!on && count == 0)
            return startPart(*part);
        return {};
    }

    std::lock_guard lock(m_mutex);
    int &c = m_faultCounts[faultKey(spec.targetKind, spec.ns, spec.name, spec.action)];
    c = std::max(0, c + (on ? 1 : -1));
    const bool changed = on ? c == 1 : c == 0;
    if (!changed)
        return {};
    if (!m_nodes)
        return Status::unavailable("the node simulator is stopped");
    Status s;
    if (spec.action == "PowerOff")
        s = on ? m_nodes->powerOff(spec.name) : m_nodes->powerOn(spec.name);
    else if (spec.action == "Partition")
        s = m_nodes->setPartitioned(spec.name, on);
    else if (spec.action == "StopRuntime")
        s = on ? m_nodes->stopRuntime(spec.name) : m_nodes->startRuntime(spec.name);
    else if (spec.action == "CrashContainer")
        s = m_nodes->setCrashLoop(spec.ns, spec.name, on);
    if (spec.targetKind == "Node")
        applyProxyLocked(spec.name);
    return s;
}

std::vector<ClusterControl::Activity> EmbeddedCluster::takeActivity(uint64_t *dropped)
{
    std::lock_guard lock(m_mutex);
    if (!m_activity)
        m_activity = m_api->activity().subscribe();
    auto *subscription = static_cast<apiserver::ActivityStream::Subscription *>(m_activity.get());
    std::vector<Activity> out;
    for (apiserver::ActivityRecord &r : subscription->take(dropped)) {
        Activity a;
        a.actor = std::move(r.actor);
        a.verb = std::move(r.verb);
        a.resource = std::move(r.resource);
        a.ns = std::move(r.ns);
        a.name = std::move(r.name);
        a.code = r.code;
        a.touchedStore = r.touchedStore;
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace kubist::cluster
