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
#include "backend/kubelet/nodesimulator.h"
#include "backend/scheduler/scheduler/scheduler.h"
#include "backend/store/store.h"
#include "backend/util/idletracker.h"
#include "backend/util/log.h"

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
    if (m_api && m_logSource)
        m_api->registry().setPodLogSource(nullptr);
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
        if (o.workers < 0 || o.workers > 1000)
            return Status::invalidArgument("--nodes wants a number from 0 to 1000");
        c->m_config.profile = o.profile;
        c->m_config.workers = o.workers;
        c->m_newCluster = true;
    } else {
        return config.status();
    }
    c->m_profile = *TimingProfile::byName(c->m_config.profile);

    store::StoreOptions storeOptions;
    storeOptions.powerSafe = o.powerSafe;
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
    return Status::ok();
}

void EmbeddedCluster::stop()
{
    std::lock_guard lock(m_mutex);
    if (m_stopped)
        return;
    m_stopped = true;
    m_started = false;
    m_scheduler.reset();
    m_controllers.reset();
    if (m_logSource)
        m_logSource->setNodes(nullptr);
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
    m_nodes = std::make_unique<kubelet::NodeSimulator>(
        [api](const std::string &identity) { return api->localClient(identity); }, *m_clock, o);
    m_nodes->start();
    m_logSource->setNodes(m_nodes.get());
    updateMasterStaticPods();
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

} // namespace kubist::cluster

namespace kubist::cluster {

namespace {

EmbeddedCluster::Part partOf(ClusterControl::Component c)
{
    switch (c) {
    case ClusterControl::Component::Etcd:
        return EmbeddedCluster::Part::Etcd;
    case ClusterControl::Component::ApiServer:
        return EmbeddedCluster::Part::ApiServer;
    case ClusterControl::Component::Scheduler:
        return EmbeddedCluster::Part::Scheduler;
    case ClusterControl::Component::ControllerManager:
        return EmbeddedCluster::Part::ControllerManager;
    }
    return EmbeddedCluster::Part::Etcd;
}

} // namespace

Status EmbeddedCluster::stopComponent(Component component)
{
    return stopPart(partOf(component));
}

Status EmbeddedCluster::startComponent(Component component)
{
    return startPart(partOf(component));
}

bool EmbeddedCluster::isComponentRunning(Component component) const
{
    return isRunning(partOf(component));
}

Status EmbeddedCluster::powerOffNode(const std::string &node)
{
    return setNodePower(node, false);
}

Status EmbeddedCluster::powerOnNode(const std::string &node)
{
    return setNodePower(node, true);
}

Status EmbeddedCluster::setNodePower(const std::string &node, bool on)
{
    std::lock_guard lock(m_mutex);
    if (!m_nodes)
        return Status::unavailable("the node simulator is stopped");
    const auto hosted = m_nodes->hostedNodes();
    if (std::find(hosted.begin(), hosted.end(), node) == hosted.end())
        return Status::notFound("node \"" + node + "\" is not simulated by this cluster");
    if (on) {
        m_nodes->startKubelet(node);
        m_poweredOff.erase(node);
    } else {
        m_nodes->stopKubelet(node);
        m_poweredOff.insert(node);
    }
    logInfo(kComponent, (on ? "powered on node " : "powered off node ") + node);
    return Status::ok();
}

bool EmbeddedCluster::isNodePoweredOn(const std::string &node) const
{
    std::lock_guard lock(m_mutex);
    return m_nodes && !m_poweredOff.contains(node);
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
